"""Choices of the security app."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from parcours.accounts.enums import SCHOOL_STAFF_ROLES, Role


class Protocol(models.TextChoices):
    OIDC = "oidc", _("OpenID Connect")
    SAML = "saml", _("SAML 2")


#: Roles an identity provider may grant from an affiliation. Nothing else is ever granted by SSO:
#: deciding roles (pedagogical engineer, director of studies, HR, administrator) are given by a person.
MAPPABLE_ROLES = (Role.STUDENT, Role.STAFF, Role.TEACHER)

#: Roles that may enrol a second factor (TOTP): the people who act on other people's files.
TWO_FACTOR_ROLES = SCHOOL_STAFF_ROLES

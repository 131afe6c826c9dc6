"""Roles and statuses shared by the whole product."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STUDENT = "student", _("Student")
    STAFF = "staff", _("Staff member")
    PEDAGOGICAL_ENGINEER = "pedagogical_engineer", _("Pedagogical engineer")
    DIRECTOR_OF_STUDIES = "director_of_studies", _("Director of studies")
    TEACHER = "teacher", _("Teacher")
    HR = "hr", _("Human resources")
    PARTNER_REFERENT = "partner_referent", _("Garde nationale referent")
    ADMINISTRATOR = "administrator", _("Administrator")


#: Roles that act for the school on other people's files (reviewing, deciding, managing).
SCHOOL_STAFF_ROLES = frozenset(
    {Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.TEACHER, Role.HR, Role.ADMINISTRATOR}
)
#: Roles whose holders may serve as reservists and keep a portfolio.
RESERVIST_ROLES = frozenset({Role.STUDENT, Role.STAFF})


class EmploymentStatus(models.TextChoices):
    PUBLIC_SERVANT = "public_servant", _("Public servant")
    PUBLIC_CONTRACT = "public_contract", _("Contract staff (public law)")
    PRIVATE_CONTRACT = "private_contract", _("Employee (private law)")

"""Dashboard widgets of the credentials feature."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parcours.accounts.enums import Role
from parcours.credentials.enums import CredentialStatus
from parcours.credentials.selectors import credentials_for_manager, credentials_of_holder
from parcours.web.core.dashboards import Item, register


@register(Role.STUDENT)
@register(Role.STAFF)
def holder_widget(user) -> list[Item]:
    count = credentials_of_holder(user).filter(status=CredentialStatus.ACTIVE).count()
    return [Item(_("My credentials"), count, reverse("credential_mine"))] if count else []


@register(Role.PEDAGOGICAL_ENGINEER)
@register(Role.DIRECTOR_OF_STUDIES)
@register(Role.ADMINISTRATOR)
def manager_widget(user) -> list[Item]:
    count = credentials_for_manager(user).filter(is_current=True, status=CredentialStatus.ACTIVE).count()
    return [Item(_("Credentials issued"), count, reverse("credential_manage"))]

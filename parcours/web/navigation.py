"""Navigation entries, declared once; each names the roles that see it.

Later features append their entries here. Templates render whatever ``visible_entries`` returns.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parcours.accounts.enums import Role
from parcours.accounts.permissions import has_role


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    roles: tuple[str, ...] = ()  # empty: every logged-in user
    url_prefix: str = ""

    def visible_to(self, user) -> bool:
        return not self.roles or has_role(user, *self.roles)


ENTRIES: list[NavEntry] = [
    NavEntry(_("Dashboard"), "dashboard"),
    NavEntry(
        _("My institution"),
        "institution_list",
        roles=(
            Role.PEDAGOGICAL_ENGINEER,
            Role.DIRECTOR_OF_STUDIES,
            Role.TEACHER,
            Role.HR,
            Role.ADMINISTRATOR,
        ),
        url_prefix="/institutions/",
    ),
    NavEntry(_("My portfolio"), "portfolio_home", roles=(Role.STUDENT, Role.STAFF), url_prefix="/portfolio/"),
    NavEntry(_("My requests"), "recognition_my_requests", roles=(Role.STUDENT, Role.STAFF)),
    NavEntry(
        _("Review queue"),
        "recognition_queue",
        roles=(Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR),
        url_prefix="/recognition/queue/",
    ),
    NavEntry(
        _("Jury sessions"),
        "recognition_sessions",
        roles=(Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR),
        url_prefix="/recognition/sessions/",
    ),
    NavEntry(_("API"), "api-1.0.0:openapi-view", url_prefix="/api/"),
]


def visible_entries(request) -> list[dict]:
    user = request.user
    if not user.is_authenticated:
        return []
    items = []
    for entry in ENTRIES:
        if entry.visible_to(user):
            url = reverse(entry.url_name)
            active = request.path == url or bool(
                entry.url_prefix and request.path.startswith(entry.url_prefix)
            )
            items.append({"label": entry.label, "url": url, "active": active})
    return items

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
    NavEntry(_("My credentials"), "credential_mine", roles=(Role.STUDENT, Role.STAFF)),
    NavEntry(
        _("Credentials"),
        "credential_manage",
        roles=(Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR),
        url_prefix="/credentials/manage/",
    ),
    NavEntry(
        _("My calendar"),
        "scheduling_calendar",
        roles=(Role.STUDENT, Role.STAFF, Role.TEACHER, Role.DIRECTOR_OF_STUDIES),
        url_prefix="/scheduling/calendar/",
    ),
    NavEntry(
        _("Study arrangements"),
        "scheduling_arrangement_list",
        roles=(Role.STUDENT, Role.TEACHER, Role.DIRECTOR_OF_STUDIES),
        url_prefix="/scheduling/arrangements/",
    ),
    NavEntry(
        _("Reserve absences"),
        "scheduling_absence_overview",
        roles=(Role.STAFF, Role.HR),
        url_prefix="/scheduling/absences/",
    ),
    NavEntry(
        _("Timetables"),
        "scheduling_group_list",
        roles=(Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR),
        url_prefix="/scheduling/timetables/",
    ),
    NavEntry(
        _("Frameworks"),
        "framework_list",
        roles=(Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.TEACHER, Role.ADMINISTRATOR),
        url_prefix="/frameworks/",
    ),
    NavEntry(
        _("Recognition rules"),
        "rule_list",
        roles=(
            Role.STUDENT,
            Role.STAFF,
            Role.PEDAGOGICAL_ENGINEER,
            Role.DIRECTOR_OF_STUDIES,
            Role.TEACHER,
            Role.ADMINISTRATOR,
        ),
        url_prefix="/rules/",
    ),
    NavEntry(
        _("Referrals"),
        "partners_referrals",
        roles=(Role.PARTNER_REFERENT,),
        url_prefix="/partners/referrals/",
    ),
    NavEntry(
        _("Garde nationale reports"),
        "partners_dashboard",
        roles=(Role.PARTNER_REFERENT, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR),
        url_prefix="/partners/reports/",
    ),
    NavEntry(_("My track"), "track_home", roles=(Role.STUDENT,), url_prefix="/track/"),
    NavEntry(
        _("Reservist track"),
        "track_overview",
        roles=(Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR),
        url_prefix="/track/overview/",
    ),
    NavEntry(_("Elective course"), "track_course_list", roles=(Role.TEACHER,), url_prefix="/track/courses/"),
    NavEntry(_("My account"), "security_home", url_prefix="/security/"),
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

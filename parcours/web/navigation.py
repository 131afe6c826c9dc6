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
    group: str = ""  # entries of one group share a drop-down menu when more than one is visible

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
    NavEntry(
        _("My portfolio"),
        "portfolio_home",
        roles=(Role.STUDENT, Role.STAFF),
        url_prefix="/portfolio/",
        group="reservist",
    ),
    NavEntry(
        _("My requests"), "recognition_my_requests", roles=(Role.STUDENT, Role.STAFF), group="reservist"
    ),
    NavEntry(
        _("Review queue"),
        "recognition_queue",
        roles=(Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR),
        url_prefix="/recognition/queue/",
        group="recognition",
    ),
    NavEntry(
        _("Jury sessions"),
        "recognition_sessions",
        roles=(Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR),
        url_prefix="/recognition/sessions/",
        group="recognition",
    ),
    NavEntry(_("My credentials"), "credential_mine", roles=(Role.STUDENT, Role.STAFF), group="reservist"),
    NavEntry(
        _("Credentials"),
        "credential_manage",
        roles=(Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR),
        url_prefix="/credentials/manage/",
        group="recognition",
    ),
    NavEntry(
        _("My calendar"),
        "scheduling_calendar",
        roles=(Role.STUDENT, Role.STAFF, Role.TEACHER, Role.DIRECTOR_OF_STUDIES),
        url_prefix="/scheduling/calendar/",
        group="studies",
    ),
    NavEntry(
        _("Study arrangements"),
        "scheduling_arrangement_list",
        roles=(Role.STUDENT, Role.TEACHER, Role.DIRECTOR_OF_STUDIES),
        url_prefix="/scheduling/arrangements/",
        group="studies",
    ),
    NavEntry(
        _("Reserve absences"),
        "scheduling_absence_overview",
        roles=(Role.STAFF, Role.HR),
        url_prefix="/scheduling/absences/",
        group="studies",
    ),
    NavEntry(
        _("Timetables"),
        "scheduling_group_list",
        roles=(Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR),
        url_prefix="/scheduling/timetables/",
        group="studies",
    ),
    NavEntry(
        _("Frameworks"),
        "framework_list",
        roles=(Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.TEACHER, Role.ADMINISTRATOR),
        url_prefix="/frameworks/",
        group="recognition",
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
        group="recognition",
    ),
    NavEntry(
        _("Referrals"),
        "partners_referrals",
        roles=(Role.PARTNER_REFERENT,),
        url_prefix="/partners/referrals/",
        group="partners",
    ),
    NavEntry(
        _("Garde nationale reports"),
        "partners_dashboard",
        roles=(Role.PARTNER_REFERENT, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR),
        url_prefix="/partners/reports/",
        group="partners",
    ),
    NavEntry(_("My track"), "track_home", roles=(Role.STUDENT,), url_prefix="/track/", group="reservist"),
    NavEntry(
        _("Reservist track"),
        "track_overview",
        roles=(Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR),
        url_prefix="/track/overview/",
        group="recognition",
    ),
    NavEntry(
        _("Elective course"),
        "track_course_list",
        roles=(Role.TEACHER,),
        url_prefix="/track/courses/",
        group="studies",
    ),
    NavEntry(_("My account"), "security_home", url_prefix="/security/"),
]


GROUP_LABELS = {
    "reservist": _("My reservist path"),
    "recognition": _("Recognition"),
    "studies": _("Studies and reserve"),
    "partners": _("Garde nationale"),
}


def visible_entries(request) -> list[dict]:
    """Top-level items; a group with several visible entries becomes a drop-down menu (DSFR nav menu)."""
    user = request.user
    if not user.is_authenticated:
        return []
    items: list[dict] = []
    groups: dict[str, dict] = {}
    for entry in ENTRIES:
        if not entry.visible_to(user):
            continue
        url = reverse(entry.url_name)
        active = request.path == url or bool(entry.url_prefix and request.path.startswith(entry.url_prefix))
        link = {"label": entry.label, "url": url, "active": active}
        if not entry.group:
            items.append(link)
            continue
        if entry.group not in groups:
            groups[entry.group] = {
                "label": GROUP_LABELS[entry.group],
                "id": f"nav-{entry.group}",
                "children": [],
            }
            items.append(groups[entry.group])
        groups[entry.group]["children"].append(link)
    for group in groups.values():
        group["active"] = any(child["active"] for child in group["children"])
        if len(group["children"]) == 1:
            group.update(group["children"][0], children=[])
    return items

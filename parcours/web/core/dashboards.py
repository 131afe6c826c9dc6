"""One dashboard section per role held. Each section says what will appear there.

Features register their widgets here as they land; until then the empty state explains the section.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parcours.accounts.enums import Role
from parcours.accounts.permissions import sorted_roles


@dataclass
class Section:
    role: Role
    title: str | Promise
    empty_state: str | Promise
    links: list[tuple[str | Promise, str]] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)


@dataclass
class Item:
    """One line of a dashboard widget: a label, a figure or short text, and where to go."""

    label: str | Promise
    value: object = ""
    url: str = ""


#: Widget providers per role: callables ``(user) -> list[Item]``. Features append theirs with ``register``.
WIDGETS: dict[str, list[Callable[..., list[Item]]]] = {}


def register(role: str):
    def decorator(provider: Callable[..., list[Item]]) -> Callable[..., list[Item]]:
        WIDGETS.setdefault(role, []).append(provider)
        return provider

    return decorator


EMPTY_STATES: dict[str, tuple[str | Promise, str | Promise]] = {
    Role.STUDENT: (
        _("My reservist path"),
        _(
            "Your reserve periods, your recognition requests and your progress in the ingénieur réserviste "
            "track will appear here."
        ),
    ),
    Role.STAFF: (
        _("My reserve activity"),
        _(
            "Your planned reserve days, your absence requests and the days left in your yearly quota will appear here."
        ),
    ),
    Role.PEDAGOGICAL_ENGINEER: (
        _("Framework and recognition"),
        _(
            "The competency framework, the recognition rules and the requests waiting for review will appear here."
        ),
    ),
    Role.DIRECTOR_OF_STUDIES: (
        _("Decisions"),
        _("Rules waiting for approval, jury sessions and study arrangements to approve will appear here."),
    ),
    Role.TEACHER: (
        _("Teaching"),
        _("Arrangement requests for your exams and the elective course sessions will appear here."),
    ),
    Role.HR: (
        _("Staff reserve absences"),
        _("Absence requests from staff reservists and their yearly quotas will appear here."),
    ),
    Role.PARTNER_REFERENT: (
        _("Garde nationale"),
        _("Aggregated reports and the referrals of people who consented will appear here."),
    ),
    Role.ADMINISTRATOR: (
        _("Administration"),
        _("Institutions, accounts and settings. Use the administration site to manage them."),
    ),
}


def dashboard_sections(user, roles) -> list[Section]:
    sections = []
    for role in sorted_roles(roles):
        title, empty = EMPTY_STATES[role]
        section = Section(role=role, title=title, empty_state=empty)
        if role == Role.ADMINISTRATOR:
            section.links.append((_("Administration site"), "/admin/"))
        for provider in WIDGETS.get(role, ()):
            section.items.extend(provider(user))
        sections.append(section)
    return sections

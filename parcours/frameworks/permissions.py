"""Who may do what with frameworks. Views and the API ask these helpers; they never compare role strings."""

from __future__ import annotations

from parcours.accounts.enums import Role
from parcours.accounts.permissions import has_role, institutions_with_role, role_map

from .enums import FrameworkKind, FrameworkStatus

#: Write the framework: items, levels, imports.
EDITOR_ROLES = (Role.PEDAGOGICAL_ENGINEER,)
#: Publish and freeze.
DECIDER_ROLES = (Role.DIRECTOR_OF_STUDIES,)
#: See drafts and imports.
MANAGER_ROLES = (Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR)


def member_institution_ids(user) -> list[int]:
    """Institutions where ``user`` holds any role (everyone there may read the published framework)."""
    return list(role_map(user).keys())


def manager_institution_ids(user) -> list[int]:
    return list(institutions_with_role(user, *MANAGER_ROLES).values_list("pk", flat=True))


def can_edit(user, framework) -> bool:
    """The pedagogical engineer of the school edits its framework until it is frozen."""
    return (
        framework.kind == FrameworkKind.SCHOOL
        and framework.status != FrameworkStatus.FROZEN
        and framework.institution_id is not None
        and has_role(user, *EDITOR_ROLES, institution=framework.institution_id)
    )


def can_manage(user, framework) -> bool:
    return framework.institution_id is not None and has_role(
        user, *MANAGER_ROLES, institution=framework.institution_id
    )


def can_create_version(user, framework) -> bool:
    return (
        framework.kind == FrameworkKind.SCHOOL
        and framework.institution_id is not None
        and has_role(user, *EDITOR_ROLES, institution=framework.institution_id)
    )


def is_editor_somewhere(user) -> bool:
    return has_role(user, *EDITOR_ROLES)

"""Who may do what with recognition rules."""

from __future__ import annotations

from parcours.accounts.enums import Role
from parcours.accounts.permissions import has_role, institutions_with_role, role_map

#: Write draft rules.
RULE_EDITOR_ROLES = (Role.PEDAGOGICAL_ENGINEER,)
#: Approve and retire rules.
RULE_DECIDER_ROLES = (Role.DIRECTOR_OF_STUDIES,)
#: See drafts and retired rules.
RULE_MANAGER_ROLES = (Role.PEDAGOGICAL_ENGINEER, Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR)


def member_institution_ids(user) -> list[int]:
    return list(role_map(user).keys())


def manager_institution_ids(user) -> list[int]:
    return list(institutions_with_role(user, *RULE_MANAGER_ROLES).values_list("pk", flat=True))


def can_edit_rule(user, rule) -> bool:
    from .enums import RuleStatus

    return rule.status == RuleStatus.DRAFT and has_role(
        user, *RULE_EDITOR_ROLES, institution=rule.institution_id
    )


def can_write_rules(user, institution=None) -> bool:
    return has_role(user, *RULE_EDITOR_ROLES, institution=institution)


def can_new_version(user, rule) -> bool:
    from .enums import RuleStatus

    return rule.status in (RuleStatus.APPROVED, RuleStatus.RETIRED) and has_role(
        user, *RULE_EDITOR_ROLES, institution=rule.institution_id
    )

"""Public face of the accounts app for the other apps."""

from .enums import RESERVIST_ROLES, SCHOOL_STAFF_ROLES, EmploymentStatus, Role
from .models import Cohort, Institution, Membership, Programme, User
from .permissions import has_role, institutions_with_role, role_required, roles_of

__all__ = [
    "RESERVIST_ROLES",
    "SCHOOL_STAFF_ROLES",
    "Cohort",
    "EmploymentStatus",
    "Institution",
    "Membership",
    "Programme",
    "Role",
    "User",
    "has_role",
    "institutions_with_role",
    "role_required",
    "roles_of",
]

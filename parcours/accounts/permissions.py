"""Role checks in one place, reused by the HTML views and the API.

A person's roles come from their active memberships. Views and API operations call these helpers; they
never compare role strings themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied

from .enums import Role
from .models import Institution, InstitutionQuerySet, Membership

_CACHE_ATTR = "_parcours_roles"


def role_map(user) -> dict[int, frozenset[str]]:
    """Map institution id → roles held there, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = {}
        for institution_id, role in (
            Membership.objects.active().filter(user=user).values_list("institution_id", "role")
        ):
            cached.setdefault(institution_id, set()).add(role)
        cached = {key: frozenset(value) for key, value in cached.items()}
        setattr(user, _CACHE_ATTR, cached)
    return cached


def roles_of(user, institution: Institution | int | None = None) -> frozenset[str]:
    """Roles held by ``user``, in one institution or across all of them."""
    mapping = role_map(user)
    if institution is None:
        return frozenset().union(*mapping.values()) if mapping else frozenset()
    institution_id = institution if isinstance(institution, int) else institution.pk
    return mapping.get(institution_id, frozenset())


def has_role(user, *roles: str, institution: Institution | int | None = None) -> bool:
    """Whether ``user`` holds any of ``roles`` (in ``institution`` when given)."""
    if getattr(user, "is_superuser", False) and Role.ADMINISTRATOR in roles:
        return True
    return bool(roles_of(user, institution) & set(roles))


def institutions_with_role(user, *roles: str) -> InstitutionQuerySet:
    """The institutions where ``user`` holds one of ``roles``: the scope of what they may act on."""
    if not getattr(user, "is_authenticated", False):
        return Institution.objects.none()
    ids = [inst for inst, held in role_map(user).items() if held & set(roles)]
    return Institution.objects.filter(pk__in=ids)


def clear_cache(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def role_required(*roles: str) -> Callable:
    """View decorator: 403 for a logged-in user who holds none of ``roles`` (login is already required)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args: Any, **kwargs: Any):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_roles = roles  # type: ignore[attr-defined]
        return wrapper

    return decorator


def sorted_roles(roles: Iterable[str]) -> list[Role]:
    """Roles in the order of the ``Role`` enumeration, for display."""
    order = list(Role)
    return sorted((Role(r) for r in roles), key=order.index)

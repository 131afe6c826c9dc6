from django.conf import settings

from parcours.accounts.permissions import roles_of, sorted_roles

from .navigation import visible_entries


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    roles = sorted_roles(roles_of(user)) if user is not None and user.is_authenticated else []
    return {
        "PRODUCT_NAME": settings.PARCOURS["PRODUCT_NAME"],
        "nav_entries": visible_entries(request) if user is not None else [],
        "user_roles": roles,
    }

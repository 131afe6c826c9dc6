from django.http import HttpRequest
from ninja import Router

from parcours.accounts.enums import SCHOOL_STAFF_ROLES
from parcours.accounts.models import Membership
from parcours.accounts.permissions import institutions_with_role

from .schemas import ErrorOut, InstitutionOut, MeOut

router = Router(tags=["accounts"])


@router.get("/me", response={200: MeOut, 401: ErrorOut}, operation_id="me_read")
def me_read(request: HttpRequest):
    """The logged-in person and the roles they hold."""
    user = request.auth
    memberships = Membership.objects.active().filter(user=user).select_related("institution")
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "language": user.language,
        "roles": [{"institution": m.institution.slug, "role": m.role} for m in memberships],
    }


@router.get(
    "/institutions", response={200: list[InstitutionOut], 401: ErrorOut}, operation_id="institution_list"
)
def institution_list(request: HttpRequest):
    """Institutions where the caller acts for the school."""
    return list(institutions_with_role(request.auth, *SCHOOL_STAFF_ROLES).order_by("name"))

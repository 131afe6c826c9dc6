from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from parcours.accounts.enums import SCHOOL_STAFF_ROLES
from parcours.accounts.permissions import institutions_with_role, role_required
from parcours.accounts.selectors import institution_for_staff, institution_overview


@require_GET
@role_required(*SCHOOL_STAFF_ROLES)
def institution_list(request: HttpRequest) -> HttpResponse:
    institutions = institutions_with_role(request.user, *SCHOOL_STAFF_ROLES)
    if len(institutions) == 1:
        return redirect("institution_detail", slug=institutions[0].slug)
    return render(request, "web/institution_list.html", {"institutions": institutions})


@require_GET
@role_required(*SCHOOL_STAFF_ROLES)
def institution_detail(request: HttpRequest, slug: str) -> HttpResponse:
    institution = institution_for_staff(request.user, slug)
    return render(
        request,
        "web/institution_detail.html",
        {"institution": institution, **institution_overview(institution)},
    )

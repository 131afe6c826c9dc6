"""Read-side queries for accounts, always scoped to what the asking user may see."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from .enums import SCHOOL_STAFF_ROLES
from .models import Institution, Membership, Programme
from .permissions import institutions_with_role


def institution_for_staff(user, slug: str) -> Institution:
    """An institution where ``user`` holds a school-staff role; any other is a 404."""
    return get_object_or_404(institutions_with_role(user, *SCHOOL_STAFF_ROLES), slug=slug)


def institution_overview(institution: Institution) -> dict:
    programmes: QuerySet[Programme] = institution.programmes.prefetch_related("cohorts")
    by_role = dict(
        Membership.objects.active()
        .filter(institution=institution)
        .values_list("role")
        .annotate(n=Count("id"))
        .values_list("role", "n")
    )
    return {"programmes": programmes, "members_by_role": by_role}


def memberships_of(user) -> QuerySet[Membership]:
    return (
        Membership.objects.active()
        .filter(user=user)
        .select_related("institution", "cohort__programme")
        .prefetch_related(Prefetch("institution"))
    )

"""Helpers to build partnership data for tests: interested people, referrals, decisions, share links."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from parcours.accounts.enums import Role
from parcours.partners import services
from parcours.partners.enums import ConsentScope
from parcours.partners.models import InterestDeclaration, Referral, ShareLink
from parcours.portfolio.models import ReservePeriod, ReservistProfile
from parcours.recognition.models import (
    Decision,
    DecisionCompetency,
    JurySession,
    RecognitionRequest,
    ValidatedActivity,
)
from tests.factories import user_with_role
from tests.recognition.factories import ActivityTypeFactory, ForceFactory

ALL_SCOPES = list(ConsentScope.values)


def interested(
    institution, *, scopes=ALL_SCOPES, confirm=True, role=Role.STUDENT, message="", phone="", **user_fields
) -> InterestDeclaration:
    """A student (or staff member) of ``institution`` who declared an interest (and confirmed it)."""
    user = user_with_role(role, institution, **user_fields)
    declaration = services.interest_save(
        user=user, institution=institution, scopes=scopes, message=message, phone=phone
    )
    if confirm:
        declaration = services.interest_confirm(
            declaration=declaration, actor=user, consent_version=services.consent_text_current().version
        )
    return declaration


def referral_of(declaration) -> Referral:
    return Referral.objects.get(declaration=declaration)


def reservists(institution, n: int, *, force=None, year: int | None = None, days: int = 10, prefix="r"):
    """``n`` active reservists of ``institution`` (one force) with one period of ``days`` days in ``year``."""
    year = year or timezone.localdate().year
    force = force or ForceFactory()
    activity = ActivityTypeFactory()
    people = []
    for i in range(n):
        user = user_with_role(
            Role.STUDENT, institution, email=f"{prefix}{institution.slug}{force.code}{i}@example.org"
        )
        profile = ReservistProfile.objects.create(
            user=user, institution=institution, status="active", force=force, unit="3e RIMa", rank="Sergent"
        )
        start = date(year, 3, 1)
        ReservePeriod.objects.create(
            profile=profile,
            activity_type=activity,
            title="Mission",
            start_date=start,
            end_date=start + timedelta(days=days - 1),
            length_days=days,
            days=days,
            place="Caserne Vauban",
        )
        people.append(profile)
    return people


def decide(world, *, outcome="validated", ects="3", weeks=0):
    """A signed current decision on the world's period, with its competencies recognised."""
    institution, student = world["institution"], world["student"]
    request = RecognitionRequest.objects.create(
        holder=student,
        institution=institution,
        title="PMI",
        status="decided",
        outcome=outcome,
        submitted_at=timezone.now(),
        decided_at=timezone.now(),
    )
    request.periods.add(world["period"])
    session = JurySession.objects.create(
        institution=institution, title="Jury", date=timezone.localdate(), chair=world["director"]
    )
    decision = Decision.objects.create(
        request=request,
        session=session,
        outcome=outcome,
        signed_by=world["director"],
        signed_at=timezone.now(),
    )
    ValidatedActivity.objects.create(
        decision=decision, period=world["period"], ects=Decimal(ects), internship_weeks_exempted=weeks
    )
    for competency in world["competencies"][:2]:
        DecisionCompetency.objects.create(decision=decision, competency=competency, level=world["levels"][2])
    return decision


def share_link(holder, **fields) -> ShareLink:
    return services.share_link_create(holder=holder, days=fields.pop("days", 30), **fields)

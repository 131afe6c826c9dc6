"""Reads of the partnership features, always scoped to the asking user."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from parcours.accounts.enums import Role
from parcours.accounts.models import Institution, Membership
from parcours.accounts.permissions import institutions_with_role

from .enums import OPEN_INTEREST, ConsentScope
from .models import FaqEntry, InfoPage, InterestDeclaration, Referral, ShareLink

#: Who sees the partnership reports: the Garde nationale referents, and the school's leadership.
REFERENT_ROLES = (Role.PARTNER_REFERENT,)
LEADERSHIP_ROLES = (Role.DIRECTOR_OF_STUDIES, Role.ADMINISTRATOR)
REPORT_ROLES = REFERENT_ROLES + LEADERSHIP_ROLES


# --------------------------------------------------------------------------------------------------------
# Public pages


def published_pages() -> QuerySet[InfoPage]:
    return InfoPage.objects.filter(is_published=True)


def published_faq() -> QuerySet[FaqEntry]:
    return FaqEntry.objects.filter(is_published=True)


# --------------------------------------------------------------------------------------------------------
# Scopes


def report_institutions(user) -> QuerySet[Institution]:
    """Institutions whose reports ``user`` may read: those they follow as referent or lead (all for a superuser)."""
    if getattr(user, "is_superuser", False):
        return Institution.objects.all()
    return institutions_with_role(user, *REPORT_ROLES).order_by("name")


def referent_institutions(user) -> QuerySet[Institution]:
    return institutions_with_role(user, *REFERENT_ROLES)


# --------------------------------------------------------------------------------------------------------
# Interest (the person's own side)


def open_interest(user, institution=None) -> InterestDeclaration | None:
    declarations = InterestDeclaration.objects.filter(user=user, status__in=OPEN_INTEREST)
    if institution is not None:
        declarations = declarations.filter(institution=institution)
    return (
        declarations.select_related("institution", "consent_text", "referral")
        .prefetch_related("forces")
        .first()
    )


def interests_of(user) -> QuerySet[InterestDeclaration]:
    return (
        InterestDeclaration.objects.filter(user=user)
        .select_related("institution", "consent_text")
        .prefetch_related("consents__consent_text")
        .order_by("-created_at")
    )


# --------------------------------------------------------------------------------------------------------
# Referrals (the referent's side)


def referral_queue(user, *, stage: str = "", institution: Institution | None = None) -> QuerySet[Referral]:
    """Referrals of consenting people in the institutions ``user`` follows as referent; nobody else."""
    queryset = (
        Referral.objects.consenting()
        .filter(institution__in=referent_institutions(user))
        .select_related("declaration__user", "institution")
        .prefetch_related("declaration__forces")
        .order_by("stage_changed_at", "pk")
    )
    if stage:
        queryset = queryset.filter(stage=stage)
    if institution is not None:
        queryset = queryset.filter(institution=institution)
    return queryset


def referral_for(user, pk: int) -> Referral:
    """One referral of the queue; a withdrawn, expired or other institution's referral is a 404."""
    return get_object_or_404(referral_queue(user), pk=pk)


@dataclass
class ReferralCard:
    """What a referent may know of a referral: only the items the person agreed to share."""

    referral: Referral
    name: str = ""
    email: str = ""
    studies: str = ""
    forces: list[str] = field(default_factory=list)
    message: str = ""
    phone: str = ""
    scopes: list[str] = field(default_factory=list)


def referral_card(referral: Referral, language: str) -> ReferralCard:
    declaration = referral.declaration
    card = ReferralCard(referral=referral, scopes=declaration.scopes)
    if declaration.has_scope(ConsentScope.CONTACT):
        card.name = declaration.user.get_full_name() or declaration.user.email
        card.email = declaration.user.email
    if declaration.has_scope(ConsentScope.STUDIES):
        card.studies = _studies(declaration, language)
    if declaration.has_scope(ConsentScope.FORCES):
        card.forces = [
            (f.name_en or f.name_fr) if language == "en" else f.name_fr for f in declaration.forces.all()
        ]
    if declaration.has_scope(ConsentScope.MESSAGE):
        card.message, card.phone = declaration.message, declaration.phone
    return card


def _studies(declaration: InterestDeclaration, language: str) -> str:
    from django.utils.translation import gettext as _

    membership = (
        Membership.objects.active()
        .filter(user_id=declaration.user_id, institution_id=declaration.institution_id, role=declaration.role)
        .select_related("cohort__programme", "institution")
        .first()
    )
    institution = declaration.institution.name
    if declaration.role == Role.STAFF:
        return _("Staff member, %(institution)s") % {"institution": institution}
    if membership and membership.cohort:
        programme = membership.cohort.programme
        name = (programme.name_en or programme.name_fr) if language == "en" else programme.name_fr
        return f"{institution} — {name}, {membership.cohort.label}"
    return _("Student, %(institution)s") % {"institution": institution}


def referral_stage_counts(user) -> dict[str, int]:
    from django.db.models import Count

    return dict(
        referral_queue(user).order_by().values_list("stage").annotate(n=Count("pk")).values_list("stage", "n")
    )


# --------------------------------------------------------------------------------------------------------
# Share links and the public profile


def share_links_of(user) -> QuerySet[ShareLink]:
    return ShareLink.objects.filter(holder=user).order_by("-created_at")


@dataclass
class SharedCompetency:
    statement: str
    level: str
    code: str = ""
    rank: int = 0


@dataclass
class SharedCredential:
    name: str
    issued_on: object
    verify_url: str


@dataclass
class SharedProfile:
    name: str
    competencies: list[SharedCompetency]
    credentials: list[SharedCredential]


def shared_profile(link: ShareLink, language: str) -> SharedProfile:
    """What a recruiter sees: recognised competencies and levels, verifiable credentials. Never unit, rank,
    place, evidence, e-mail or the reserve periods themselves."""
    from parcours.recognition.api import Outcome, current_decisions_of

    holder = link.holder
    seen: dict[int, SharedCompetency] = {}
    for decision in current_decisions_of(holder).filter(
        outcome__in=[Outcome.VALIDATED, Outcome.PARTIALLY_VALIDATED]
    ):
        for line in decision.competencies.all():
            competency, level = line.competency, line.level
            statement = (
                (competency.statement_en or competency.statement_fr)
                if language == "en"
                else competency.statement_fr
            )
            level_label = ""
            if level is not None:
                level_label = (level.label_en or level.label_fr) if language == "en" else level.label_fr
            rank = level.rank if level is not None else 0
            previous = seen.get(competency.pk)
            if previous is None or rank > previous.rank:
                seen[competency.pk] = SharedCompetency(statement, level_label, competency.code, rank)
    credentials: list[SharedCredential] = []
    if link.include_credentials and apps.is_installed("parcours.credentials"):
        from parcours.credentials.api import CredentialStatus, current_credentials_of, verify_url

        for credential in current_credentials_of(holder).filter(hidden=False, status=CredentialStatus.ACTIVE):
            credentials.append(
                SharedCredential(
                    name=credential.localized("name", language) or credential.name,
                    issued_on=credential.issued_at,
                    verify_url=verify_url(credential),
                )
            )
    name = (holder.get_full_name() or "") if link.show_name else ""
    return SharedProfile(
        name=name,
        competencies=sorted(seen.values(), key=lambda c: c.code or c.statement),
        credentials=credentials,
    )

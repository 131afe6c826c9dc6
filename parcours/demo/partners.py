"""Demo step: Garde nationale partnership.

- the information pages and the FAQ (French and English) and the first consent text;
- a population of demo reservists with reserve periods over the last years, so that the reports show
  figures (and small groups hidden);
- interested students and staff who consented, at every referral stage, one who withdrew, one who did
  not agree to be contacted, and one draft never confirmed.
Idempotent: people and their declarations are created once.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from parcours.accounts.enums import EmploymentStatus, Role
from parcours.accounts.models import Cohort, Institution, Membership, User
from parcours.partners.enums import ConsentScope, ReferralStage
from parcours.partners.models import InterestDeclaration, Referral
from parcours.partners.services import (
    consent_text_current,
    info_content_load,
    interest_confirm,
    interest_save,
    interest_withdraw,
    referral_transition,
)
from parcours.portfolio.models import ReservePeriod, ReservistProfile
from parcours.reserve.models import ActivityType, Force

from .accounts import MAIN_SLUG, OTHER_SLUG

POPULATION = 70  # demo reservists, spread over the two demo institutions
FORCE_WEIGHTS = [
    ("armee-de-terre", 40),
    ("gendarmerie-nationale", 25),
    ("marine-nationale", 12),
    ("armee-air-espace", 12),
    ("police-nationale", 7),
    ("service-sante-armees", 4),
]
#: (e-mail, first name, last name, role, cohort code, consent items, stage reached, then)
PROSPECTS = [
    (
        "etudiant@demo.example.org",
        "Hugo",
        "Martin",
        Role.STUDENT,
        "ING1-2026",
        "all",
        ReferralStage.CONTACTED,
        "",
    ),
    (
        "ines.robert@demo.example.org",
        "Inès",
        "Robert",
        Role.STUDENT,
        "ING1-2026",
        "all",
        ReferralStage.NEW,
        "",
    ),
    (
        "yanis.moreau@demo.example.org",
        "Yanis",
        "Moreau",
        Role.STUDENT,
        "RISQ1-2026",
        "contact,studies",
        ReferralStage.APPLICATION,
        "",
    ),
    (
        "emma.girard@demo.example.org",
        "Emma",
        "Girard",
        Role.STUDENT,
        "ING3-2026",
        "all",
        ReferralStage.JOINED,
        "",
    ),
    (
        "lucas.fontaine@demo.example.org",
        "Lucas",
        "Fontaine",
        Role.STUDENT,
        "ING2-2026",
        "contact",
        ReferralStage.NOT_PURSUED,
        "",
    ),
    (
        "chloe.lambert@demo.example.org",
        "Chloé",
        "Lambert",
        Role.STUDENT,
        "ING2-2026",
        "all",
        ReferralStage.CONTACTED,
        "withdraw",
    ),
    ("personnel@demo.example.org", "Nathalie", "Bernard", Role.STAFF, "", "studies,forces", None, ""),
    ("paul.henry@demo.example.org", "Paul", "Henry", Role.STUDENT, "ING1-2026", "all", None, "draft"),
]
STEPS_TO = {
    ReferralStage.NEW: [],
    ReferralStage.CONTACTED: ["contact"],
    ReferralStage.APPLICATION: ["contact", "apply"],
    ReferralStage.JOINED: ["contact", "apply", "join"],
    ReferralStage.NOT_PURSUED: ["contact", "drop"],
}


def _ensure_catalogue() -> None:
    if not Force.objects.exists() or not ActivityType.objects.exists():
        from parcours.reserve.catalogue import load_catalogue

        load_catalogue()


def _user(email: str, first: str, last: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, settings.PARCOURS["DEMO_PASSWORD"], first_name=first, last_name=last
        )
    return user


def _population(stdout) -> int:
    """Demo reservists with periods over the last four years (generic names, no real person)."""
    rng = random.Random(2026)
    institutions = {i.slug: i for i in Institution.objects.filter(slug__in=[MAIN_SLUG, OTHER_SLUG])}
    cohorts = {c.code: c for c in Cohort.objects.filter(programme__institution__in=institutions.values())}
    forces = {f.code: f for f in Force.objects.all()}
    activities = list(ActivityType.objects.exclude(kind="elective_course").order_by("position"))
    weights = [(forces[c], w) for c, w in FORCE_WEIGHTS if c in forces]
    if not weights or not activities or not cohorts:
        return 0
    this_year = timezone.localdate().year
    created = 0
    for n in range(1, POPULATION + 1):
        email = f"reserviste-{n:02d}@demo.example.org"
        if User.objects.filter(email=email).exists():
            continue
        slug = MAIN_SLUG if n <= POPULATION * 0.8 else OTHER_SLUG
        institution = institutions[slug]
        user = _user(email, "Réserviste", f"Démo {n:02d}")
        if n % 9 == 0 and slug == MAIN_SLUG:
            Membership.objects.get_or_create(
                user=user,
                institution=institution,
                role=Role.STAFF,
                defaults={"employment_status": EmploymentStatus.PUBLIC_SERVANT},
            )
        else:
            choices = [c for c in cohorts.values() if c.programme.institution_id == institution.pk]
            Membership.objects.get_or_create(
                user=user,
                institution=institution,
                role=Role.STUDENT,
                defaults={"cohort": rng.choice(choices)},
            )
        force = rng.choices([f for f, _w in weights], [w for _f, w in weights])[0]
        start_year = this_year - rng.randint(0, 3)
        profile = ReservistProfile.objects.create(
            user=user,
            institution=institution,
            status="active",
            force=force,
            esr_start=date(start_year, rng.randint(1, 9), 1),
            esr_end=date(start_year + rng.choice([1, 3, 5]), 8, 31),
        )
        for year in range(start_year, this_year + 1):
            for _k in range(rng.randint(1, 3)):
                activity = rng.choice(activities)
                days = max(1, min(activity.typical_days, rng.randint(2, 15)))
                start = date(year, rng.randint(1, 11), rng.randint(1, 20))
                if start > timezone.localdate():
                    start = timezone.localdate() - timedelta(days=rng.randint(20, 60))
                ReservePeriod.objects.create(
                    profile=profile,
                    activity_type=activity,
                    force=force,
                    title=activity.name_fr,
                    start_date=start,
                    end_date=start + timedelta(days=days - 1),
                    length_days=days,
                    days=days,
                )
        created += 1
    return created


def _prospects() -> dict[str, int]:
    counts = {"referred": 0, "withdrawn": 0, "not_contacted": 0, "draft": 0}
    institution = Institution.objects.get(slug=MAIN_SLUG)
    referent = User.objects.filter(
        memberships__role=Role.PARTNER_REFERENT, memberships__institution=institution
    ).first()
    forces = list(
        Force.objects.filter(code__in=["armee-de-terre", "gendarmerie-nationale", "marine-nationale"])
    )
    for email, first, last, role, cohort, items, stage, then in PROSPECTS:
        user = _user(email, first, last)
        Membership.objects.get_or_create(
            user=user,
            institution=institution,
            role=role,
            defaults={
                "cohort": Cohort.objects.filter(code=cohort).first() if cohort else None,
                "employment_status": EmploymentStatus.PUBLIC_SERVANT if role == Role.STAFF else "",
            },
        )
        if InterestDeclaration.objects.filter(user=user).exists():
            continue
        scopes = list(ConsentScope.values) if items == "all" else items.split(",")
        declaration = interest_save(
            user=user,
            institution=institution,
            forces=forces[: 1 + len(first) % 3],
            message="Je voudrais savoir si la préparation militaire est compatible avec mon stage."
            if ConsentScope.MESSAGE in scopes
            else "",
            phone="06 12 34 56 78" if ConsentScope.MESSAGE in scopes else "",
            scopes=scopes,
        )
        if then == "draft":
            counts["draft"] += 1
            continue
        interest_confirm(declaration=declaration, actor=user, consent_version=consent_text_current().version)
        referral = Referral.objects.filter(declaration=declaration).first()
        if referral is None:
            counts["not_contacted"] += 1
            continue
        for name in STEPS_TO.get(stage, []):
            if referent is not None:
                referral = referral_transition(referral=referral, name=name, actor=referent)
        if then == "withdraw":
            interest_withdraw(declaration=InterestDeclaration.objects.get(pk=declaration.pk), actor=user)
            counts["withdrawn"] += 1
        else:
            counts["referred"] += 1
    return counts


def build(stdout) -> None:
    _ensure_catalogue()
    pages, questions = info_content_load()
    consent = consent_text_current()
    population = _population(stdout)
    counts = _prospects()
    from parcours.partners.statistics import snapshot_refresh

    snapshot_refresh()
    stdout.write(
        f"Partnership: {pages} information pages, {questions} questions, consent text v{consent.version}, "
        f"{population} new demo reservists, interested people {counts}, statistics refreshed."
    )

"""Demo step: reservists with periods, attestations (generated PDFs), claims, and requests in every state.

One jury session is decided and closed (decision letters, attestations, minutes, credentials); another is
planned. Idempotent: a holder who already has requests is left as is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from parcours.accounts.enums import Role
from parcours.accounts.models import Cohort, Institution, Membership, User
from parcours.frameworks.models import Competency, Level
from parcours.portfolio import services as portfolio
from parcours.portfolio.models import ReservistProfile
from parcours.recognition import services as recognition
from parcours.recognition.enums import Outcome
from parcours.recognition.models import JurySession, RecognitionRequest
from parcours.recognition.proposal import build_proposal
from parcours.reserve.models import ActivityType, Force

from .accounts import MAIN_SLUG


@dataclass
class DemoPeriod:
    activity: str
    title: str
    start: date
    end: date
    description: str
    claims: list[tuple[str, int]] = field(default_factory=list)  # (competency code, self level)


@dataclass
class DemoReservist:
    email: str
    first_name: str
    last_name: str
    force: str
    esr_start: date
    unit: str
    rank: str
    periods: list[DemoPeriod]
    #: what happens to the request: draft, submitted, under_review, changes_requested, in_jury, decided,
    #: refused, appealed, withdrawn
    fate: str
    role: str = Role.STUDENT
    cohort: str = "ING2-2026"


PMI = DemoPeriod(
    "preparation-militaire",
    "Préparation militaire d'été",
    date(2025, 7, 7),
    date(2025, 7, 18),
    "Préparation militaire initiale au camp de Caylus : vie en collectivité, secourisme (PSC1), tir, topographie, "
    "ordre serré. Chef de chambrée la seconde semaine, compte rendu quotidien au chef de section.",
    [("C5.1", 1), ("C7.2", 2)],
)
FMIR = DemoPeriod(
    "formation-initiale-reserviste",
    "Formation militaire initiale du réserviste",
    date(2025, 10, 20),
    date(2025, 11, 3),
    "FMIR : instruction élémentaire, protection-défense d'un point sensible, transmissions, SST.",
    [("C5.2", 1)],
)
SENTINELLE = DemoPeriod(
    "mission-operationnelle",
    "Mission de protection du territoire",
    date(2026, 2, 9),
    date(2026, 2, 22),
    "Chef d'équipe protection-défense pendant deux semaines, gestion d'un poste de contrôle, compte rendu "
    "quotidien au chef de poste, coordination avec les forces de sécurité intérieure.",
    [("C4.1", 2), ("C5.1", 2)],
)

RESERVISTS = [
    DemoReservist(
        "etudiante@demo.example.org",
        "Camille",
        "Laurent",
        "armee-de-terre",
        date(2025, 9, 1),
        "24e régiment d'infanterie, 2e compagnie",
        "Caporal",
        [PMI, FMIR, SENTINELLE],
        "decided",
    ),
    DemoReservist(
        "lucas.petit@demo.example.org",
        "Lucas",
        "Petit",
        "gendarmerie-nationale",
        date(2025, 10, 1),
        "Réserve de la gendarmerie (démo)",
        "Gendarme adjoint",
        [FMIR],
        "submitted",
    ),
    DemoReservist(
        "ines.moreau@demo.example.org",
        "Inès",
        "Moreau",
        "marine-nationale",
        date(2024, 9, 1),
        "Réserve Marine (démo)",
        "Matelot",
        [PMI],
        "changes_requested",
    ),
    DemoReservist(
        "thomas.girard@demo.example.org",
        "Thomas",
        "Girard",
        "armee-de-terre",
        date(2024, 6, 1),
        "Régiment du génie (démo)",
        "Sergent",
        [SENTINELLE],
        "in_jury",
        cohort="ING3-2026",
    ),
    DemoReservist(
        "emma.roux@demo.example.org",
        "Emma",
        "Roux",
        "armee-air-espace",
        date(2025, 9, 1),
        "Base aérienne (démo)",
        "Aviateur",
        [PMI],
        "under_review",
        cohort="ING1-2026",
    ),
    DemoReservist(
        "chloe.fontaine@demo.example.org",
        "Chloé",
        "Fontaine",
        "service-sante-armees",
        date(2025, 1, 15),
        "Réserve du SSA (démo)",
        "Infirmière",
        [FMIR],
        "refused",
        cohort="ING3-2026",
    ),
    DemoReservist(
        "nathan.blanc@demo.example.org",
        "Nathan",
        "Blanc",
        "gendarmerie-nationale",
        date(2024, 9, 1),
        "Réserve de la gendarmerie (démo)",
        "Brigadier",
        [PMI],
        "appealed",
    ),
    DemoReservist(
        "jade.mercier@demo.example.org",
        "Jade",
        "Mercier",
        "armee-de-terre",
        date(2026, 1, 10),
        "Régiment de transmissions (démo)",
        "Soldat",
        [FMIR],
        "withdrawn",
        cohort="ING1-2026",
    ),
    DemoReservist(
        "personnel@demo.example.org",
        "Nathalie",
        "Bernard",
        "gendarmerie-nationale",
        date(2023, 3, 1),
        "Réserve de la gendarmerie (démo)",
        "Adjudant",
        [SENTINELLE],
        "draft",
        role=Role.STAFF,
    ),
]


def attestation_pdf(reservist: DemoReservist, period: DemoPeriod) -> bytes:
    """A plausible attestation of service, as a unit would issue it (demo only)."""
    from parcours.pdf import html_to_pdf

    days = (period.end - period.start).days + 1
    html = f"""
    <html><head><style>
      @page {{ size: A4; margin: 2.2cm; @bottom-center {{ content: "Document de démonstration"; font-family: DejaVu Sans;
               font-size: 8pt; color: #777; }} }}
      body {{ font-family: DejaVu Sans; font-size: 10.5pt; line-height: 1.5; }}
      h1 {{ font-size: 15pt; text-align: center; letter-spacing: 1px; margin: 2cm 0 1cm; }}
      .head {{ font-size: 9pt; }} .sign {{ margin-top: 2cm; margin-left: 55%; }}
    </style></head><body>
      <div class="head">MINISTÈRE DES ARMÉES (démo)<br>{reservist.unit}</div>
      <h1>ATTESTATION DE SERVICE</h1>
      <p>Le chef de corps soussigné atteste que <b>{reservist.first_name} {reservist.last_name.upper()}</b>,
      réserviste opérationnel·le sous engagement à servir dans la réserve depuis le {reservist.esr_start:%d/%m/%Y},
      a effectué la période suivante :</p>
      <p><b>{period.title}</b><br>du {period.start:%d/%m/%Y} au {period.end:%d/%m/%Y}, soit {days} jours d'activité.</p>
      <p>{period.description}</p>
      <p>Attestation délivrée pour servir et valoir ce que de droit.</p>
      <div class="sign">Fait le {period.end:%d/%m/%Y}<br>Le chef de corps<br><br><i>(signature)</i></div>
    </body></html>"""
    return html_to_pdf(html)


def _user(spec: DemoReservist, institution: Institution) -> User:
    from django.conf import settings

    user = User.objects.filter(email=spec.email).first()
    if user is None:
        user = User.objects.create_user(spec.email, settings.PARCOURS["DEMO_PASSWORD"])
        user.first_name, user.last_name = spec.first_name, spec.last_name
        user.save()
    cohort = Cohort.objects.filter(programme__institution=institution, code=spec.cohort).first()
    Membership.objects.get_or_create(
        user=user,
        institution=institution,
        role=spec.role,
        defaults={
            "cohort": cohort if spec.role == Role.STUDENT else None,
            "employment_status": "public_servant" if spec.role == Role.STAFF else "",
        },
    )
    return user


def build(stdout) -> None:
    institution = Institution.objects.get(slug=MAIN_SLUG)
    engineer = User.objects.get(email="ingenieure@demo.example.org")
    director = User.objects.get(email="directeur@demo.example.org")
    teacher = User.objects.get(email="enseignant@demo.example.org")
    from parcours.frameworks.selectors import current_framework

    framework = current_framework(institution)
    competencies = {c.code: c for c in Competency.objects.filter(framework=framework)} if framework else {}
    levels = {lv.rank: lv for lv in Level.objects.filter(framework=framework)} if framework else {}
    decided_session = JurySession.objects.filter(
        institution=institution, title__startswith="Jury de validation"
    ).first()
    if decided_session is None:
        decided_session = recognition.session_create(
            institution=institution,
            actor=director,
            title="Jury de validation des acquis de la réserve — octobre 2026",
            date=date(2026, 10, 15),
            chair=director,
            members=[director, engineer, teacher],
            place="Salle du conseil, Alès",
        )
    next_session = JurySession.objects.filter(
        institution=institution, title__startswith="Jury de décembre"
    ).first()
    if next_session is None:
        next_session = recognition.session_create(
            institution=institution,
            actor=director,
            title="Jury de décembre 2026",
            date=date(2026, 12, 10),
            chair=director,
            members=[director, engineer],
            place="Salle du conseil, Alès",
        )
    made = 0
    for spec in RESERVISTS:
        user = _user(spec, institution)
        if RecognitionRequest.objects.filter(holder=user).exists():
            continue
        profile, _created = ReservistProfile.objects.get_or_create(
            user=user, defaults={"institution": institution}
        )
        portfolio.profile_update(
            profile=profile,
            actor=user,
            status="active",
            force=Force.objects.filter(code=spec.force).first(),
            esr_start=spec.esr_start,
            esr_end=spec.esr_start.replace(year=spec.esr_start.year + 3),
            unit=spec.unit,
            rank=spec.rank,
        )
        periods = []
        for demo_period in spec.periods:
            period = profile.periods.filter(title=demo_period.title).first() or portfolio.period_create(
                profile=profile,
                actor=user,
                activity_type=ActivityType.objects.get(code=demo_period.activity),
                title=demo_period.title,
                start_date=demo_period.start,
                end_date=demo_period.end,
                description=demo_period.description,
                visibility="jury",
            )
            portfolio.evidence_add(
                profile=profile,
                actor=user,
                name=f"attestation-{demo_period.activity}.pdf",
                data=attestation_pdf(spec, demo_period),
                period=period,
                kind="attestation",
            )
            for code, self_level in demo_period.claims:
                if code in competencies:
                    portfolio.claim_add(
                        period=period,
                        actor=user,
                        competency=competencies[code],
                        self_level=levels.get(self_level),
                        account="Situation vécue pendant la période ; voir l'attestation.",
                    )
            periods.append(period)
        _advance(spec, user, institution, periods, engineer, director, decided_session, next_session)
        made += 1
    if made and decided_session.status == "planned":
        recognition.session_close(session=decided_session, actor=director)
    stdout.write(
        f"Recognition: {made} demo reservists with periods, attestations and requests in every state."
    )


def _advance(spec, user, institution, periods, engineer, director, decided_session, next_session) -> None:
    fate = spec.fate
    to_request = periods[:1] if fate == "decided" else periods
    request = recognition.request_create(
        holder=user,
        institution=institution,
        title=f"Reconnaissance — {to_request[0].title}",
        periods=to_request,
        message="Merci d'examiner ma demande ; l'attestation de service est jointe.",
    )
    if fate == "draft":
        return
    recognition.request_transition(request=request, name="submit", actor=user)
    if fate in ("submitted",):
        return
    if fate == "withdrawn":
        recognition.request_transition(request=request, name="withdraw", actor=user)
        return
    recognition.request_transition(request=request, name="start_review", actor=engineer)
    if fate == "under_review":
        return
    if fate == "changes_requested":
        recognition.request_transition(
            request=request,
            name="request_changes",
            actor=engineer,
            comment="Pouvez-vous préciser vos responsabilités pendant la période et joindre l'attestation signée ?",
        )
        return
    session = next_session if fate == "in_jury" else decided_session
    recognition.request_transition(request=request, name="send_to_jury", actor=engineer, session=session)
    if fate == "in_jury":
        return
    proposal = build_proposal(request)
    if fate == "refused":
        recognition.decision_sign(
            request=request,
            actor=director,
            session=decided_session,
            outcome=Outcome.REFUSED,
            reason="La période déclarée ne correspond à aucune compétence attendue par la formation ; "
            "elle pourra être valorisée dans le plan d'engagement.",
        )
        return
    recognition.decision_sign(
        request=request,
        actor=director,
        session=decided_session,
        outcome=Outcome.VALIDATED,
        competencies=proposal.competencies,
        activities=proposal.activities,
    )
    if fate == "appealed":
        recognition.request_transition(
            request=request,
            name="appeal",
            actor=user,
            comment="Je demande le niveau 2 : j'ai encadré une équipe pendant toute la seconde semaine.",
        )
    # the decided holder also has a later period in review, to show a portfolio with several stages
    if fate == "decided" and len(periods) > 1:
        later = recognition.request_create(
            holder=user,
            institution=institution,
            title=f"Reconnaissance — {periods[-1].title}",
            periods=[periods[-1]],
        )
        recognition.request_transition(request=later, name="submit", actor=user)


__all__ = ["RESERVISTS", "build"]

"""Demo step: the reserve catalogue, ESCO, the engineering framework of the demo school and its rules.

The framework (8 blocks, 40 competencies, 6 components, FR/EN) is written from public knowledge of what
French engineering schools expect (CTI: scientific and technical skills, design, project management,
leadership, risks and safety, communication and international work, ethics and sustainability, personal
development); it is imported from ``data/referentiel_ingenieur_2026.csv`` through the ordinary importer.
Idempotent: a second run changes nothing.
"""

from __future__ import annotations

import os
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from parcours.accounts.models import Institution, Programme, User
from parcours.frameworks.enums import FrameworkStatus
from parcours.frameworks.models import Framework, TeachingUnit
from parcours.frameworks.services import esco_import, framework_import_file, framework_update, levels_save
from parcours.reserve.catalogue import load_catalogue
from parcours.reserve.enums import EctsMode, RankBand
from parcours.reserve.models import ActivityType, Force, RecognitionRule
from parcours.reserve.services import rule_create, rule_new_version, rule_transition, rule_update

from .accounts import MAIN_SLUG

DATA = Path(__file__).resolve().parent / "data"
FRAMEWORK_FILE = DATA / "referentiel_ingenieur_2026.csv"
ESCO_FILE = Path(
    os.environ.get(
        "PARCOURS_ESCO_FILE", settings.BASE_DIR.parent / "shared" / "data" / "esco" / "skills_fr.csv.gz"
    )
)
YEAR = 2026
VALID_FROM, VALID_UNTIL = date(2026, 9, 1), date(2027, 8, 31)
#: The demo framework was adopted by the board before the legal deadline (1 November 2026).
PUBLISHED_ON = datetime(2026, 10, 12, 17, 0)

LEVELS = [
    (
        1,
        "Notions",
        "Awareness",
        "Connaît les notions et agit avec un accompagnement.",
        "Knows the concepts and acts with guidance.",
    ),
    (
        2,
        "Application",
        "Application",
        "Agit en autonomie dans une situation connue.",
        "Acts autonomously in a familiar situation.",
    ),
    (
        3,
        "Maîtrise",
        "Proficiency",
        "Adapte son action à des situations variées, y compris dégradées.",
        "Adapts to varied situations, including degraded ones.",
    ),
    (
        4,
        "Expertise",
        "Expertise",
        "Transfère, innove et fait progresser les autres.",
        "Transfers, innovates and helps others progress.",
    ),
]

TEACHING_UNITS = {
    "ING": [
        ("ING-MGT1", "Management d'équipe et leadership", "Team management and leadership", 3, 5, False),
        ("ING-SST", "Santé et sécurité au travail", "Occupational health and safety", 2, 3, False),
        ("ING-PROJ", "Gestion de projet", "Project management", 4, 5, False),
        ("ING-COM", "Communication professionnelle", "Professional communication", 2, 3, False),
        ("ING-ENG", "Engagement citoyen", "Civic engagement", 2, 4, False),
        ("ING-SECOURS", "Premiers secours (PSC1)", "First aid (PSC1)", 1, 1, False),
        ("ING-STAGE1", "Stage ouvrier (4 semaines)", "Shop-floor internship (4 weeks)", 5, 2, True),
    ],
    "RISQ": [
        ("RISQ-CRISE", "Gestion de crise", "Crisis management", 3, 7, False),
        ("RISQ-ANA", "Analyse des risques", "Risk analysis", 4, 6, False),
    ],
}


def _rules_spec(forces: dict[str, Force], types: dict[str, ActivityType]) -> list[dict]:
    pmi, pms = types["preparation-militaire"], types["preparation-militaire-superieure"]
    fmir, spe = types["formation-initiale-reserviste"], types["specialisation"]
    mission, leader = types["mission-operationnelle"], types["stage-chef-equipe"]
    elective = types["enseignement-optionnel-defense"]
    return [
        {
            "title_fr": "Préparation militaire (PMI)",
            "title_en": "Military preparation (initiation course)",
            "activity_type": pmi,
            "min_days": 10,
            "ects_mode": EctsMode.FIXED,
            "ects_value": Decimal("2"),
            "competencies": [("C4.3", 2), ("C5.3.a", 2), ("C7.3", 2), ("C7.4", 1), ("C8.2", 2)],
            "supplement_wording_fr": "Préparation militaire d'initiation à la défense nationale : travail en équipe, secourisme, engagement au service de la collectivité.",
            "supplement_wording_en": "Initiation course to national defence: teamwork, first aid, commitment to the community.",
            "first_version_ects": Decimal("1.5"),
        },
        {
            "title_fr": "Préparation militaire supérieure (PMS)",
            "title_en": "Advanced military preparation (officer track)",
            "activity_type": pms,
            "min_days": 15,
            "rank_band": "",
            "ects_mode": EctsMode.FIXED,
            "ects_value": Decimal("3"),
            "competencies": [("C4.1", 2), ("C4.4", 2), ("C3.4", 2), ("C7.4", 2)],
            "supplement_wording_fr": "Préparation militaire supérieure : commandement d'une équipe, prise de décision, compréhension des enjeux de défense.",
            "supplement_wording_en": "Advanced military preparation: leading a team, decision-making, understanding of defence issues.",
        },
        {
            "title_fr": "Formation militaire initiale du réserviste",
            "title_en": "Initial reserve training",
            "activity_type": fmir,
            "min_days": 10,
            "ects_mode": EctsMode.PER_DAY,
            "ects_value": Decimal("0.2"),
            "ects_cap": Decimal("3"),
            "competencies": [("C4.3", 2), ("C5.2", 2), ("C7.3", 2), ("C8.2", 2)],
            "exempted_units": ["ING-ENG"],
            "supplement_wording_fr": "Formation initiale de réserviste opérationnel : cohésion, règles de sécurité, engagement citoyen.",
            "supplement_wording_en": "Initial training as an operational reservist: cohesion, safety rules, civic commitment.",
        },
        {
            "title_fr": "Spécialisation en unité",
            "title_en": "Specialisation in unit",
            "activity_type": spe,
            "min_days": 5,
            "ects_mode": EctsMode.PER_DAY,
            "ects_value": Decimal("0.25"),
            "ects_cap": Decimal("2"),
            "competencies": [("C5.2", 3), ("C6.5", 2), ("C8.1", 2)],
            "supplement_wording_fr": "Qualification de spécialité obtenue en unité de réserve.",
            "supplement_wording_en": "Speciality qualification obtained in a reserve unit.",
        },
        {
            "title_fr": "Spécialisation santé (Service de santé des armées)",
            "title_en": "Medical specialisation (Military Health Service)",
            "activity_type": spe,
            "force": "service-sante-armees",
            "min_days": 5,
            "ects_mode": EctsMode.FIXED,
            "ects_value": Decimal("1"),
            "competencies": [("C5.3.a", 3), ("C5.3", 2), ("C5.3.b", 2)],
            "exempted_units": ["ING-SECOURS"],
            "supplement_wording_fr": "Formation au secourisme au combat et à la prise en charge des blessés.",
            "supplement_wording_en": "Combat first aid and casualty care training.",
        },
        {
            "title_fr": "Mission opérationnelle (10 jours et plus)",
            "title_en": "Operational mission (10 days or more)",
            "activity_type": mission,
            "min_days": 10,
            "ects_mode": EctsMode.PER_DAY,
            "ects_value": Decimal("0.2"),
            "ects_cap": Decimal("4"),
            "competencies": [("C4.2", 2), ("C4.4", 2), ("C5.3", 2), ("C5.3.b", 3), ("C8.3", 3)],
            "supplement_wording_fr": "Missions opérationnelles dans la réserve : responsabilités en situation réelle, gestion de l'imprévu.",
            "supplement_wording_en": "Operational missions in the reserve: real-life responsibilities, dealing with the unexpected.",
        },
        {
            "title_fr": "Mission opérationnelle longue (30 jours et plus)",
            "title_en": "Long operational mission (30 days or more)",
            "activity_type": mission,
            "min_days": 30,
            "ects_mode": EctsMode.PER_DAY,
            "ects_value": Decimal("0.2"),
            "ects_cap": Decimal("6"),
            "competencies": [("C4.2", 3), ("C4.4", 3), ("C5.3", 3), ("C5.5", 2), ("C8.3", 3)],
            "exempted_units": ["ING-STAGE1"],
            "internship_weeks_exempted": 4,
            "supplement_wording_fr": "Engagement opérationnel d'au moins 30 jours, reconnu en lieu et place du stage ouvrier.",
            "supplement_wording_en": "Operational commitment of at least 30 days, recognised in place of the shop-floor internship.",
        },
        {
            "title_fr": "Mission dans la Gendarmerie nationale",
            "title_en": "Mission with the National Gendarmerie",
            "activity_type": mission,
            "force": "gendarmerie-nationale",
            "min_days": 5,
            "ects_mode": EctsMode.FIXED,
            "ects_value": Decimal("2"),
            "competencies": [("C5.2", 3), ("C7.5", 2), ("C6.1", 2)],
            "supplement_wording_fr": "Missions de sécurité publique au sein de la réserve de la Gendarmerie nationale.",
            "supplement_wording_en": "Public-safety missions in the National Gendarmerie reserve.",
        },
        {
            "title_fr": "Stage de chef d'équipe",
            "title_en": "Team-leader course",
            "activity_type": leader,
            "min_days": 5,
            "rank_band": RankBand.NCO,
            "ects_mode": EctsMode.FIXED,
            "ects_value": Decimal("3"),
            "competencies": [("C4.1", 3), ("C4.1.a", 3), ("C4.2", 3), ("C4.5", 2), ("C3.4.b", 2)],
            "exempted_units": ["ING-MGT1"],
            "supplement_wording_fr": "Formation au commandement d'une équipe : ordres, conduite de l'action, compte rendu.",
            "supplement_wording_en": "Training to lead a team: orders, leading the action, reporting.",
        },
        {
            "title_fr": "Enseignement « Compétences de la défense nationale pour l'ingénieur »",
            "title_en": "Elective “National defence competences for engineers”",
            "activity_type": elective,
            "min_days": 0,
            "ects_mode": EctsMode.FIXED,
            "ects_value": Decimal("3"),
            "competencies": [("C7.4", 3), ("C5.1", 2), ("C5.4", 1)],
            "supplement_wording_fr": "Enseignement optionnel de 40 heures coproduit avec des organismes de défense.",
            "supplement_wording_en": "40-hour elective co-produced with defence bodies.",
        },
    ]


DRAFT_RULE = {
    "title_fr": "Spécialisation cyberdéfense (projet)",
    "title_en": "Cyber-defence specialisation (draft)",
    "activity_type": "specialisation",
    "min_days": 5,
    "ects_mode": EctsMode.PER_DAY,
    "ects_value": Decimal("0.25"),
    "ects_cap": Decimal("3"),
    "competencies": [("C5.4", 3), ("C1.3", 2)],
}


def build(stdout) -> None:
    load_catalogue()
    _load_esco(stdout)
    institution = Institution.objects.get(slug=MAIN_SLUG)
    engineer = User.objects.get(email="ingenieure@demo.example.org")
    director = User.objects.get(email="directeur@demo.example.org")
    _teaching_units(institution)
    framework = _framework(institution, engineer)
    _rules(institution, framework, engineer, director)
    stdout.write(
        f"Frameworks: « {framework.title_fr} » ({framework.items.count()} items), "
        f"{RecognitionRule.objects.filter(institution=institution).count()} recognition rules."
    )


def _load_esco(stdout) -> None:
    if not ESCO_FILE.is_file():
        stdout.write(f"ESCO not loaded: {ESCO_FILE} is missing.")
        return
    started = time.perf_counter()
    plan, framework = esco_import(raw=ESCO_FILE.read_bytes(), filename=ESCO_FILE.name)
    stdout.write(
        f"ESCO: {framework.items.count()} skills ({len(plan.added)} added, {len(plan.changed)} updated) "
        f"in {time.perf_counter() - started:.1f} s."
    )


def _teaching_units(institution: Institution) -> None:
    for programme_code, units in TEACHING_UNITS.items():
        programme = Programme.objects.filter(institution=institution, code=programme_code).first()
        if programme is None:
            continue
        for code, title_fr, title_en, ects, semester, internship in units:
            TeachingUnit.objects.update_or_create(
                programme=programme,
                code=code,
                defaults={
                    "title_fr": title_fr,
                    "title_en": title_en,
                    "ects": Decimal(ects),
                    "semester": semester,
                    "is_internship": internship,
                },
            )


def _framework(institution: Institution, engineer: User) -> Framework:
    _plan, framework = framework_import_file(
        raw=FRAMEWORK_FILE.read_bytes(),
        filename=FRAMEWORK_FILE.name,
        institution=institution,
        actor=engineer,
        title="Référentiel de compétences de l'ingénieur généraliste",
        academic_year=YEAR,
    )
    if framework.status == FrameworkStatus.DRAFT:
        framework_update(
            framework=framework,
            actor=engineer,
            title_en="Competency framework of the general engineering degree",
            version="2026",
            licence="CC BY-SA 4.0",
            description=(
                "Référentiel du diplôme d'ingénieur généraliste, organisé en 8 blocs de compétences "
                "(approche par compétences, références CTI)."
            ),
        )
        if not framework.levels.exists():
            levels_save(
                framework=framework,
                actor=engineer,
                levels=[
                    {"rank": r, "label_fr": fr, "label_en": en, "descriptor_fr": dfr, "descriptor_en": den}
                    for r, fr, en, dfr, den in LEVELS
                ],
            )
        Framework.objects.filter(pk=framework.pk).update(
            status=FrameworkStatus.PUBLISHED, published_at=timezone.make_aware(PUBLISHED_ON)
        )
        framework.refresh_from_db()
    return framework


def _links(framework: Framework, spec: list[tuple[str, int]]):
    items = {c.code: c for c in framework.items.all()}
    levels = {level.rank: level for level in framework.levels.all()}
    return [(items[code], levels[rank]) for code, rank in spec]


def _rules(institution: Institution, framework: Framework, engineer: User, director: User) -> None:
    if RecognitionRule.objects.filter(institution=institution, framework=framework).exists():
        return
    forces = {f.code: f for f in Force.objects.all()}
    types = {t.code: t for t in ActivityType.objects.all()}
    units = {u.code: u for u in TeachingUnit.objects.filter(programme__institution=institution)}
    for spec in _rules_spec(forces, types):
        values = {
            k: v
            for k, v in spec.items()
            if k not in ("competencies", "exempted_units", "force", "first_version_ects")
        }
        first_ects = spec.get("first_version_ects")
        rule = rule_create(
            institution=institution,
            actor=engineer,
            framework=framework,
            force=forces.get(spec.get("force", "")),
            competencies=_links(framework, spec["competencies"]),
            exempted_units=[units[c] for c in spec.get("exempted_units", []) if c in units],
            valid_from=VALID_FROM,
            valid_until=VALID_UNTIL,
            **{**values, **({"ects_value": first_ects} if first_ects else {})},
        )
        rule = rule_transition(
            rule=rule, actor=director, name="approve", note="Conseil des études du 8 octobre 2026"
        )
        if first_ects:  # the PMI rule was revised once: version 2 replaces version 1
            revised = rule_new_version(rule=rule, actor=engineer)
            rule_update(rule=revised, actor=engineer, ects_value=spec["ects_value"])
            rule_transition(
                rule=revised, actor=director, name="approve", note="Révision : 2 ECTS au lieu de 1,5"
            )
    draft = dict(DRAFT_RULE)
    rule_create(
        institution=institution,
        actor=engineer,
        framework=framework,
        activity_type=types[draft.pop("activity_type")],
        competencies=_links(framework, draft.pop("competencies")),
        valid_from=VALID_FROM,
        valid_until=VALID_UNTIL,
        **draft,
    )

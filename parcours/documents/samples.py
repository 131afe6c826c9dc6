"""Complete example contexts for each document kind: the contract in executable form.

Used by the tests, the benchmark and ``docs/documents.md``; a requesting app can start from these.
"""

from __future__ import annotations

import copy
from typing import Any

INSTITUTION = {"name": "École nationale supérieure des mines d'Alès", "city": "Alès"}
SIGNER = {
    "name": "Claire Martin",
    "function": {"fr": "Directrice des études", "en": "Director of Studies"},
}
COMPETENCIES = [
    {
        "competency_code": "C2.1",
        "statement": {
            "fr": "Conduire une équipe dans une situation de crise",
            "en": "Lead a team through a crisis situation",
        },
        "level_label": {"fr": "Niveau 2 — Maîtrise", "en": "Level 2 — Proficient"},
        "ects": "3",
    },
    {
        "competency_code": "C4.3",
        "statement": {
            "fr": "Évaluer et maîtriser les risques d'une opération",
            "en": "Assess and control the risks of an operation",
        },
        "level_label": {"fr": "Niveau 1 — Application", "en": "Level 1 — Applied"},
        "ects": "1.5",
    },
]
EXEMPTIONS = [
    {
        "teaching_unit_code": "SHS-204",
        "teaching_unit_title": {"fr": "Engagement et citoyenneté", "en": "Civic engagement"},
        "scope": "total",
    },
    {"internship_weeks": 2, "scope": "partial"},
]

SAMPLES: dict[str, dict[str, Any]] = {
    "decision_letter": {
        "reference": "DEC-2026-0042",
        "issued_on": "2026-03-03",
        "institution": INSTITUTION,
        "holder": {"full_name": "Camille Dupont"},
        "programme": {"name": {"fr": "Ingénieur généraliste", "en": "General engineering"}},
        "request": {"reference": "REQ-2026-0017", "submitted_on": "2026-01-12"},
        "outcome": "validated",
        "items": COMPETENCIES,
        "exemptions": EXEMPTIONS,
        "diploma_supplement": {
            "fr": "Compétences acquises dans la réserve opérationnelle validées au titre de l'article L611-9 "
            "du Code de l'éducation : conduite d'équipe en situation de crise, maîtrise des risques (4,5 ECTS).",
            "en": "Competences acquired in the operational reserve recognised under article L611-9 of the "
            "French Education Code: leading a team in a crisis, risk control (4.5 ECTS).",
        },
        "appeal": {
            "deadline": "2026-05-03",
            "how": {
                "fr": "Adressez un recours gracieux motivé au directeur de l'école, par écrit, en joignant cette "
                "lettre ; vous pouvez aussi saisir le tribunal administratif de Nîmes dans un délai de deux mois.",
                "en": "Send a written, reasoned appeal to the head of the school, enclosing this letter; you may "
                "also bring the case before the administrative court of Nîmes within two months.",
            },
        },
        "signer": SIGNER,
    },
    "recognition_attestation": {
        "reference": "ATT-2026-0042",
        "issued_on": "2026-03-03",
        "institution": INSTITUTION,
        "holder": {"full_name": "Camille Dupont"},
        "programme": {"name": {"fr": "Ingénieur généraliste", "en": "General engineering"}},
        "decision": {"reference": "DEC-2026-0042", "date": "2026-03-02"},
        "competencies": COMPETENCIES,
        "exemptions": EXEMPTIONS,
        "signer": SIGNER,
    },
    "jury_minutes": {
        "reference": "PV-2026-03",
        "issued_on": "2026-03-02",
        "institution": INSTITUTION,
        "session": {
            "title": {
                "fr": "Jury de validation des compétences de la réserve — session de mars 2026",
                "en": "Reserve competences recognition jury — March 2026 session",
            },
            "date": "2026-03-02",
            "place": "Alès",
        },
        "members": [
            {
                "name": "Claire Martin",
                "function": {"fr": "Directrice des études", "en": "Director of Studies"},
            },
            {
                "name": "Julien Roux",
                "function": {"fr": "Ingénieur pédagogique", "en": "Pedagogical engineer"},
            },
            {
                "name": "Nadia Benali",
                "function": {"fr": "Enseignante-chercheuse", "en": "Associate professor"},
            },
        ],
        "chair": {
            "name": "Claire Martin",
            "function": {"fr": "Directrice des études", "en": "Director of Studies"},
        },
        "requests": [
            {
                "reference": "REQ-2026-0017",
                "holder_full_name": "Camille Dupont",
                "outcome": "validated",
                "ects": 4.5,
            },
            {
                "reference": "REQ-2026-0018",
                "holder_full_name": "Lucas Moreau",
                "outcome": "partially_validated",
                "ects": 2,
            },
            {
                "reference": "REQ-2026-0021",
                "holder_full_name": "Inès Garcia",
                "outcome": "refused",
                "ects": 0,
            },
        ],
    },
}


#: The diploma supplement (registered by the track app) of a student who went all the way: the mention, the
#: elective, two activities, six competencies, an exemption and internship weeks.
SAMPLES["diploma_supplement"] = {
    "reference": "SD-2026-00042",
    "issued_on": "2026-11-27",
    "institution": {"name": "École du banc d'essai", "city": "Alès"},
    "holder": {"full_name": "Camille Laurent", "student_number": "21904567"},
    "programme": {
        "name_fr": "Ingénieur généraliste",
        "name_en": "General engineering",
        "ects_total": "180",
        "graduation_year": "2027",
    },
    "engagement": [
        {
            "activity_fr": "Préparation militaire",
            "activity_en": "Military preparation",
            "start": "2025-07-07",
            "end": "2025-07-20",
            "days": "14",
            "ects": "3",
            "wording_fr": "Préparation militaire validée",
            "wording_en": "Military preparation recognised",
            "decision": "DV-2026-00042-D1",
        },
        {
            "activity_fr": "Période de réserve opérationnelle",
            "activity_en": "Operational reserve period",
            "start": "2026-02-02",
            "end": "2026-02-13",
            "days": "10",
            "ects": "2",
            "wording_fr": "Encadrement d'une section lors d'un exercice de sécurité civile",
            "wording_en": "Leading a section during a civil protection exercise",
            "decision": "DV-2026-00043-D2",
        },
    ],
    "competencies": [
        {
            "code": f"C{b}.{c}",
            "statement_fr": f"Conduire une équipe en situation de crise ({b}.{c})",
            "statement_en": f"Lead a team in a crisis ({b}.{c})",
            "level_fr": f"{lvl}. Niveau {lvl}",
            "level_en": f"{lvl}. Level {lvl}",
        }
        for b, c, lvl in ((1, 1, 2), (1, 2, 3), (1, 3, 2), (2, 1, 3), (2, 4, 2), (3, 2, 3))
    ],
    "ects_total": "5",
    "exemptions": [{"code": "UE-MGT3", "title_fr": "Management d'équipe", "title_en": "Team management"}],
    "internship_weeks": "4",
    "decisions": [
        {"reference": "DV-2026-00042-D1", "date": "2026-06-18"},
        {"reference": "DV-2026-00043-D2", "date": "2026-11-05"},
    ],
    "mention": {"awarded": True, "reference": "MIR-2026-0007", "date": "2026-11-20"},
    "elective": {
        "title_fr": "Compétences de la défense nationale pour l'ingénieur",
        "title_en": "National defence competencies for engineers",
        "academic_year": "2026-2027",
        "hours": "24",
        "ects": "2",
        "grade": "14",
        "grade_max": "20",
        "passed": True,
        "partners": "Garde nationale, IHEDN",
    },
    "signer": {
        "name": "Marc Lefèvre",
        "function_fr": "Directeur des études",
        "function_en": "Director of Studies",
    },
}


def sample_context(kind: str, **overrides: Any) -> dict[str, Any]:
    """A deep copy of the sample context of ``kind`` with top-level keys replaced by ``overrides``."""
    context = copy.deepcopy(SAMPLES[kind])
    context.update(overrides)
    return context

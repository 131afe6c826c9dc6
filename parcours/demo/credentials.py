"""Demo step: the issuer of the demo school and three ILLUSTRATIVE credentials for etudiante@demo.example.org.

These credentials do not come from a jury decision: their names say « exemple illustratif » and their
source is ``demo.illustrative``. Credentials derived from real decisions replace them once the recognition
app issues them.
"""

from __future__ import annotations

from parcours.accounts.models import Institution, User
from parcours.credentials.api import AchievementKind, AchievementSpec, credential_issue
from parcours.credentials.issuers import issuer_init
from parcours.credentials.models import IssuerProfile

from .accounts import MAIN_SLUG

FRAMEWORK = "Référentiel ingénieur généraliste 2026 (démo)"
ESCO = "http://data.europa.eu/esco/skill/"
FRAMEWORK_URL = "https://www.imt-mines-ales.fr/referentiel-demo/"

ILLUSTRATIVE = [
    AchievementSpec(
        key="demo:competency:C3.2",
        kind=AchievementKind.COMPETENCY,
        name_fr="Gérer une situation de crise (exemple illustratif)",
        name_en="Manage a crisis situation (illustrative example)",
        description_fr="Analyser une situation dégradée, prioriser, décider et rendre compte dans l'urgence.",
        description_en="Analyse a degraded situation, prioritise, decide and report under time pressure.",
        criteria_fr="Exemple de démonstration : aucune décision réelle du jury.",
        criteria_en="Demonstration example: no real jury decision.",
        level_label="Niveau 2 — Maîtrise",
        level_rank=2,
        ects=3,
        framework_alignments=[
            {
                "target_url": FRAMEWORK_URL + "C3.2",
                "target_name": "Gérer une situation de crise",
                "target_code": "C3.2",
                "framework_name": FRAMEWORK,
            }
        ],
        esco_uris=[ESCO + "f780a6ad-b01e-4c35-9746-af8fc0c5ad06"],
        esco_labels={ESCO + "f780a6ad-b01e-4c35-9746-af8fc0c5ad06": "appliquer la gestion de crises"},
    ),
    AchievementSpec(
        key="demo:competency:C4.1",
        kind=AchievementKind.COMPETENCY,
        name_fr="Animer et diriger une équipe (exemple illustratif)",
        name_en="Lead and run a team (illustrative example)",
        description_fr="Fixer un objectif commun, répartir les rôles, soutenir et évaluer une équipe.",
        description_en="Set a common goal, share out roles, support and assess a team.",
        criteria_fr="Exemple de démonstration : aucune décision réelle du jury.",
        criteria_en="Demonstration example: no real jury decision.",
        level_label="Niveau 1 — Application",
        level_rank=1,
        ects=2,
        framework_alignments=[
            {
                "target_url": FRAMEWORK_URL + "C4.1",
                "target_name": "Animer et diriger une équipe",
                "target_code": "C4.1",
                "framework_name": FRAMEWORK,
            }
        ],
        esco_uris=[
            ESCO + "1f1d2ff8-c4c1-45cc-9812-6a7ee84a73cb",
            ESCO + "60c78287-22eb-4103-9c8c-28deaa460da0",
        ],
        esco_labels={
            ESCO + "1f1d2ff8-c4c1-45cc-9812-6a7ee84a73cb": "diriger une équipe",
            ESCO + "60c78287-22eb-4103-9c8c-28deaa460da0": "travailler en équipe",
        },
    ),
    AchievementSpec(
        key="demo:course:defense-nationale",
        kind=AchievementKind.COURSE,
        name_fr="Compétences de la défense nationale pour l'ingénieur (exemple illustratif)",
        name_en="National defence competences for engineers (illustrative example)",
        description_fr="Enseignement optionnel d'environ 40 heures co-construit avec des acteurs de la défense.",
        description_en="Elective course of about 40 hours co-produced with defence bodies.",
        criteria_fr="Exemple de démonstration : assiduité et évaluation finale réussie (aucune note réelle).",
        criteria_en="Demonstration example: attendance and a passed final assessment (no real mark).",
        ects=3,
    ),
]


def build(stdout) -> None:
    institution = Institution.objects.get(slug=MAIN_SLUG)
    profile = IssuerProfile.objects.filter(institution=institution).first()
    if profile is None or not profile.keys.active().exists():
        profile = issuer_init(institution=institution)
        stdout.write(f"Credentials: issuer ready ({profile.keys.active().get().issuer_did[:32]}…).")
    holder = User.objects.get(email="etudiante@demo.example.org")
    for number, spec in enumerate(ILLUSTRATIVE, start=1):
        credential_issue(
            holder=holder,
            institution=institution,
            achievement=spec,
            source_type="demo.illustrative",
            source_id=str(number),
        )
    stdout.write(
        "Credentials: 3 ILLUSTRATIVE credentials for etudiante@demo.example.org (source demo.illustrative)."
    )

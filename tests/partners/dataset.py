"""A small two-school dataset with large and small groups, used by the report and scanning tests."""

from __future__ import annotations

from django.utils import timezone

from parcours.accounts.enums import Role
from parcours.partners import services
from tests.recognition.factories import ForceFactory

from .factories import interested, referral_of, reservists

#: (institution key, force code, people): A has a small Navy group, B a small Army group.
GROUPS = [
    ("a", "armee-de-terre", 12),
    ("a", "marine-nationale", 3),
    ("a", "armee-air-espace", 7),
    ("b", "armee-de-terre", 2),
    ("b", "gendarmerie-nationale", 9),
]


def build(institution, other_institution) -> dict:
    schools = {"a": institution, "b": other_institution}
    forces = {
        "armee-de-terre": ForceFactory(code="armee-de-terre", name_fr="Armée de terre"),
        "marine-nationale": ForceFactory(
            code="marine-nationale", name_fr="Marine nationale", name_en="French Navy"
        ),
        "armee-air-espace": ForceFactory(code="armee-air-espace", name_fr="Armée de l'Air et de l'Espace"),
        "gendarmerie-nationale": ForceFactory(code="gendarmerie-nationale", name_fr="Gendarmerie nationale"),
    }
    people = []
    for key, force, n in GROUPS:
        people += reservists(schools[key], n, force=forces[force], days=6, prefix=f"{key}{force[:3]}")
    referent = None
    for n in range(4):
        declaration = interested(
            institution, email=f"interesse{n}@example.org", first_name="Intéressé", last_name=f"Numéro{n}"
        )
        if n == 0:
            referent = referent or _referent(institution)
            services.referral_transition(referral=referral_of(declaration), name="contact", actor=referent)
    return {"year": timezone.localdate().year, "people": people, "forces": forces}


def _referent(institution):
    from tests.factories import user_with_role

    return user_with_role(Role.PARTNER_REFERENT, institution, email="referent-dataset@example.org")

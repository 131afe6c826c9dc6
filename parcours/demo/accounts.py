"""Demo step: institutions, programmes, cohorts and the demo accounts."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from dsfr.models import DsfrConfig

from parcours.accounts.enums import EmploymentStatus, Role
from parcours.accounts.models import Cohort, Institution, Membership, Programme, User

MAIN_SLUG = "mines-ales-demo"
OTHER_SLUG = "ecole-partenaire-demo"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    roles: tuple[str, ...]
    institution: str = MAIN_SLUG
    description: str = ""
    cohort: str = ""
    employment_status: str = ""
    superuser: bool = False


ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "etudiante@demo.example.org",
        "Camille",
        "Laurent",
        (Role.STUDENT,),
        description="student, reservist",
        cohort="ING2-2026",
    ),
    DemoAccount(
        "etudiant@demo.example.org",
        "Hugo",
        "Martin",
        (Role.STUDENT,),
        description="student, not yet a reservist",
        cohort="ING1-2026",
    ),
    DemoAccount(
        "personnel@demo.example.org",
        "Nathalie",
        "Bernard",
        (Role.STAFF,),
        description="staff, public servant, reservist",
        employment_status=EmploymentStatus.PUBLIC_SERVANT,
    ),
    DemoAccount(
        "ingenieure@demo.example.org",
        "Sophie",
        "Durand",
        (Role.PEDAGOGICAL_ENGINEER,),
        description="pedagogical engineer",
    ),
    DemoAccount(
        "directeur@demo.example.org",
        "Marc",
        "Lefèvre",
        (Role.DIRECTOR_OF_STUDIES,),
        description="director of studies",
    ),
    DemoAccount("enseignant@demo.example.org", "Julien", "Moreau", (Role.TEACHER,), description="teacher"),
    DemoAccount("rh@demo.example.org", "Isabelle", "Petit", (Role.HR,), description="HR"),
    DemoAccount(
        "garde-nationale@demo.example.org",
        "Capitaine",
        "Roux",
        (Role.PARTNER_REFERENT,),
        description="Garde nationale referent",
    ),
    DemoAccount(
        "admin@demo.example.org",
        "Alice",
        "Admin",
        (Role.ADMINISTRATOR,),
        description="administrator",
        superuser=True,
    ),
    DemoAccount(
        "etudiant@autre-ecole.example.org",
        "Léa",
        "Garnier",
        (Role.STUDENT,),
        institution=OTHER_SLUG,
        description="student of the second institution",
        cohort="GC1-2026",
    ),
)

PROGRAMMES = {
    MAIN_SLUG: [
        (
            "ING",
            "Ingénieur généraliste",
            "General engineering",
            [
                ("ING1-2026", "1re année 2026-2027", 2026, 2029),
                ("ING2-2026", "2e année 2026-2027", 2026, 2028),
                ("ING3-2026", "3e année 2026-2027", 2026, 2027),
            ],
        ),
        (
            "RISQ",
            "Ingénieur risques et sécurité",
            "Risk and safety engineering",
            [("RISQ1-2026", "Risques 1re année 2026-2027", 2026, 2029)],
        ),
    ],
    OTHER_SLUG: [
        (
            "GC",
            "Ingénieur génie civil",
            "Civil engineering",
            [("GC1-2026", "Génie civil 1re année 2026-2027", 2026, 2029)],
        ),
    ],
}


def build(stdout) -> None:
    institutions = {
        MAIN_SLUG: Institution.objects.update_or_create(
            slug=MAIN_SLUG,
            defaults={
                "name": "École des mines d'Alès (démo)",
                "city": "Alès",
                "website": "https://www.imt-mines-ales.fr",
            },
        )[0],
        OTHER_SLUG: Institution.objects.update_or_create(
            slug=OTHER_SLUG, defaults={"name": "École partenaire (démo)", "city": "Nîmes"}
        )[0],
    }
    cohorts: dict[str, Cohort] = {}
    for slug, programmes in PROGRAMMES.items():
        for code, name_fr, name_en, cohort_rows in programmes:
            programme, _ = Programme.objects.update_or_create(
                institution=institutions[slug], code=code, defaults={"name_fr": name_fr, "name_en": name_en}
            )
            for c_code, label, year, grad in cohort_rows:
                cohorts[c_code] = Cohort.objects.update_or_create(
                    programme=programme,
                    code=c_code,
                    defaults={"label": label, "academic_year": year, "graduation_year": grad},
                )[0]
    password = settings.PARCOURS["DEMO_PASSWORD"]
    for account in ACCOUNTS:
        user = User.objects.filter(email=account.email).first()
        if user is None:
            user = User.objects.create_user(account.email, password)
        user.first_name, user.last_name = account.first_name, account.last_name
        user.is_staff = user.is_superuser = account.superuser
        user.set_password(password)
        user.save()
        for role in account.roles:
            Membership.objects.update_or_create(
                user=user,
                institution=institutions[account.institution],
                role=role,
                defaults={
                    "cohort": cohorts.get(account.cohort),
                    "employment_status": account.employment_status,
                    "is_active": True,
                },
            )
    for language, tagline in (
        ("fr", "Reconnaître les compétences des réservistes opérationnels"),
        ("en", "Recognising the competences of operational reservists"),
    ):
        DsfrConfig.objects.update_or_create(
            language=language,
            defaults={"site_title": "Parcours Réserviste", "site_tagline": tagline},
        )

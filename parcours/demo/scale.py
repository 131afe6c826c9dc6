"""`manage.py demo --scale national`: a realistic national dataset for load tests and benchmarks.

300 institutions, 60,000 reservists, 600,000 periods, 100,000 requests, 1,000,000 competency claims
(figures of issue #9), generated with bulk inserts in batches. Deterministic (seeded).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from parcours.accounts.enums import Role
from parcours.accounts.models import Cohort, Institution, Membership, Programme, User
from parcours.frameworks.models import Competency, Framework, Level
from parcours.portfolio.models import CompetencyClaim, ReservePeriod, ReservistProfile
from parcours.recognition.models import RecognitionRequest
from parcours.reserve.models import ActivityType, Force

BATCH = 5000
UNUSABLE = "!scale-demo-no-login"


@dataclass(frozen=True)
class Scale:
    institutions: int
    reservists: int
    periods_per_reservist: int
    requests: int
    claims: int
    competencies_per_framework: int = 40


SCALES = {
    "national": Scale(
        institutions=300, reservists=60_000, periods_per_reservist=10, requests=100_000, claims=1_000_000
    ),
    "regional": Scale(
        institutions=20, reservists=4_000, periods_per_reservist=10, requests=6_000, claims=60_000
    ),
    "small": Scale(institutions=3, reservists=300, periods_per_reservist=5, requests=300, claims=2_000),
}

FORCES = [
    ("armee-de-terre", "Armée de terre"),
    ("marine-nationale", "Marine nationale"),
    ("armee-air-espace", "Armée de l'Air et de l'Espace"),
    ("gendarmerie", "Gendarmerie nationale"),
    ("police", "Police nationale"),
    ("sante", "Service de santé des armées"),
]
ACTIVITIES = [
    ("pmi", "military_preparation", "Préparation militaire initiale", 12),
    ("fmir", "initial_training", "Formation militaire initiale du réserviste", 15),
    ("specialisation", "specialisation", "Stage de spécialisation", 5),
    ("mission", "mission", "Mission opérationnelle", 7),
]


def _bulk(model, rows, stdout=None):
    created = []
    for start in range(0, len(rows), BATCH):
        created.extend(model.objects.bulk_create(rows[start : start + BATCH], batch_size=BATCH))
    return created


def _copy(model, fields: list[str], rows: list[tuple]) -> None:
    """Insert many rows fast: COPY on PostgreSQL, bulk_create elsewhere (rows are tuples in ``fields`` order)."""
    if connection.vendor != "postgresql":
        names = [model._meta.get_field(f).attname for f in fields]
        _bulk(model, [model(**dict(zip(names, row, strict=True))) for row in rows])
        return
    columns = [model._meta.get_field(f).column for f in fields]
    with connection.cursor() as cursor:
        sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def _ids_after(model, last_id: int) -> list[int]:
    return list(model.objects.filter(pk__gt=last_id).order_by("pk").values_list("pk", flat=True))


def build_scale(name: str, stdout) -> dict:
    scale = SCALES[name]
    rng = random.Random(20261127)
    started = time.perf_counter()
    say = stdout.write
    forces = [Force.objects.get_or_create(code=c, defaults={"name_fr": n})[0] for c, n in FORCES]
    activities = [
        ActivityType.objects.get_or_create(code=c, defaults={"kind": k, "name_fr": n, "typical_days": d})[0]
        for c, k, n, d in ACTIVITIES
    ]
    prefix = f"scale-{name}"
    if Institution.objects.filter(slug__startswith=prefix).exists():
        say(f"The {name} dataset is already there: nothing to do.")
        return {}
    with transaction.atomic():
        institutions = _bulk(
            Institution,
            [
                Institution(slug=f"{prefix}-{i:03d}", name=f"École d'ingénieurs n°{i:03d} ({name})")
                for i in range(scale.institutions)
            ],
        )
        programmes = _bulk(
            Programme,
            [
                Programme(institution=inst, code="ING", name_fr="Ingénieur généraliste")
                for inst in institutions
            ],
        )
        cohorts = _bulk(
            Cohort,
            [
                Cohort(programme=p, code=f"ING{y}-2026", label=f"{y}e année", academic_year=2026)
                for p in programmes
                for y in (1, 2, 3)
            ],
        )
        frameworks = _bulk(
            Framework,
            [
                Framework(institution=inst, title_fr="Référentiel", academic_year=2026, status="published")
                for inst in institutions
            ],
        )
        _bulk(
            Level,
            [Level(framework=f, rank=r, label_fr=f"Niveau {r}") for f in frameworks for r in (1, 2, 3, 4)],
        )
        competencies = _bulk(
            Competency,
            [
                Competency(
                    framework=f,
                    identifier=f"c{j}",
                    code=f"C{j}",
                    statement_fr=f"Compétence {j}",
                    search_text=f"competence {j}",
                )
                for f in frameworks
                for j in range(scale.competencies_per_framework)
            ],
        )
    say(
        f"  {len(institutions)} institutions, {len(competencies)} competencies ({time.perf_counter() - started:.0f} s)"
    )
    comps_by_inst = {}
    for competency, framework_index in zip(
        competencies,
        [i for i in range(len(frameworks)) for _ in range(scale.competencies_per_framework)],
        strict=True,
    ):
        comps_by_inst.setdefault(institutions[framework_index].pk, []).append(competency.pk)
    cohorts_by_inst = {}
    for cohort, index in zip(cohorts, [i for i in range(len(programmes)) for _ in range(3)], strict=True):
        cohorts_by_inst.setdefault(institutions[index].pk, []).append(cohort.pk)

    per_inst = scale.reservists // scale.institutions
    start_day = date(2022, 1, 1)
    profiles_all, periods_all = [], []
    with transaction.atomic():
        users = _bulk(
            User,
            [
                User(
                    email=f"reserviste{i}@{prefix}.example.org",
                    first_name="Réserviste",
                    last_name=str(i),
                    password=UNUSABLE,
                )
                for i in range(scale.reservists)
            ],
        )
        memberships, profiles = [], []
        for i, user in enumerate(users):
            inst = institutions[min(i // per_inst, len(institutions) - 1)]
            memberships.append(
                Membership(
                    user=user,
                    institution=inst,
                    role=Role.STUDENT,
                    cohort_id=rng.choice(cohorts_by_inst[inst.pk]),
                )
            )
            esr = start_day + timedelta(days=rng.randrange(0, 1400))
            profiles.append(
                ReservistProfile(
                    user=user,
                    institution=inst,
                    status="active",
                    force=rng.choice(forces),
                    esr_start=esr,
                    esr_end=esr + timedelta(days=365 * 3),
                )
            )
        _bulk(Membership, memberships)
        profiles_all = _bulk(ReservistProfile, profiles)
    say(f"  {len(users)} reservists ({time.perf_counter() - started:.0f} s)")
    fields = [
        "profile",
        "activity_type",
        "title",
        "start_date",
        "end_date",
        "length_days",
        "days",
        "days_reason",
        "description",
        "place",
        "visibility",
        "created_at",
        "updated_at",
    ]
    now = timezone.now()
    for chunk_start in range(0, len(profiles_all), 6000):
        chunk = profiles_all[chunk_start : chunk_start + 6000]
        rows = []
        for profile in chunk:
            day = start_day + timedelta(days=rng.randrange(0, 60))
            for _ in range(scale.periods_per_reservist):
                activity = rng.choice(activities)
                length = rng.randint(2, 14)
                rows.append(
                    (
                        profile.pk,
                        activity.pk,
                        activity.name_fr,
                        day,
                        day + timedelta(days=length - 1),
                        length,
                        length,
                        "",
                        "",
                        "",
                        "private",
                        now,
                        now,
                    )
                )
                day += timedelta(days=length + rng.randint(10, 120))
        last = ReservePeriod.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        with transaction.atomic():
            _copy(ReservePeriod, fields, rows)
        periods_all.extend(_ids_after(ReservePeriod, last))
    say(f"  {len(periods_all)} periods ({time.perf_counter() - started:.0f} s)")
    statuses = ["submitted", "under_review", "in_jury", "changes_requested", "draft", "withdrawn"]
    through = RecognitionRequest.periods.through
    for chunk_start in range(0, scale.requests, 20000):
        count = min(20000, scale.requests - chunk_start)
        rows, links = [], []
        picks = []
        for k in range(count):
            index = (chunk_start + k) % len(profiles_all)
            profile = profiles_all[index]
            status = rng.choice(statuses)
            rows.append(
                RecognitionRequest(
                    holder_id=profile.user_id,
                    institution_id=profile.institution_id,
                    title="Demande",
                    status=status,
                    submitted_at=None if status == "draft" else now - timedelta(hours=rng.randrange(1, 5000)),
                )
            )
            picks.append(
                periods_all[index * scale.periods_per_reservist + (chunk_start + k) // len(profiles_all)]
            )
        with transaction.atomic():
            created = _bulk(RecognitionRequest, rows)
            links = [
                through(recognitionrequest_id=r.pk, reserveperiod_id=p)
                for r, p in zip(created, picks, strict=True)
            ]
            _bulk(through, links)
    say(f"  {scale.requests} requests ({time.perf_counter() - started:.0f} s)")
    institution_of_profile = {p.pk: p.institution_id for p in profiles_all}
    claims_per_period = max(1, scale.claims // len(periods_all))
    made = 0
    for chunk_start in range(0, len(periods_all), 50000):
        rows = []
        for offset, period_id in enumerate(periods_all[chunk_start : chunk_start + 50000]):
            profile = profiles_all[(chunk_start + offset) // scale.periods_per_reservist]
            pool = comps_by_inst[institution_of_profile[profile.pk]]
            for competency_id in rng.sample(pool, claims_per_period + (1 if rng.random() < 0.67 else 0)):
                if made >= scale.claims:
                    break
                rows.append((period_id, competency_id, "", False, "private", now))
                made += 1
        with transaction.atomic():
            _copy(
                CompetencyClaim,
                ["period", "competency", "account", "from_suggestion", "visibility", "created_at"],
                rows,
            )
        if made >= scale.claims:
            break
    elapsed = time.perf_counter() - started
    say(f"  {made} claims ({elapsed:.0f} s)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "institutions": len(institutions),
        "reservists": len(users),
        "periods": len(periods_all),
        "requests": scale.requests,
        "claims": made,
        "seconds": round(elapsed, 1),
    }

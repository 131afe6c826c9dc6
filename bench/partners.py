"""Partnership reports at national scale: dashboard latency (p50/p95) and yearly report time.

Generates, with bulk inserts in a scratch SQLite database, 300 institutions (3 programmes each),
60,000 reservists, 600,000 reserve periods over six years, 24,000 recognition requests with their
decisions and validated activities, 12,000 elective enrolments and 3,000 referrals (override the sizes
with BENCH_PARTNERS_SCALE=0.1 for a quick run; the JSON says what was generated).

Measures: the statistics snapshot (all reports × 6 years over every institution, small groups
suppressed); the dashboard for a referent following one school, five schools and every school, and for a
director of studies; the yearly report (from the snapshot, and recomputed afresh), national and for one school.
Targets (issue #8): dashboard p95 ≤ 500 ms, yearly report ≤ 10 s. Writes bench/results/partners.json.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from djangoenv import machine, setup

SCALE = float(os.environ.get("BENCH_PARTNERS_SCALE", "1"))
N_INSTITUTIONS = max(3, int(300 * SCALE))
N_RESERVISTS = int(60_000 * SCALE)
PERIODS_PER_RESERVIST = 10
N_REQUESTS = int(24_000 * SCALE)
N_ENROLMENTS = int(12_000 * SCALE)
N_REFERRALS = int(3_000 * SCALE)
RUNS = int(os.environ.get("BENCH_PARTNERS_RUNS", "40"))
BATCH = 5000
UNUSABLE = "!bench-no-login"  # an unusable password hash: nobody logs in with these accounts
FORCE_WEIGHTS = [
    ("armee-de-terre", 38),
    ("gendarmerie-nationale", 24),
    ("marine-nationale", 11),
    ("armee-air-espace", 11),
    ("police-nationale", 8),
    ("service-sante-armees", 5),
    ("service-commissariat-armees", 2),
    ("autre", 1),
]


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def bulk(model, rows):
    out = []
    for start in range(0, len(rows), BATCH):
        out.extend(model.objects.bulk_create(rows[start : start + BATCH], batch_size=BATCH))
    return out


def build(rng: random.Random) -> dict:
    from django.utils import timezone

    from parcours.accounts.enums import Role
    from parcours.accounts.models import Cohort, Institution, Membership, Programme, User
    from parcours.partners.models import InterestDeclaration, Referral
    from parcours.portfolio.models import ReservePeriod, ReservistProfile
    from parcours.recognition.models import Decision, JurySession, RecognitionRequest, ValidatedActivity
    from parcours.reserve.catalogue import load_catalogue
    from parcours.reserve.models import ActivityType, Force
    from parcours.track.models import Course, Enrolment

    load_catalogue()
    forces = {f.code: f for f in Force.objects.all()}
    weighted = [(forces[c], w) for c, w in FORCE_WEIGHTS if c in forces]
    activities = list(ActivityType.objects.exclude(kind="elective_course"))
    this_year = timezone.localdate().year
    first_year = this_year - 5
    institutions = bulk(
        Institution,
        [
            Institution(slug=f"ecole-{i:03d}", name=f"École d'ingénieurs {i:03d}")
            for i in range(N_INSTITUTIONS)
        ],
    )
    programmes = bulk(
        Programme,
        [
            Programme(
                institution=inst,
                code=f"P{k}",
                name_fr=f"Ingénieur filière {k}",
                name_en=f"Engineering track {k}",
            )
            for inst in institutions
            for k in range(3)
        ],
    )
    cohorts = bulk(
        Cohort,
        [
            Cohort(
                programme=p,
                code=f"{p.code}-{this_year}",
                label=f"{p.code} {this_year}",
                academic_year=this_year,
            )
            for p in programmes
        ],
    )
    cohorts_of: dict[int, list] = {}
    for cohort, programme in zip(cohorts, programmes, strict=True):
        cohorts_of.setdefault(programme.institution_id, []).append(cohort)
    # Schools differ in size: a few large ones, many small ones.
    sizes = [rng.paretovariate(1.6) for _ in institutions]
    scale = N_RESERVISTS / sum(sizes)
    school_of = []
    for inst, size in zip(institutions, sizes, strict=True):
        school_of += [inst] * max(1, int(size * scale))
    school_of = (school_of + [rng.choice(institutions) for _ in range(N_RESERVISTS)])[:N_RESERVISTS]
    users = bulk(
        User,
        [
            User(
                email=f"r{i}@bench.example.org", first_name="Réserviste", last_name=f"N{i}", password=UNUSABLE
            )
            for i in range(N_RESERVISTS)
        ],
    )
    members, profiles = [], []
    for user, inst in zip(users, school_of, strict=True):
        if rng.random() < 0.1:
            members.append(
                Membership(user=user, institution=inst, role=Role.STAFF, employment_status="public_servant")
            )
        else:
            members.append(
                Membership(
                    user=user, institution=inst, role=Role.STUDENT, cohort=rng.choice(cohorts_of[inst.pk])
                )
            )
        start = date(rng.randint(first_year - 1, this_year), rng.randint(1, 12), 1)
        profiles.append(
            ReservistProfile(
                user=user,
                institution=inst,
                status="active" if rng.random() < 0.9 else "former",
                force=rng.choices([f for f, _w in weighted], [w for _f, w in weighted])[0],
                esr_start=start,
                esr_end=date(start.year + rng.choice([1, 3, 5]), start.month, 1),
            )
        )
    bulk(Membership, members)
    profiles = bulk(ReservistProfile, profiles)
    _periods(rng, profiles, activities, first_year, this_year)
    n_periods = ReservePeriod.objects.count()
    # Recognition: requests, decisions and validated activities (ECTS, internship weeks).
    director = User.objects.create_user("directeur@bench.example.org", "x")
    sessions = {
        inst.pk: JurySession(institution=inst, title="Jury", date=date(this_year, 1, 15), chair=director)
        for inst in institutions
    }
    bulk(JurySession, list(sessions.values()))
    chosen = rng.sample(profiles, min(N_REQUESTS, len(profiles)))
    requests = []
    for profile in chosen:
        when = datetime(rng.randint(first_year, this_year), rng.randint(1, 10), 5, tzinfo=UTC)
        decided = rng.random() < 0.6
        requests.append(
            RecognitionRequest(
                holder_id=profile.user_id,
                institution_id=profile.institution_id,
                title="PMI",
                status="decided" if decided else rng.choice(["submitted", "under_review", "in_jury"]),
                outcome=rng.choice(["validated", "validated", "partially_validated", "refused"])
                if decided
                else "",
                submitted_at=when,
                decided_at=when + timedelta(days=40) if decided else None,
            )
        )
    requests = bulk(RecognitionRequest, requests)
    decided = [r for r in requests if r.status == "decided"]
    decisions = bulk(
        Decision,
        [
            Decision(
                request=r,
                session=sessions[r.institution_id],
                outcome=r.outcome,
                reason="Motif" if r.outcome == "refused" else "",
                signed_by=director,
                signed_at=r.decided_at,
            )
            for r in decided
        ],
    )
    first_period = dict(
        ReservePeriod.objects.filter(profile__user_id__in=[r.holder_id for r in decided])
        .values_list("profile__user_id", "pk")
        .order_by("profile__user_id", "pk")
    )
    bulk(
        ValidatedActivity,
        [
            ValidatedActivity(
                decision=d,
                period_id=first_period[d.request.holder_id],
                ects=Decimal(rng.choice(["0", "2", "3", "4.5", "6"])),
                internship_weeks_exempted=rng.choice([0, 0, 0, 1, 2]),
            )
            for d in decisions
            if d.outcome != "refused"
        ],
    )
    # Elective enrolments and passes.
    courses = {
        inst.pk: Course(institution=inst, academic_year=this_year, code="DEF", title_fr="Défense")
        for inst in institutions
    }
    bulk(Course, list(courses.values()))
    enrolled = rng.sample(profiles, min(N_ENROLMENTS, len(profiles)))
    enrolments = bulk(
        Enrolment,
        [
            Enrolment(
                course=courses[p.institution_id],
                student_id=p.user_id,
                status="enrolled",
                result="passed" if rng.random() < 0.8 else "",
                graded_at=timezone.now() if rng.random() < 0.8 else None,
            )
            for p in enrolled
        ],
    )
    # Referrals of consenting people.
    referred = rng.sample(profiles, min(N_REFERRALS, len(profiles)))
    now = timezone.now()
    declarations = bulk(
        InterestDeclaration,
        [
            InterestDeclaration(
                user_id=p.user_id,
                institution_id=p.institution_id,
                role="student",
                status="confirmed",
                share_contact=True,
                confirmed_at=now,
                expires_at=now + timedelta(days=365),
                consent_text=_consent(),
            )
            for p in referred
        ],
    )
    bulk(
        Referral,
        [
            Referral(
                declaration=d,
                institution_id=d.institution_id,
                stage=rng.choice(["new", "contacted", "application", "joined", "not_pursued"]),
            )
            for d in declarations
        ],
    )
    return {
        "institutions": len(institutions),
        "programmes": len(programmes),
        "reservists": len(profiles),
        "periods": n_periods,
        "requests": len(requests),
        "decisions": len(decisions),
        "enrolments": len(enrolments),
        "referrals": len(declarations),
        "years": [first_year, this_year],
    }


def _periods(rng, profiles, activities, first_year, this_year) -> None:
    """Ten periods per reservist. On SQLite one INSERT … SELECT (deterministic formulas on the ids) does it
    in seconds; elsewhere, bulk inserts."""
    from django.db import connection
    from django.utils import timezone

    from parcours.portfolio.models import ReservePeriod

    if connection.vendor == "sqlite":
        span = this_year - first_year + 1
        kinds = " ".join(f"WHEN {n} THEN {a.pk}" for n, a in enumerate(activities))
        sql = f"""
            WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < {PERIODS_PER_RESERVIST - 1})
            INSERT INTO portfolio_reserveperiod (title, start_date, end_date, length_days, days, days_reason,
                description, place, visibility, created_at, updated_at, activity_type_id, force_id, profile_id)
            SELECT 'Période', s, date(s, '+' || (d - 1) || ' days'), d, d, '', '', '', 'private', %s, %s,
                   a, force_id, id
            FROM (
                SELECT p.id AS id, p.force_id AS force_id,
                       printf('%%04d-%%02d-%%02d', {first_year} + ((p.id * 7 + k.n * 13) %% {span}),
                              1 + ((p.id * 11 + k.n * 5) %% 10), 1 + ((p.id * 3 + k.n * 17) %% 28)) AS s,
                       1 + ((p.id * 31 + k.n * 7) %% 15) AS d,
                       CASE ((p.id + k.n) %% {len(activities)}) {kinds} END AS a
                FROM portfolio_reservistprofile p, k
            )
        """  # noqa: S608 - only integers computed here are interpolated
        now = timezone.now().isoformat(sep=" ")
        with connection.cursor() as cursor:
            cursor.execute(sql, [now, now])
        return
    periods = []
    for profile in profiles:
        for _k in range(PERIODS_PER_RESERVIST):
            activity = rng.choice(activities)
            days = rng.randint(1, 15)
            start = date(rng.randint(first_year, this_year), rng.randint(1, 10), rng.randint(1, 28))
            periods.append(
                ReservePeriod(
                    profile=profile,
                    activity_type=activity,
                    force=profile.force,
                    title=activity.name_fr,
                    start_date=start,
                    end_date=start + timedelta(days=days - 1),
                    length_days=days,
                    days=days,
                )
            )
        if len(periods) >= 100_000:
            bulk(ReservePeriod, periods)
            periods = []
    bulk(ReservePeriod, periods)


def _consent():
    from parcours.partners.services import consent_text_current

    return consent_text_current()


def measure(client, url: str) -> dict:
    client.get(url)  # warm up (templates, snapshot already computed)
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return {"p50_ms": round(statistics.median(timings), 1), "p95_ms": round(percentile(timings, 0.95), 1)}


def main() -> None:
    setup("partners")
    from django.db import connection
    from django.test import Client

    from parcours.accounts.enums import Role
    from parcours.accounts.models import Institution, Membership, User
    from parcours.partners.exports import FORMATS, yearly_report
    from parcours.partners.models import SnapshotRow, StatisticsSnapshot
    from parcours.partners.statistics import Scope, snapshot_refresh

    rng = random.Random(20261127)
    started = time.perf_counter()
    sizes = build(rng)
    build_s = time.perf_counter() - started
    print(f"dataset {sizes} in {build_s:.0f} s", flush=True)

    started = time.perf_counter()
    snapshot_id = snapshot_refresh()
    snapshot_s = time.perf_counter() - started
    snapshot = StatisticsSnapshot.objects.get(pk=snapshot_id)
    print(f"snapshot in {snapshot_s:.1f} s", flush=True)

    institutions = list(Institution.objects.order_by("pk"))
    biggest = max(institutions, key=lambda i: i.reservists.count())

    def referent(email, schools):
        user = User.objects.create_user(email, "x")
        Membership.objects.bulk_create(
            [Membership(user=user, institution=s, role=Role.PARTNER_REFERENT) for s in schools]
        )
        client = Client()
        client.force_login(user)
        return client

    one, five, everyone = (
        referent("gn1@bench.example.org", [biggest]),
        referent("gn5@bench.example.org", institutions[:5]),
        referent("gn-all@bench.example.org", institutions),
    )
    director = User.objects.create_user("dir2@bench.example.org", "x")
    Membership.objects.create(user=director, institution=biggest, role=Role.DIRECTOR_OF_STUDIES)
    leadership = Client()
    leadership.force_login(director)
    year = sizes["years"][1]
    dashboards = {
        "referent_one_school": measure(one, "/partners/reports/"),
        "referent_five_schools": measure(five, "/partners/reports/"),
        "referent_five_schools_one_selected": measure(
            five, f"/partners/reports/?institution={institutions[2].slug}&year={year - 1}"
        ),
        "referent_every_school": measure(everyone, "/partners/reports/"),
        "director_of_studies": measure(leadership, "/partners/reports/"),
    }
    print(json.dumps(dashboards), flush=True)

    reports = {}
    cases = [
        ("national", Scope.of(institutions), ("csv", "xlsx", "pdf"), False),
        ("one_school", Scope.of([biggest]), ("csv", "pdf"), False),
        ("national_fresh", Scope.of(institutions), ("csv",), True),
    ]
    for label, scope, formats, fresh in cases:
        for fmt in formats:
            started, cpu = time.perf_counter(), time.process_time()
            content = FORMATS[fmt].render(yearly_report(year, scope, "fr", fresh=fresh))
            reports[f"{label}_{fmt}"] = {
                "seconds": round(time.perf_counter() - started, 2),
                "cpu_seconds": round(time.process_time() - cpu, 2),
                "bytes": len(content),
            }
            print(label, fmt, reports[f"{label}_{fmt}"], flush=True)

    result = {
        "database": connection.vendor,
        "scale": SCALE,
        "generated": sizes,
        "dataset_build_s": round(build_s, 1),
        "runs": RUNS,
        "statistics_snapshot": {
            "seconds": round(snapshot_s, 1),
            "rows": SnapshotRow.objects.filter(snapshot=snapshot).count(),
            "years": snapshot.years,
        },
        "dashboard": dashboards,
        "yearly_report": reports,
        "target": {"dashboard_p95_ms": 500, "yearly_report_s": 10},
        "notes": (
            "The dashboard reads a stored snapshot of protected tables (refreshed by a task when older than "
            "PARTNERS['STATISTICS_MAX_AGE']); its timings exclude the snapshot computation, measured apart. "
            "The yearly report reads the same snapshot (the dashboards and the report never disagree); "
            "'national_fresh' recomputes it (3 years, every institution, suppression included), as "
            "`partner_report --fresh` does. Timings are wall-clock on a 2-core machine shared with other "
            "processes; cpu_seconds is this process's own CPU time for the whole run."
        ),
        "cpu_seconds": round(time.process_time(), 1),
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    out = Path(__file__).resolve().parent / "results" / "partners.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

"""Track: diploma supplements per second on one core, beside the raw WeasyPrint rate of a one-page document
measured in the same run; the cohort overview for 2,000 students (p50/p95, queries).

Targets (issue #7): ≥ 8 supplements per second on one core; cohort overview p95 ≤ 200 ms.
The process is pinned to one CPU. Runs on SQLite, then on PostgreSQL (a throwaway cluster started by
scripts/with-postgres.sh), each in its own process; writes bench/results/track.json with both runs and the
baseline measured before the speed work. ``--db sqlite`` (or ``postgresql``) runs one only.
"""

from __future__ import annotations

import datetime
import json
import os
import statistics
import time
from decimal import Decimal
from pathlib import Path

from djangoenv import machine, setup

COHORT = 2000
ROUNDS = 4  # supplements: rounds of RAW_PER_ROUND raw documents, as many renderings, PER_ROUND issues…
RAW_PER_ROUND = 10
FULL_PER_ROUND = 10
PER_ROUND = 10
RUNS = 40  # requests per cohort-overview measurement

ONE_PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 22mm 20mm 24mm 22mm;
  @bottom-right { content: "Page " counter(page) " / " counter(pages); font-family: "Liberation Sans"; font-size: 7.5pt; } }
html { font-family: "Liberation Sans", "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.4; }
h1 { font-size: 15pt; color: #1d2b4f; } table { width: 100%; border-collapse: collapse; font-size: 9pt; }
td, th { border-bottom: 0.4pt solid #d0d0d0; padding: 1.5mm 2mm; text-align: left; }
</style></head><body>
<h1>École nationale supérieure des mines d'Alès</h1><h1>Attestation de compétences reconnues</h1>
<p>Je soussignée, Claire Martin, directrice des études, atteste que Camille Laurent, inscrite en Ingénieur
généraliste, s'est vu reconnaître, par décision du jury de validation, les compétences suivantes :</p>
<table><tr><th>Code</th><th>Compétence</th><th>Niveau</th><th>ECTS</th></tr>
<tr><td>C4.1</td><td>Animer une équipe et la fédérer autour d'un objectif commun</td><td>2. Application</td><td>3</td></tr>
<tr><td>C5.3</td><td>Gérer une situation de crise ou d'urgence</td><td>3. Maîtrise</td><td>1,5</td></tr></table>
<p>La présente attestation est délivrée à l'intéressée pour servir et valoir ce que de droit.</p>
<p style="margin-left: 95mm">Fait à Alès, le 27 novembre 2026<br>Claire Martin</p></body></html>"""


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def build(n_students: int):
    """A school, its framework and rules, the elective, and ``n_students`` students at various stages."""
    from django.utils import timezone

    from parcours.accounts.enums import Role
    from parcours.accounts.models import Cohort, Institution, Membership, Programme, User
    from parcours.frameworks.models import Competency, Framework, Level
    from parcours.portfolio.models import ReservePeriod, ReservistProfile
    from parcours.recognition.models import (
        Decision,
        DecisionCompetency,
        JurySession,
        RecognitionRequest,
        ValidatedActivity,
    )
    from parcours.reserve.models import ActivityType, Force
    from parcours.track import services
    from parcours.track.enums import CriterionKind, EnrolmentStatus
    from parcours.track.models import Enrolment

    institution = Institution.objects.create(slug="bench", name="École du banc d'essai", city="Alès")
    programme = Programme.objects.create(
        institution=institution, code="ING", name_fr="Ingénieur généraliste", name_en="General engineering"
    )
    cohort = Cohort.objects.create(
        programme=programme, code="ING3", label="3e année", academic_year=2026, graduation_year=2027
    )
    framework = Framework.objects.create(
        institution=institution, title_fr="Référentiel", academic_year=2026, status="published"
    )
    levels = [
        Level.objects.create(framework=framework, rank=r, label_fr=f"Niveau {r}", label_en=f"Level {r}")
        for r in range(1, 5)
    ]
    blocks, competencies = [], []
    for b in range(1, 4):
        block = Competency.objects.create(
            framework=framework,
            identifier=f"B{b}",
            code=f"B{b}",
            item_type="block",
            statement_fr=f"Bloc {b}",
            statement_en=f"Block {b}",
        )
        blocks.append(block)
        for c in range(1, 6):
            competencies.append(
                Competency.objects.create(
                    framework=framework,
                    identifier=f"C{b}.{c}",
                    code=f"C{b}.{c}",
                    parent=block,
                    statement_fr=f"Conduire une équipe en situation de crise ({b}.{c})",
                    statement_en=f"Lead a team in a crisis ({b}.{c})",
                )
            )
    staff = {}
    for role, email in (
        (Role.PEDAGOGICAL_ENGINEER, "ingenieure"),
        (Role.DIRECTOR_OF_STUDIES, "directeur"),
        (Role.TEACHER, "enseignant"),
    ):
        user = User.objects.create_user(
            f"{email}@bench.example.org", "x", first_name="Marc", last_name="Lefèvre"
        )
        Membership.objects.create(user=user, institution=institution, role=role)
        staff[role] = user
    course = services.course_create(
        institution=institution,
        actor=staff[Role.TEACHER],
        academic_year=2026,
        code="DEF-ING",
        title_fr="Compétences de la défense nationale pour l'ingénieur",
        title_en="National defence competencies for engineers",
        capacity=n_students,
        partners="Garde nationale, IHEDN",
    )
    rule_set = services.rule_set_create(
        institution=institution,
        actor=staff[Role.PEDAGOGICAL_ENGINEER],
        academic_year=2026,
        title="Parcours 2026",
        framework=framework,
    )
    services.criterion_add(
        rule_set=rule_set,
        actor=staff[Role.PEDAGOGICAL_ENGINEER],
        kind=CriterionKind.COMPETENCIES,
        count=2,
        min_level=levels[1],
        blocks=blocks[:2],
    )
    services.criterion_add(
        rule_set=rule_set,
        actor=staff[Role.PEDAGOGICAL_ENGINEER],
        kind=CriterionKind.RESERVE_ECTS,
        ects=Decimal("3"),
    )
    services.criterion_add(
        rule_set=rule_set, actor=staff[Role.PEDAGOGICAL_ENGINEER], kind=CriterionKind.ELECTIVE_PASSED
    )
    services.criterion_add(
        rule_set=rule_set, actor=staff[Role.PEDAGOGICAL_ENGINEER], kind=CriterionKind.ESR_MONTHS, count=12
    )
    services.criterion_add(
        rule_set=rule_set, actor=staff[Role.PEDAGOGICAL_ENGINEER], kind=CriterionKind.RESERVE_DAYS, count=20
    )
    services.rule_set_transition(rule_set=rule_set, name="approve", actor=staff[Role.DIRECTOR_OF_STUDIES])

    force = Force.objects.get_or_create(code="armee-de-terre", defaults={"name_fr": "Armée de terre"})[0]
    activity = ActivityType.objects.get_or_create(
        code="pmi",
        defaults={
            "kind": "military_preparation",
            "name_fr": "Préparation militaire",
            "name_en": "Military preparation",
        },
    )[0]
    users = User.objects.bulk_create(
        [
            User(email=f"etudiant{i}@bench.example.org", first_name="Étudiant", last_name=f"N{i:05d}")
            for i in range(n_students)
        ]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, institution=institution, role=Role.STUDENT, cohort=cohort) for u in users]
    )
    # Stages: every 5th student has nothing; the others have an engagement, periods and a decision.
    active = [u for i, u in enumerate(users) if i % 5]
    profiles = ReservistProfile.objects.bulk_create(
        [
            ReservistProfile(
                user=u,
                institution=institution,
                force=force,
                status="active",
                esr_start=datetime.date(2025, 1, 6),
                esr_end=datetime.date(2029, 1, 5),
            )
            for u in active
        ]
    )
    start = datetime.date(2025, 7, 7)
    periods = ReservePeriod.objects.bulk_create(
        [
            ReservePeriod(
                profile=p,
                activity_type=activity,
                force=force,
                title="PMI",
                start_date=start,
                end_date=start + datetime.timedelta(days=13 + 8 * (i % 2)),
                length_days=14 + 8 * (i % 2),
                days=14 + 8 * (i % 2),
            )
            for i, p in enumerate(profiles)
        ]
    )
    now = timezone.now()
    session = JurySession.objects.create(
        institution=institution,
        title="Jury",
        date=datetime.date(2026, 6, 18),
        chair=staff[Role.DIRECTOR_OF_STUDIES],
    )
    requests = RecognitionRequest.objects.bulk_create(
        [
            RecognitionRequest(
                holder=u,
                institution=institution,
                title="PMI",
                status="decided",
                outcome="validated",
                submitted_at=now,
                decided_at=now,
                session=session,
            )
            for u in active
        ]
    )
    through = RecognitionRequest.periods.through
    through.objects.bulk_create(
        [
            through(recognitionrequest_id=r.pk, reserveperiod_id=p.pk)
            for r, p in zip(requests, periods, strict=True)
        ]
    )
    decisions = Decision.objects.bulk_create(
        [
            Decision(
                request=r,
                session=session,
                outcome="validated",
                signed_by=staff[Role.DIRECTOR_OF_STUDIES],
                signed_at=now,
            )
            for r in requests
        ]
    )
    ValidatedActivity.objects.bulk_create(
        [
            ValidatedActivity(
                decision=d,
                period=p,
                ects=Decimal("3"),
                wording_fr="Préparation militaire validée",
                wording_en="Military preparation recognised",
            )
            for d, p in zip(decisions, periods, strict=True)
        ]
    )
    DecisionCompetency.objects.bulk_create(
        [
            DecisionCompetency(
                decision=d, competency=competencies[(i + k) % len(competencies)], level=levels[1 + k % 2]
            )
            for i, d in enumerate(decisions)
            for k in range(3)
        ]
    )
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                course=course,
                student=u,
                status=EnrolmentStatus.ENROLLED,
                grade=Decimal("14") if i % 3 else None,
                result="passed" if i % 3 else "",
            )
            for i, u in enumerate(active)
        ]
    )
    return institution, cohort, staff, active


class Meter:
    """Wall-clock and CPU seconds spent on one kind of work, over several rounds."""

    def __init__(self) -> None:
        self.count, self.wall, self.cpu = 0, 0.0, 0.0

    def run(self, count: int, work) -> None:
        started, started_cpu = time.perf_counter(), time.process_time()
        work()
        self.wall += time.perf_counter() - started
        self.cpu += time.process_time() - started_cpu
        self.count += count

    def rates(self) -> dict:
        return {"per_s": round(self.count / self.wall, 2), "per_cpu_s": round(self.count / self.cpu, 2)}


def bench_supplements(institution, cohort, staff, students) -> dict:
    """Diploma supplements on one core, beside the raw WeasyPrint rate of a one-page document.

    In ROUNDS rounds (so that the machine's changing load weighs on every figure alike): RAW_PER_ROUND raw
    one-page documents (plain ``weasyprint.HTML(string=...).write_pdf()``), as many renderings of a
    student's supplement, a few of the fuller sample supplement (documents.samples) with the reduced
    user-agent stylesheet (parcours/user_agent.css) and as many with WeasyPrint's full one (its baseline),
    PER_ROUND supplements issued one at a time
    (``supplement_issue``: content, checks, PDF, storage, audit) and a batch of PER_ROUND students (the
    worker's ``supplement_batch_run`` over a cohort: content read for the whole group, then the same).
    """
    import io
    import uuid

    import pypdf
    import weasyprint

    from parcours import pdf
    from parcours.accounts.enums import Role
    from parcours.accounts.models import Cohort, Membership
    from parcours.documents.registry import get
    from parcours.documents.rendering import render_pdf
    from parcours.documents.samples import sample_context
    from parcours.track.models import SupplementBatch
    from parcours.track.services import supplement_batch_run, supplement_issue
    from parcours.track.supplement import supplement_context

    kind = get("diploma_supplement")
    url = "https://parcours.example.org/verify/document/6f0c1c52-8a7e-4c1e-9d51-1a0f0c6e3b11"
    context = supplement_context(students[-1], institution)
    context["reference"] = "SD-BENCH"
    ctx = kind.clean(kind.clean(context), language="fr")
    full = kind.clean(kind.clean(sample_context("diploma_supplement")), language="fr")

    def render(c) -> bytes:
        return render_pdf(kind, c, language="fr", public_id=uuid.uuid4(), verify_url=url)

    def pages(pdf: bytes) -> int:
        return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)

    weasyprint.HTML(string=ONE_PAGE).write_pdf()  # warm up (fonts, stylesheets)
    pages_bench, pages_full = pages(render(ctx)), pages(render(full))

    singles = students[: ROUNDS * PER_ROUND]
    batched = students[ROUNDS * PER_ROUND : 2 * ROUNDS * PER_ROUND]
    batches = []
    for r in range(ROUNDS):
        group = Cohort.objects.create(
            programme=cohort.programme,
            code=f"SD{r}",
            label=f"Supplements {r}",
            academic_year=cohort.academic_year,
            graduation_year=cohort.graduation_year,
        )
        members = batched[r * PER_ROUND : (r + 1) * PER_ROUND]
        Membership.objects.filter(user__in=members, institution=institution, role=Role.STUDENT).update(
            cohort=group
        )
        batches.append(
            SupplementBatch.objects.create(
                institution=institution, cohort=group, created_by=staff[Role.PEDAGOGICAL_ENGINEER]
            )
        )

    raw, rendered, rendered_full, issued, batch = Meter(), Meter(), Meter(), Meter(), Meter()
    full_user_agent = Meter()
    covered = pdf.covered_by_user_agent_subset
    paired: list[float] = []  # CPU time with the full stylesheet / with the reduced one, document by document

    def with_full_user_agent() -> None:
        pdf.covered_by_user_agent_subset = lambda root: False
        try:
            render(full)
        finally:
            pdf.covered_by_user_agent_subset = covered

    def full_supplements_both_ways() -> None:
        """The fuller supplement, alternately with either user-agent stylesheet, one document at a time
        (the machine's speed changes within seconds: pairs of neighbours compare like with like; which one
        goes first alternates)."""
        for n in range(FULL_PER_ROUND):
            reduced, whole = rendered_full.cpu, full_user_agent.cpu
            steps = [
                lambda: rendered_full.run(1, lambda: render(full)),
                lambda: full_user_agent.run(1, with_full_user_agent),
            ]
            for step in steps if n % 2 else reversed(steps):
                step()
            paired.append((full_user_agent.cpu - whole) / (rendered_full.cpu - reduced))

    for r in range(ROUNDS):
        raw.run(
            RAW_PER_ROUND,
            lambda: [weasyprint.HTML(string=ONE_PAGE).write_pdf() for _ in range(RAW_PER_ROUND)],
        )
        rendered.run(RAW_PER_ROUND, lambda: [render(ctx) for _ in range(RAW_PER_ROUND)])
        full_supplements_both_ways()
        group = singles[r * PER_ROUND : (r + 1) * PER_ROUND]
        issued.run(
            len(group),
            lambda group=group: [
                supplement_issue(student=s, institution=institution, actor=None, generate_now=True)
                for s in group
            ],
        )
        batch.run(PER_ROUND, lambda r=r: supplement_batch_run(batches[r].pk))
        batches[r].refresh_from_db()
        assert batches[r].generated == PER_ROUND, (batches[r].generated, batches[r].failures)
    raw_rates = raw.rates()

    def figures(meter: Meter) -> dict:
        rates = meter.rates()
        return {**rates, "ratio_to_raw": round(rates["per_cpu_s"] / raw_rates["per_cpu_s"], 2)}

    return {
        "raw_weasyprint_one_page": {"documents": raw.count, **raw_rates},
        "batch": {"supplements": batch.count, **figures(batch)},
        "one_at_a_time": {"supplements": issued.count, **figures(issued)},
        "render_only": {"documents": rendered.count, "pages": pages_bench, **figures(rendered)},
        "render_only_full": {"documents": rendered_full.count, "pages": pages_full, **figures(rendered_full)},
        "render_only_full_with_weasyprint_user_agent_stylesheet": {
            "documents": full_user_agent.count,
            **figures(full_user_agent),
            "reduced_stylesheet_speed_up": round(full_user_agent.cpu / rendered_full.cpu, 3),
            "reduced_stylesheet_speed_up_median_of_pairs": round(statistics.median(paired), 3),
        },
        "note": "batch: supplement_batch_run (what the worker and the command do); one_at_a_time: "
        "supplement_issue per student (a staff member's click); render_only: context already read. "
        "The bench's students have one activity, three competencies and no award; render_only_full is the "
        "fuller sample supplement (mention, elective, two activities, six competencies, an exemption); "
        "render_only_full_with_weasyprint_user_agent_stylesheet renders it alternately with render_only_full, "
        "one document each, but with WeasyPrint's full user-agent stylesheet instead of parcours/user_agent.css "
        "(speed-up: CPU time with the full one / with the reduced one, in total and as the median of the "
        "pairs).",
    }


def measure(client, url: str, *, cold: bool = False) -> tuple[list[float], list[float], int]:
    """Wall-clock and CPU milliseconds of RUNS requests. ``cold``: the progress cache is emptied before each
    request, so that every one computes the whole cohort (what the first view after any change costs)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from parcours.track.progress import clear_cache

    client.get(url)
    wall, cpu = [], []
    for _ in range(RUNS):
        if cold:
            clear_cache()
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, response.status_code
    if cold:
        clear_cache()
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return wall, cpu, len(ctx.captured_queries)


def summary(measured: tuple[list[float], list[float], int]) -> dict:
    wall, cpu, queries = measured
    return {
        "p50_ms": round(statistics.median(wall), 1),
        "p95_ms": round(percentile(wall, 0.95), 1),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "cpu_p95_ms": round(percentile(cpu, 0.95), 1),
        "queries": queries,
    }


#: The figures measured before the speed work of issue #7 (same script, SQLite, 2026-11-27 12:48, load
#: average 6.7–9.4): the yardstick for what changed. The raw WeasyPrint rate of each run says how loaded
#: the machine was.
BASELINE = {
    "date": "2026-11-27 12:48",
    "database": "sqlite",
    "load_average": [6.7, 8.45, 9.39],
    "cohort_overview_cold": {"p50_ms": 657.3, "p95_ms": 1408.5, "cpu_p50_ms": 162.4, "cpu_p95_ms": 307.7},
    "cohort_overview_warm": {"p50_ms": 156.4, "p95_ms": 263.1, "cpu_p50_ms": 44.6, "cpu_p95_ms": 66.8},
    "institution_overview_cold": {"p50_ms": 410.0, "p95_ms": 983.0, "cpu_p50_ms": 158.8, "cpu_p95_ms": 315.9},
    "supplements_one_at_a_time": {"per_s": 0.93, "per_cpu_s": 2.55, "ratio_to_raw": 0.21},
    "supplement_render_only": {"per_s": 0.95, "per_cpu_s": 2.66, "pages": 2},
    "raw_weasyprint_one_page": {"per_s": 5.2, "per_cpu_s": 12.07},
}


def run_one(database: str) -> dict:
    """Every measurement on one database, in this process (pinned to one CPU)."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    if database == "postgresql":
        os.environ["BENCH_DATABASE_URL"] = os.environ["DATABASE_URL"]  # set by scripts/with-postgres.sh
    setup("track")
    import logging

    logging.disable(logging.INFO)
    from django.db import connection
    from django.test import Client, override_settings

    from parcours.accounts.enums import Role
    from parcours.runtime import freeze_startup_objects

    started = time.perf_counter()
    institution, cohort, staff, active = build(COHORT)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # statistics, as autovacuum keeps them: else plans for empty tables
    build_s = time.perf_counter() - started
    # What config/wsgi.py does once a server process has started: the objects held for good leave the
    # cyclic collector's passes (parcours.runtime.freeze_startup_objects).
    freeze_startup_objects()
    client = Client()
    with override_settings(AXES_ENABLED=False):  # its login record wants an IP address (PostgreSQL's inet)
        client.force_login(staff[Role.PEDAGOGICAL_ENGINEER])
    cohort_url = f"/track/overview/cohorts/{cohort.pk}/"
    cohort_cold = summary(measure(client, cohort_url, cold=True))
    cohort_warm = summary(measure(client, cohort_url))
    filtered = summary(measure(client, cohort_url + "?status=in_progress&page=3", cold=True))
    overview_cold = summary(measure(client, "/track/overview/", cold=True))
    bare = summary(measure(client, "/healthz"))
    supplements = bench_supplements(institution, cohort, staff, active)
    return {
        "database": connection.vendor,
        "cohort_students": COHORT,
        "runs": RUNS,
        "dataset_build_s": round(build_s, 2),
        "cohort_overview_cold": cohort_cold,
        "cohort_overview_warm": cohort_warm,
        "cohort_overview_filtered_page3_cold": filtered,
        "institution_overview_cold": overview_cold,
        "baseline_healthz": bare,
        "diploma_supplements_one_core": supplements,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


def main(argv: list[str]) -> int:
    """``track.py``: SQLite, then PostgreSQL (a throwaway cluster, scripts/with-postgres.sh), each in its own
    process; writes bench/results/track.json with both and the baseline. ``--db sqlite|postgresql``: one
    database only (its section is replaced, the other kept)."""
    import subprocess
    import sys
    import tempfile

    here = Path(__file__).resolve()
    out = here.parent / "results" / "track.json"
    if argv[:1] == ["--emit"]:  # a child: one database, JSON to the file named
        Path(argv[2]).write_text(json.dumps(run_one(argv[1]), indent=2))
        return 0
    databases = ["sqlite", "postgresql"]
    if argv[:1] == ["--db"]:
        databases = [argv[1]]
    previous = json.loads(out.read_text()) if out.exists() else {}
    result = {key: previous[key] for key in ("sqlite", "postgresql") if isinstance(previous.get(key), dict)}
    failed = []
    for database in databases:
        with tempfile.NamedTemporaryFile(suffix=".json") as emitted:
            command = [sys.executable, str(here), "--emit", database, emitted.name]
            if database == "postgresql":
                command = [str(here.parent.parent / "scripts" / "with-postgres.sh"), *command]
            done = subprocess.run(command, cwd=here.parent.parent, check=False)
            if done.returncode != 0:
                failed.append(database)
                continue
            result[database] = json.loads(Path(emitted.name).read_text())
    document = {
        "note": "p50/p95 are wall-clock; cpu_* is the CPU time of the benchmark process, pinned to one CPU "
        "(with PostgreSQL, the server's own work is in the wall-clock figures only). The machine was shared "
        "with other work: see each run's load_average and its raw WeasyPrint rate. 'cold' empties the "
        "progress cache before each request (every request computes the whole cohort); 'warm' reuses it while "
        "the data fingerprint is unchanged.",
        "target": {"cohort_overview_p95_ms": 200, "supplements_per_s": 8},
        **{key: result[key] for key in ("sqlite", "postgresql") if key in result},
        "baseline": BASELINE,
        "machine": machine(),
    }
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(document, indent=2, ensure_ascii=False))
    if failed:
        print(f"Failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))

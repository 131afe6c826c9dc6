"""Track: diploma supplements per second on one core, beside the raw WeasyPrint rate of a one-page document
measured in the same run; the cohort overview for 2,000 students (p50/p95, queries).

Targets (issue #7): ≥ 8 supplements per second on one core; cohort overview p95 ≤ 200 ms.
The process is pinned to one CPU. Writes bench/results/track.json.
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
SUPPLEMENTS = 40
RAW_RUNS = 40
RUNS = 40

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


def bench_supplements(institution, students) -> dict:
    """Issue SUPPLEMENTS supplements end to end (context, validation, PDF, storage, audit), one at a time."""
    import io
    import uuid

    import pypdf
    import weasyprint

    from parcours.documents.registry import get
    from parcours.documents.rendering import render_pdf
    from parcours.track.services import supplement_issue
    from parcours.track.supplement import supplement_context

    weasyprint.HTML(string=ONE_PAGE).write_pdf()  # warm up (fonts, stylesheets)

    def rate(count: int, run) -> tuple[float, float]:
        """(per second of wall-clock time, per second of CPU time) for ``count`` items done by ``run``."""
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        return count / (time.perf_counter() - started), count / (time.process_time() - started_cpu)

    raw_wall, raw_cpu = rate(
        RAW_RUNS, lambda: [weasyprint.HTML(string=ONE_PAGE).write_pdf() for _ in range(RAW_RUNS)]
    )

    sample = students[:SUPPLEMENTS]
    kind = get("diploma_supplement")
    context = supplement_context(sample[0], institution)
    context["reference"] = "SD-BENCH"
    ctx = kind.clean(kind.clean(context), language="fr")
    url = "https://parcours.example.org/verify/document/6f0c1c52-8a7e-4c1e-9d51-1a0f0c6e3b11"
    pdf = render_pdf(kind, ctx, language="fr", public_id=uuid.uuid4(), verify_url=url)
    render_wall, render_cpu = rate(
        RAW_RUNS,
        lambda: [
            render_pdf(kind, ctx, language="fr", public_id=uuid.uuid4(), verify_url=url)
            for _ in range(RAW_RUNS)
        ],
    )
    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    full_wall, full_cpu = rate(
        len(sample),
        lambda: [
            supplement_issue(student=s, institution=institution, actor=None, generate_now=True)
            for s in sample
        ],
    )
    return {
        "supplements": len(sample),
        "supplement_pages": pages,
        "supplements_per_s": round(full_wall, 2),
        "supplements_per_cpu_s": round(full_cpu, 2),
        "supplement_render_only_per_s": round(render_wall, 2),
        "supplement_render_only_per_cpu_s": round(render_cpu, 2),
        "raw_weasyprint_one_page_per_s": round(raw_wall, 2),
        "raw_weasyprint_one_page_per_cpu_s": round(raw_cpu, 2),
        "ratio_to_raw": round(full_cpu / raw_cpu, 2),
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


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    setup("track")
    import logging

    logging.disable(logging.INFO)
    from django.db import connection
    from django.test import Client

    from parcours.accounts.enums import Role

    started = time.perf_counter()
    institution, cohort, staff, active = build(COHORT)
    build_s = time.perf_counter() - started
    client = Client()
    client.force_login(staff[Role.PEDAGOGICAL_ENGINEER])
    cohort_url = f"/track/overview/cohorts/{cohort.pk}/"
    cohort_cold = summary(measure(client, cohort_url, cold=True))
    cohort_warm = summary(measure(client, cohort_url))
    filtered = summary(measure(client, cohort_url + "?status=in_progress&page=3", cold=True))
    overview_cold = summary(measure(client, "/track/overview/", cold=True))
    bare = summary(measure(client, "/healthz"))
    supplements = bench_supplements(institution, active)
    result = {
        "database": connection.vendor,
        "cohort_students": COHORT,
        "runs": RUNS,
        "dataset_build_s": round(build_s, 2),
        "note": "p50/p95 are wall-clock; cpu_* is the CPU time of the process (the machine was shared: see "
        "load_average). 'cold' empties the progress cache before each request (every request computes the "
        "whole cohort); 'warm' reuses it while the data fingerprint is unchanged.",
        "cohort_overview_cold": cohort_cold,
        "cohort_overview_warm": cohort_warm,
        "cohort_overview_filtered_page3_cold": filtered,
        "institution_overview_cold": overview_cold,
        "baseline_healthz": bare,
        "diploma_supplements_one_core": supplements,
        "target": {"cohort_overview_p95_ms": 200, "supplements_per_s": 8},
        "machine": machine(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    out = Path(__file__).resolve().parent / "results" / "track.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

"""Review queue with 5,000 requests: queries per page and latency (p50/p95), beside a bare page (/healthz).

Target (issue #4): a bounded number of queries and p95 ≤ 150 ms. Writes bench/results/recognition.json.
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

from djangoenv import machine, setup

N_REQUESTS = 5000
RUNS = 60


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def build() -> object:
    from django.utils import timezone

    from parcours.accounts.enums import Role
    from parcours.accounts.models import Institution, Membership, User
    from parcours.portfolio.models import ReservePeriod, ReservistProfile
    from parcours.recognition.models import RecognitionRequest
    from parcours.reserve.models import ActivityType, Force

    institution = Institution.objects.create(slug="bench", name="École du banc d'essai")
    force = Force.objects.get_or_create(code="armee-de-terre", defaults={"name_fr": "Armée de terre"})[0]
    activity = ActivityType.objects.get_or_create(
        code="pmi", defaults={"kind": "military_preparation", "name_fr": "PMI"}
    )[0]
    engineer = User.objects.create_user("ingenieure@bench.example.org", "x")
    Membership.objects.create(user=engineer, institution=institution, role=Role.PEDAGOGICAL_ENGINEER)
    users = User.objects.bulk_create(
        [
            User(email=f"etudiant{i}@bench.example.org", first_name="Étudiant", last_name=str(i))
            for i in range(N_REQUESTS)
        ]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, institution=institution, role=Role.STUDENT) for u in users]
    )
    profiles = ReservistProfile.objects.bulk_create(
        [ReservistProfile(user=u, institution=institution, force=force, status="active") for u in users]
    )
    start = date(2026, 7, 1)
    periods = ReservePeriod.objects.bulk_create(
        [
            ReservePeriod(
                profile=p,
                activity_type=activity,
                title="PMI",
                start_date=start,
                end_date=start + timedelta(days=11),
                length_days=12,
                days=12,
            )
            for p in profiles
        ]
    )
    now = timezone.now()
    statuses = ["submitted", "under_review", "in_jury", "changes_requested"]
    requests = RecognitionRequest.objects.bulk_create(
        [
            RecognitionRequest(
                holder=u,
                institution=institution,
                title="PMI",
                status=statuses[i % 4],
                submitted_at=now - timedelta(hours=i),
            )
            for i, u in enumerate(users)
        ]
    )
    through = RecognitionRequest.periods.through
    through.objects.bulk_create(
        [
            through(recognitionrequest_id=r.pk, reserveperiod_id=p.pk)
            for r, p in zip(requests, periods, strict=True)
        ]
    )
    return engineer


def measure(client, url: str) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm up
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return timings, len(ctx.captured_queries)


def main() -> None:
    setup("recognition")
    from django.db import connection
    from django.test import Client

    started = time.perf_counter()
    engineer = build()
    build_s = time.perf_counter() - started
    client = Client()
    client.force_login(engineer)
    queue, queue_queries = measure(client, "/recognition/queue/")
    filtered, filtered_queries = measure(
        client, "/recognition/queue/?status=in_jury&force=armee-de-terre&page=3"
    )
    bare, bare_queries = measure(client, "/healthz")
    result = {
        "database": connection.vendor,
        "requests": N_REQUESTS,
        "runs": RUNS,
        "dataset_build_s": round(build_s, 2),
        "queue": {
            "p50_ms": round(statistics.median(queue), 1),
            "p95_ms": round(percentile(queue, 0.95), 1),
            "queries": queue_queries,
        },
        "queue_filtered": {
            "p50_ms": round(statistics.median(filtered), 1),
            "p95_ms": round(percentile(filtered, 0.95), 1),
            "queries": filtered_queries,
        },
        "baseline_healthz": {
            "p50_ms": round(statistics.median(bare), 1),
            "p95_ms": round(percentile(bare, 0.95), 1),
            "queries": bare_queries,
        },
        "target": {"queue_p95_ms": 150},
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    out = Path(__file__).resolve().parent / "results" / "recognition.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

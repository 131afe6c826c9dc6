"""Frameworks: ESCO import (target ≤ 20 s), a 10,000-item CASE package import (≤ 30 s), the query count of a
500-item tree page (bounded), and competency search over ESCO (p95 ≤ 50 ms). Writes
bench/results/frameworks.json.

Wall time depends on what else runs on the machine (the load average is recorded with the figures).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import time
import uuid
from pathlib import Path

from djangoenv import ROOT, machine, setup

ESCO_FILE = Path(
    os.environ.get("PARCOURS_ESCO_FILE", ROOT.parent / "shared" / "data" / "esco" / "skills_fr.csv.gz")
)
TARGETS = {"import_esco_s": 20.0, "case_10000_import_s": 30.0, "esco_search_p95_ms": 50.0}
SEARCH_RUNS = 300


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def case_package(size: int, seed: int = 7) -> dict:
    """A CASE 1.1 package of ``size`` items: 20 blocks → competencies → components, with ESCO links."""
    rng = random.Random(seed)
    base = "https://case.example.org/ims/case/v1p1"
    doc = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    items, associations = [], []
    parents: list[str] = []

    def add(statement: str, code: str, item_type: str, parent: str | None, sequence: int) -> str:
        identifier = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        items.append(
            {
                "identifier": identifier,
                "uri": f"{base}/CFItems/{identifier}",
                "fullStatement": statement,
                "humanCodingScheme": code,
                "CFItemType": item_type,
                "conceptKeywords": [f"mot{rng.randint(1, 500)}", f"clé{rng.randint(1, 500)}"],
                "educationLevel": ["bac+3", "bac+5"],
                "language": "fr",
                "lastChangeDateTime": "2026-01-15T10:00:00+00:00",
            }
        )
        associations.append(
            {
                "identifier": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "uri": f"{base}/CFAssociations/{identifier}-parent",
                "associationType": "isChildOf",
                "originNodeURI": {
                    "title": statement,
                    "identifier": identifier,
                    "uri": f"{base}/CFItems/{identifier}",
                },
                "destinationNodeURI": {
                    "title": "parent",
                    "identifier": parent or doc,
                    "uri": f"{base}/{'CFItems' if parent else 'CFDocuments'}/{parent or doc}",
                },
                "sequenceNumber": sequence,
                "lastChangeDateTime": "2026-01-15T10:00:00+00:00",
            }
        )
        return identifier

    verbs = ["Analyser", "Concevoir", "Piloter", "Évaluer", "Sécuriser", "Organiser", "Communiquer", "Gérer"]
    objects = [
        "un système",
        "les risques",
        "une équipe",
        "un projet",
        "la qualité",
        "une crise",
        "des données",
    ]
    blocks = [
        add(f"Bloc {b} — {rng.choice(verbs)} {rng.choice(objects)}", f"B{b}", "Block", None, b)
        for b in range(1, 21)
    ]
    count = 20
    while count < size:
        for b, block in enumerate(blocks, start=1):
            if count >= size:
                break
            c = len(parents) + 1
            competency = add(
                f"{rng.choice(verbs)} {rng.choice(objects)} ({c})", f"B{b}.C{c}", "Competency", block, c
            )
            parents.append(competency)
            count += 1
            for k in range(1, 9):
                if count >= size:
                    break
                add(
                    f"{rng.choice(verbs)} {rng.choice(objects)} — composante {k}",
                    f"B{b}.C{c}.{k}",
                    "Component",
                    competency,
                    k,
                )
                count += 1
    for index, competency in enumerate(parents[:2000]):
        associations.append(
            {
                "identifier": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "associationType": "exactMatchOf" if index % 2 else "isRelatedTo",
                "originNodeURI": {
                    "title": "o",
                    "identifier": competency,
                    "uri": f"{base}/CFItems/{competency}",
                },
                "destinationNodeURI": {
                    "title": "ESCO",
                    "identifier": f"esco-{index}",
                    "uri": f"http://data.europa.eu/esco/skill/{uuid.UUID(int=rng.getrandbits(128), version=4)}",
                },
                "lastChangeDateTime": "2026-01-15T10:00:00+00:00",
            }
        )
    document = {
        "identifier": doc,
        "uri": f"{base}/CFDocuments/{doc}",
        "creator": "Benchmark",
        "title": "Référentiel de 10 000 éléments",
        "language": "fr",
        "caseVersion": "1.1",
        "lastChangeDateTime": "2026-01-15T10:00:00+00:00",
    }
    return {"CFDocument": document, "CFItems": items, "CFAssociations": associations}


def main() -> None:
    setup("frameworks")
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from parcours.accounts.enums import Role
    from parcours.accounts.models import Institution, Membership, User
    from parcours.frameworks.enums import FrameworkKind
    from parcours.frameworks.interchange import export_case
    from parcours.frameworks.models import Competency, Framework
    from parcours.frameworks.selectors import competency_search
    from parcours.frameworks.services import esco_import, framework_import_file

    results: dict = {"machine": machine(), "targets": TARGETS, "load_average_start": os.getloadavg()}
    institution = Institution.objects.create(slug="bench", name="Bench")

    if ESCO_FILE.is_file():
        raw = ESCO_FILE.read_bytes()
        started = time.perf_counter()
        plan, esco = esco_import(raw=raw, filename=ESCO_FILE.name)
        results["import_esco_s"] = round(time.perf_counter() - started, 2)
        results["esco_skills"] = esco.items.count()
        started = time.perf_counter()
        again, _esco = esco_import(raw=raw, filename=ESCO_FILE.name)
        results["import_esco_again_s"] = round(time.perf_counter() - started, 2)
        results["import_esco_again_changes"] = len(again.added) + len(again.changed) + len(again.removed)
    else:
        results["import_esco_s"] = None
        results["note"] = f"{ESCO_FILE} missing: ESCO figures not measured"

    package = case_package(10_000)
    raw = json.dumps(package, ensure_ascii=False).encode()
    started = time.perf_counter()
    plan, big = framework_import_file(raw=raw, filename="bench-10000.json", institution=institution)
    results["case_10000_import_s"] = round(time.perf_counter() - started, 2)
    results["case_10000_items"] = big.items.count()
    results["case_10000_associations"] = big.associations.count()
    started = time.perf_counter()
    again, _big = framework_import_file(raw=raw, filename="bench-10000.json", institution=institution)
    results["case_10000_reimport_s"] = round(time.perf_counter() - started, 2)
    results["case_10000_reimport_noop"] = again.is_noop
    started = time.perf_counter()
    exported = export_case(big)
    results["case_10000_export_s"] = round(time.perf_counter() - started, 2)
    results["case_10000_round_trip_identical_ids"] = {i["identifier"] for i in exported["CFItems"]} == {
        i["identifier"] for i in package["CFItems"]
    }

    # A 500-item tree: the first 500 items of the big package, as their own framework.
    small = {**package, "CFItems": package["CFItems"][:500]}
    kept = {i["identifier"] for i in small["CFItems"]}
    small["CFAssociations"] = [
        a for a in package["CFAssociations"] if a["originNodeURI"]["identifier"] in kept
    ]
    small["CFDocument"] = {**package["CFDocument"], "identifier": str(uuid.uuid4()), "title": "500"}
    _plan, tree_framework = framework_import_file(
        raw=json.dumps(small).encode(), filename="bench-500.json", institution=institution
    )
    user = User.objects.create_user("bench@example.org", "bench-password-123")
    Membership.objects.create(user=user, institution=institution, role=Role.PEDAGOGICAL_ENGINEER)
    client = Client()
    client.force_login(user)
    url = f"/frameworks/{tree_framework.pk}/"
    client.get(url)  # warm the template cache
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    results["tree_500_items"] = tree_framework.items.count()
    results["tree_500_status"] = response.status_code
    results["tree_500_queries"] = len(captured)
    results["tree_500_render_ms"] = round(elapsed * 1000, 1)

    reference = Framework.objects.filter(kind=FrameworkKind.REFERENCE).first()
    if reference is not None:
        rng = random.Random(11)
        labels = list(Competency.objects.filter(framework=reference).values_list("statement_fr", flat=True))
        queries = []
        for _ in range(SEARCH_RUNS):
            words = [w for w in rng.choice(labels).split() if len(w) > 3] or ["gerer"]
            queries.append(" ".join(rng.sample(words, min(len(words), rng.choice([1, 1, 2])))))
        for accentless in (
            "securite",
            "gerer une equipe",
            "premiers secours",
            "evaluer les risques",
            "crise",
        ):
            queries.append(accentless)
        times, hits = [], []
        for query in queries:
            started = time.perf_counter()
            found = competency_search(framework_ids=[reference.pk], query=query, limit=20)
            times.append((time.perf_counter() - started) * 1000)
            hits.append(len(found))
        results["esco_search_runs"] = len(queries)
        results["esco_search_p50_ms"] = round(statistics.median(times), 2)
        results["esco_search_p95_ms"] = round(percentile(times, 0.95), 2)
        results["esco_search_max_ms"] = round(max(times), 2)
        results["esco_search_with_results"] = sum(1 for n in hits if n)
        results["securite_finds"] = [
            c.statement_fr for c in competency_search(framework_ids=[reference.pk], query="securite", limit=3)
        ]

    results["load_average_end"] = os.getloadavg()
    results["within_targets"] = {
        key: (results.get(key) is not None and results[key] <= target) for key, target in TARGETS.items()
    }
    out = ROOT / "bench" / "results" / "frameworks.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()

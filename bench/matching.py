"""Matching quality and speed on the ESCO dev queries: default engine vs. plain BM25 and TF-IDF.

Each method runs in its own process through the CLI (``python -m parcours.matching evaluate --json``), so
that build time and peak memory are its own, with 5-fold cross-validation (train = queries). Then a
leave-one-ISCO-major-group-out run estimates how the engine does on a domain no example covers (a proxy
for the sealed military and protective-service occupations). Writes bench/results/matching.json and
prints a markdown table. Data directory: $ESCO_DATA_DIR, default ../shared/data/esco next to the repo.

Targets: R-precision >= 0.45, MRR >= 0.75, p95 latency <= 20 ms, build <= 60 s, RSS <= 1 GB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from djangoenv import load_average, machine  # plain helpers; they do not set Django up

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("ESCO_DATA_DIR", ROOT.parent / "shared" / "data" / "esco"))
RESULTS = ROOT / "bench" / "results" / "matching.json"
METHODS = ("default", "bm25", "tfidf")
TARGETS = {"rp": 0.45, "mrr": 0.75, "latency_p95_ms": 20, "build_s": 60, "rss_mb": 1024}


def cli(*args: str) -> dict:
    """Run the matching CLI and return its JSON output."""
    done = subprocess.run(
        [sys.executable, "-m", "parcours.matching", *args, "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"matching CLI failed ({' '.join(args[:1])}): {done.stderr.strip()}")
    return json.loads(done.stdout)


def main() -> int:
    catalogue, queries = DATA / "skills_fr.csv.gz", DATA / "queries_dev.jsonl.gz"
    if not catalogue.is_file() or not queries.is_file():
        print(f"ESCO data not found in {DATA} (set ESCO_DATA_DIR)", file=sys.stderr)
        return 2
    common = ["--catalogue", str(catalogue), "--queries", str(queries)]
    started = time.perf_counter()
    results: dict[str, dict] = {}
    for method in METHODS:
        print(f"evaluating {method} (5-fold cross-validation)…", flush=True)
        results[method] = cli("evaluate", *common, "--train", str(queries), "--method", method)
    print("leave-one-ISCO-major-group-out…", flush=True)
    holdout = cli("holdout", *common, "--level", "1")
    report = {
        "protocol": "ESCO dev queries (2,093 occupations), 5-fold cross-validation, train = queries",
        "methods": results,
        "group_holdout": holdout,
        "targets": TARGETS,
        "machine": {**machine(), "load_average_at_end": load_average()},
        "total_s": round(time.perf_counter() - started, 1),
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(markdown(results, holdout))
    return 0


def markdown(results: dict[str, dict], holdout: dict) -> str:
    """Markdown table of the three methods plus the group hold-out line."""
    keys = [
        "rp",
        "mrr",
        "recall@5",
        "recall@10",
        "recall@20",
        "latency_p50_ms",
        "latency_p95_ms",
        "build_s",
        "rss_mb",
    ]
    lines = ["| method | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    for method, values in results.items():
        lines.append(f"| {method} | " + " | ".join(str(values[k]) for k in keys) + " |")
    groups = ", ".join(f"{g}: {v['rp']}" for g, v in holdout["groups"].items())
    lines.append("")
    lines.append(
        f"Leave-one-ISCO-major-group-out (default): rp {holdout['rp']}, mrr {holdout['mrr']} ({groups})"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())

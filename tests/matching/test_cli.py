"""The command line works without Django settings and reports bad files clearly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[2]
KEYS = {
    "method",
    "n",
    "rp",
    "recall@5",
    "recall@10",
    "recall@20",
    "mrr",
    "latency_p50_ms",
    "latency_p95_ms",
    "build_s",
    "rss_mb",
}


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "-m", "parcours.matching", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_evaluate_json_has_exactly_the_report_keys():
    catalogue, queries = str(DATA / "catalogue.csv"), str(DATA / "queries.jsonl")
    for method in ("default", "bm25", "tfidf"):
        done = run_cli(
            "evaluate",
            "--catalogue",
            catalogue,
            "--queries",
            queries,
            "--train",
            queries,
            "--method",
            method,
            "--json",
        )
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        assert set(report) == KEYS
        assert report["method"] == method and report["n"] == 10
        assert 0 < report["rp"] <= 1 and 0 < report["mrr"] <= 1


def test_evaluate_readable_table():
    queries = str(DATA / "queries.jsonl")
    done = run_cli("evaluate", "--catalogue", str(DATA / "catalogue.csv"), "--queries", queries)
    assert done.returncode == 0, done.stderr
    assert "rp" in done.stdout and "armed_forces" in done.stdout


def test_bad_file_exits_2_with_file_line_and_field(tmp_path):
    bad = tmp_path / "broken.jsonl"
    bad.write_text(
        '{"id": "a", "query": "x", "gold_essential": ["u"]}\n{"id": "b", "gold_essential": ["u"]}\n'
    )
    done = run_cli("evaluate", "--catalogue", str(DATA / "catalogue.csv"), "--queries", str(bad), "--json")
    assert done.returncode == 2
    assert "broken.jsonl, line 2: field 'query'" in done.stderr
    assert done.stdout == ""


def test_suggest_prints_explained_results():
    done = run_cli("suggest", "PSE1 et secourisme", "--catalogue", str(DATA / "catalogue.csv"), "--json")
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert results[0]["item_id"] == "urn:test:skill:first-aid"
    assert results[0]["explanation"]["expansions"]
    empty = run_cli("suggest", "  ", "--catalogue", str(DATA / "catalogue.csv"))
    assert empty.returncode == 2 and "empty" in empty.stderr

"""`manage.py demo --scale national` on PostgreSQL: time to build the national dataset (target ≤ 10 minutes).

Starts a throwaway PostgreSQL (through scripts/with-postgres.sh unless DATABASE_URL already points to an empty
PostgreSQL database), migrates, then times `demo --force --scale national` as a user runs it (demo steps
included), and counts the rows it produced. Writes bench/results/scale.json. BENCH_SCALE picks another
scale (regional, small) for a quick run.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from djangoenv import load_average, machine, rerun_on_postgres

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SCALE = os.environ.get("BENCH_SCALE", "national")
COUNTS = """
from django.apps import apps
import json
models = ["accounts.Institution", "accounts.User", "portfolio.ReservePeriod",
          "recognition.RecognitionRequest", "portfolio.CompetencyClaim"]
print(json.dumps({m: apps.get_model(m).objects.count() for m in models}))
"""


def main() -> int:
    status = rerun_on_postgres(__file__)
    if status is not None:
        return status
    env = {
        **os.environ,
        "VAR_DIR": tempfile.mkdtemp(prefix="parcours-scale-"),
        "DEBUG": "true",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    started, load_before = time.perf_counter(), load_average()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [PY, "manage.py", "demo", "--force", "--scale", SCALE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(done.stdout[-3000:])
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        return 1
    counts = subprocess.run(
        [PY, "manage.py", "shell", "-c", COUNTS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    generation = re.search(r"'seconds': ([\d.]+)", done.stdout)
    result = {
        "scale": SCALE,
        "database": "PostgreSQL (throwaway cluster, fsync off)",
        "wall_s": round(wall, 1),
        "generation_s_reported": float(generation.group(1)) if generation else None,
        "demo_process_cpu_s": round(child.ru_utime + child.ru_stime - before.ru_utime - before.ru_stime, 1),
        "target_s": 600,
        "rows": json.loads(counts.stdout.strip().splitlines()[-1]),
        "machine": {**machine(), "load_average_before": load_before},
        "load_average_after": load_average(),
        "note": "wall_s includes the demo steps; PostgreSQL's own CPU time is not in demo_process_cpu_s.",
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    out = ROOT / "bench" / "results" / "scale.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0 if wall <= result["target_s"] else 1


if __name__ == "__main__":
    sys.exit(main())

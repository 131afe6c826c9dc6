"""Run every benchmark of the project and write their results to bench/results/.

Each ``bench/<name>.py`` is a script that writes ``bench/results/<name>.json``; this runner calls them in
turn (each in its own process, so that one's memory does not weigh on the next) and prints a summary.
Usage: python bench/run.py [name ...]
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
ORDER = [
    "matching",
    "frameworks",
    "recognition",
    "documents",
    "credentials",
    "scheduling",
    "track",
    "partners",
    "scale",
    "load",
]


def main(names: list[str]) -> int:
    RESULTS.mkdir(exist_ok=True)
    names = names or [n for n in ORDER if (HERE / f"{n}.py").exists()]
    failures = []
    for name in names:
        script = HERE / f"{name}.py"
        print(f"=== bench {name} ===", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent, check=False)
        print(f"--- {name}: exit {result.returncode} in {time.perf_counter() - started:.1f} s", flush=True)
        if result.returncode != 0:
            failures.append(name)
    summary = {}
    for path in sorted(RESULTS.glob("*.json")):
        try:
            summary[path.stem] = json.loads(path.read_text())
        except json.JSONDecodeError:
            summary[path.stem] = "unreadable"
    print(json.dumps({name: f"see bench/results/{name}.json" for name in summary}, indent=2))
    if failures:
        print(f"Benchmarks that failed: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

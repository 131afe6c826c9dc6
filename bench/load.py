"""Load test: locust (50 users, mixed journeys of every role) against gunicorn + PostgreSQL on loopback.

Starts a throwaway PostgreSQL (scripts/with-postgres.sh must wrap this script, or DATABASE_URL must point to
an empty PostgreSQL database), loads the demo plus the regional scale dataset, serves with gunicorn
(2 × cores + 1 sync workers, DEBUG off) and runs locust headless for LOAD_SECONDS (default 60). Writes
bench/results/load.json with p50/p95 per page and the ratio to the bare page measured in the same run.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from djangoenv import load_average, rerun_on_postgres

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "90"))
# gunicorn's rule of thumb: 2 × cores + 1 sync workers (requests wait on PostgreSQL part of the time).
WORKERS = int(os.environ.get("LOAD_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))


PUBLIC_PAGES = """
from django.urls import reverse
from parcours.credentials.models import Credential
from parcours.documents.models import Document
for model, name in ((Credential, "credential_verify_detail"), (Document, "document_verify")):
    for public_id in model.objects.order_by("pk").values_list("public_id", flat=True)[:20]:
        print(model._meta.model_name + "=" + reverse(name, kwargs={"public_id": public_id}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> int:
    status = rerun_on_postgres(__file__)
    if status is not None:
        return status
    var = Path(tempfile.mkdtemp(prefix="parcours-load-"))
    env = {
        **os.environ,
        "VAR_DIR": str(var),
        "DEBUG": "false",
        "SECRET_KEY": "load-test-" + os.urandom(16).hex(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "AXES_FAILURE_LIMIT": "1000",
        "CREDENTIALS_KEY_PASSPHRASE": "load-test-" + os.urandom(8).hex(),
        # Every simulated user comes from 127.0.0.1: keep the public rate limiter in the path but let
        # the whole load through (tests/security/test_ratelimit.py checks the limits themselves).
        "RATE_LIMIT_PUBLIC": "1000000/m",
        "RATE_LIMIT_VERIFY": "1000000/m",
    }
    run = lambda *args: subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: E731
    started = time.perf_counter()
    run("migrate", "-v0")
    run("collectstatic", "--no-input", "-v0")
    # The demo creates the issuer key that the deployment checks ask for: skip them for this one command.
    run("demo", "--force", "--skip-checks", "--scale", os.environ.get("LOAD_SCALE", "regional"))
    # What recruiters open: the public pages of the demo's credentials and documents (from their QR codes).
    listed = subprocess.run(
        [PY, "manage.py", "shell", "-v", "0", "-c", PUBLIC_PAGES],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    env["LOAD_PUBLIC_PAGES"] = ",".join(line for line in listed.stdout.split() if "=/" in line)
    setup_s = time.perf_counter() - started
    port = free_port()
    server = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310 - loopback
                break
            except OSError:
                time.sleep(0.5)
        prefix = var / "locust"
        env["LOAD_LOGIN_STATS"] = str(var / "logins.json")
        subprocess.run(
            [
                PY,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "-u",
                str(USERS),
                "-r",
                "10",
                "-t",
                f"{SECONDS}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            check=False,
        )
        with open(f"{prefix}_stats.csv") as stats:
            rows = list(csv.DictReader(stats))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    pages = {}
    for row in rows:
        if row["Name"] == "Aggregated" or not int(row["Request Count"]):
            continue  # the login rows are empty after the reset: reported apart
        pages[f"{row['Type']} {row['Name']}"] = {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "p50_ms": float(row["50%"]),
            "p95_ms": float(row["95%"]),
        }
    total = next(r for r in rows if r["Name"] == "Aggregated")
    logins_path = var / "logins.json"
    logins = json.loads(logins_path.read_text()) if logins_path.exists() else None
    baseline = pages.get("GET BASELINE /healthz", {}).get("p95_ms") or 1
    result = {
        "users": USERS,
        "gunicorn_workers": WORKERS,
        "load_average_at_end": load_average(),
        "seconds": SECONDS,
        "setup_s": round(setup_s, 1),
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "aggregated_p95_ms": float(total["95%"]),
        # The figures above count from the moment every user has logged in (steady state); the logins
        # of the ramp-up, all at once and each an Argon2 hash, are reported apart.
        "logins_during_ramp_up": logins,
        "baseline_p95_ms": baseline,
        "pages": {
            name: {**figures, "p95_ratio_to_baseline": round(figures["p95_ms"] / baseline, 1)}
            for name, figures in pages.items()
        },
        "note": "locust runs on the same 2 cores as gunicorn and PostgreSQL: compare ratios, not absolutes.",
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    out = ROOT / "bench" / "results" / "load.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0 if result["failures"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

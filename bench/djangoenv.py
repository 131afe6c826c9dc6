"""Set up Django for a benchmark script on a scratch database (SQLite under a temp dir, or DATABASE_URL)."""

from __future__ import annotations

import os
import platform
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(tag: str) -> Path:
    scratch = Path(tempfile.mkdtemp(prefix=f"parcours-bench-{tag}-"))
    os.environ.setdefault("DEBUG", "true")
    os.environ["VAR_DIR"] = str(scratch)
    if "BENCH_DATABASE_URL" in os.environ:
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return scratch


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
    }


def load_average() -> list[float] | None:
    """The machine's 1, 5 and 15 minute load averages (other processes share the cores), if known."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def rerun_on_postgres(script: str) -> int | None:
    """Run ``script`` again inside a throwaway PostgreSQL cluster (scripts/with-postgres.sh sets
    DATABASE_URL) and return its exit status; None when DATABASE_URL already points to PostgreSQL."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return None
    import subprocess

    return subprocess.call([str(ROOT / "scripts" / "with-postgres.sh"), sys.executable, script])

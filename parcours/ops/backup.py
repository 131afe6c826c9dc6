"""Backup and restore of the database (Django serialisation, any backend) and of the stored files.

The archive is a tar.gz with ``manifest.json`` (row counts per model, SHA-256 of every file),
``data.json`` (``dumpdata`` of every model except caches and sessions) and ``media/``.
For very large PostgreSQL databases, `pg_dump` of the database plus a copy of MEDIA_ROOT is the faster
alternative; this command is the portable one that the tests check end to end.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "django_tasks_database", "axes"]


def row_counts() -> dict[str, int]:
    counts = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if any(label == e or label.startswith(e + ".") for e in EXCLUDED):
            continue
        counts[label] = model._default_manager.count()
    return counts


def file_hashes(root: Path) -> dict[str, str]:
    hashes = {}
    if root.exists():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            hashes[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def backup(out: Path) -> dict:
    media = Path(settings.MEDIA_ROOT)
    data = io.StringIO()
    with transaction.atomic():  # one consistent snapshot of the database
        call_command("dumpdata", exclude=EXCLUDED, natural_foreign=False, stdout=data, verbosity=0)
        manifest = {"database": connection.vendor, "counts": row_counts(), "files": file_hashes(media)}
    out.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(out, "w:gz") as archive:
        for name, content in (
            ("manifest.json", json.dumps(manifest, indent=2)),
            ("data.json", data.getvalue()),
        ):
            raw = content.encode()
            info = tarfile.TarInfo(name)
            info.size = len(raw)
            archive.addfile(info, io.BytesIO(raw))
        if media.exists():
            archive.add(media, arcname="media")
    return manifest


class RestoreError(RuntimeError):
    pass


def restore(archive_path: Path, *, force: bool = False) -> dict:
    if not archive_path.exists():
        raise RestoreError(f"{archive_path}: no such file.")
    call_command("migrate", verbosity=0, interactive=False)
    non_empty = {label: n for label, n in row_counts().items() if n and not label.startswith("dsfr.")}
    if non_empty and not force:
        raise RestoreError(
            f"The database is not empty ({', '.join(sorted(non_empty)[:5])}…): restore into an empty database, "
            "or pass --force to wipe it first."
        )
    with tempfile.TemporaryDirectory() as tmp:
        try:
            with tarfile.open(archive_path, "r:gz") as archive:
                archive.extractall(tmp, filter="data")
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise RestoreError(f"{archive_path}: not a readable backup ({exc}).") from exc
        root = Path(tmp)
        if not (root / "manifest.json").exists() or not (root / "data.json").exists():
            raise RestoreError(f"{archive_path}: manifest.json or data.json is missing.")
        manifest = json.loads((root / "manifest.json").read_text())
        with transaction.atomic():
            if force:
                call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(root / "data.json"), verbosity=0)
        media = Path(settings.MEDIA_ROOT)
        if (root / "media").exists():
            for path in (root / "media").rglob("*"):
                if path.is_file():
                    target = media / path.relative_to(root / "media")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(path.read_bytes())
    restored = {"counts": row_counts(), "files": file_hashes(Path(settings.MEDIA_ROOT))}
    differences = [k for k, v in manifest["counts"].items() if restored["counts"].get(k) != v]
    missing = [k for k, v in manifest["files"].items() if restored["files"].get(k) != v]
    if differences or missing:
        raise RestoreError(f"Restore incomplete: rows differ for {differences}, files differ for {missing}.")
    return manifest

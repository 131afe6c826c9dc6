from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from parcours.ops.backup import backup


class Command(BaseCommand):
    help = "Back up the database and the stored files into one tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument("--out", help="archive path (default: var/backups/parcours-<date>.tar.gz)")

    def handle(self, *args, out: str | None, **options):
        from django.conf import settings

        path = (
            Path(out)
            if out
            else Path(settings.VAR_DIR) / "backups" / f"parcours-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"
        )
        manifest = backup(path)
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(f"Backup written to {path}: {rows} rows, {len(manifest['files'])} files.")
        )

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcours.ops.backup import RestoreError, restore


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database (checks row counts and file hashes)."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--force", action="store_true", help="wipe a non-empty database first")

    def handle(self, *args, archive: str, force: bool, **options):
        try:
            manifest = restore(Path(archive), force=force)
        except RestoreError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {rows} rows and {len(manifest['files'])} files; counts and hashes match."
            )
        )

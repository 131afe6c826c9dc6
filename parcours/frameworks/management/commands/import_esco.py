import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcours.frameworks.interchange import FrameworkImportError
from parcours.frameworks.services import esco_import


class Command(BaseCommand):
    help = (
        "Load the ESCO skills file (skills_fr.csv[.gz]) as the reference framework; a second run updates it."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{path}: no such file")
        started = time.perf_counter()
        try:
            plan, framework = esco_import(raw=file.read_bytes(), filename=file.name)
        except FrameworkImportError as exc:
            raise CommandError(f"Nothing was imported.\n{exc.message}") from None
        self.stdout.write(
            f"ESCO: {len(plan.data.items)} skills read; {len(plan.added)} added, {len(plan.changed)} updated, "
            f"{len(plan.removed)} removed, {plan.unchanged} unchanged ({time.perf_counter() - started:.1f} s)."
        )
        self.stdout.write(self.style.SUCCESS(f"Framework id: {framework.pk} — {framework.title_fr}"))

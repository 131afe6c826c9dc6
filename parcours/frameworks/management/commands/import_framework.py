from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcours.accounts.models import Institution
from parcours.frameworks.interchange import FrameworkImportError
from parcours.frameworks.models import Framework
from parcours.frameworks.services import framework_import_file


class Command(BaseCommand):
    help = (
        "Import a competency framework (CSV, XLSX or CASE JSON) into an institution. Re-importing the same file "
        "changes nothing; a file with errors writes nothing and the command exits with status 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--institution", required=True, help="slug of the institution")
        parser.add_argument(
            "--format", choices=["csv", "xlsx", "case"], help="guessed from the file when omitted"
        )
        parser.add_argument(
            "--framework", type=int, help="id of the framework to update (default: found by source)"
        )
        parser.add_argument("--title", default="", help="title of a new framework (CSV/XLSX)")
        parser.add_argument(
            "--academic-year", type=int, help="first calendar year of the academic year, e.g. 2026"
        )
        parser.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")

    def handle(self, *args, path, institution, format, framework, title, academic_year, dry_run, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            target_institution = Institution.objects.get(slug=institution)
        except Institution.DoesNotExist:
            raise CommandError(f"Unknown institution “{institution}”") from None
        target = None
        if framework is not None:
            target = Framework.objects.filter(pk=framework, institution=target_institution).first()
            if target is None:
                raise CommandError(f"No framework {framework} in institution “{institution}”")
        try:
            plan, result = framework_import_file(
                raw=file.read_bytes(),
                filename=file.name,
                institution=target_institution,
                file_format=format,
                framework=target,
                title=title,
                academic_year=academic_year,
                dry_run=dry_run,
            )
        except FrameworkImportError as exc:
            raise CommandError(f"Nothing was imported.\n{exc.message}") from None
        summary = plan.summary()
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            f"{verb} {file.name} ({summary['format']}): {summary['items_total']} items "
            f"({summary['added']} added, {summary['changed']} changed, {summary['removed']} removed, "
            f"{summary['unchanged']} unchanged), {summary['associations_total']} associations "
            f"({summary['associations_added']} added, {summary['associations_changed']} changed, "
            f"{summary['associations_removed']} removed)"
            + (f", {summary['levels_total']} levels" if summary["levels_total"] is not None else "")
            + "."
        )
        if plan.is_noop:
            self.stdout.write("Nothing to change: the framework already matches the file.")
        if result is not None:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Framework id: {result.pk} — {result.title_fr} (version {result.version})"
                )
            )

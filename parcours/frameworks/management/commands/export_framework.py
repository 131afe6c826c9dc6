from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcours.frameworks.interchange import EXPORTERS
from parcours.frameworks.models import Framework


class Command(BaseCommand):
    help = "Export a framework as CASE 1.1 JSON, CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("framework_id", type=int)
        parser.add_argument("--format", choices=sorted(EXPORTERS), required=True)
        parser.add_argument("--out", required=True, help="file to write ('-' for standard output)")

    def handle(self, *args, framework_id, format, out, **options):
        framework = Framework.objects.select_related("institution").filter(pk=framework_id).first()
        if framework is None:
            raise CommandError(f"No framework with id {framework_id}")
        exporter, _content_type, _extension = EXPORTERS[format]
        content = exporter(framework)
        if out == "-":
            self.stdout.write(
                content.decode("utf-8") if format != "xlsx" else "(binary XLSX: use --out PATH)"
            )
            return
        try:
            Path(out).write_bytes(content)
        except OSError as exc:
            raise CommandError(f"{out}: {exc.strerror}") from None
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {out} ({len(content)} bytes, {framework.items.count()} items)")
        )

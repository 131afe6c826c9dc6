"""The yearly report to the Garde nationale: python manage.py partner_report --year 2026 --format pdf --out r.pdf"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parcours.accounts.models import Institution
from parcours.partners.exports import FORMATS, yearly_report
from parcours.partners.statistics import Scope


class Command(BaseCommand):
    help = (
        "Write the yearly partnership report (small groups suppressed) for all institutions or one, "
        "as CSV, XLSX or PDF."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="calendar year, e.g. 2026")
        parser.add_argument(
            "--institution", default="", help="short name (slug) of one institution; all if omitted"
        )
        parser.add_argument(
            "--format", dest="fmt", required=True, choices=sorted(FORMATS), help="output format"
        )
        parser.add_argument("--out", required=True, help="file to write")
        parser.add_argument(
            "--language", default=settings.LANGUAGE_CODE, choices=[code for code, _name in settings.LANGUAGES]
        )
        parser.add_argument(
            "--fresh",
            action="store_true",
            help="compute the figures now instead of reading the statistics snapshot the dashboards show",
        )

    def handle(
        self, *args, year: int, institution: str, fmt: str, out: str, language: str, fresh: bool, **options
    ):
        this_year = timezone.localdate().year
        if not 2000 <= year <= this_year:
            raise CommandError(f"--year {year}: give a calendar year between 2000 and {this_year}.")
        if institution:
            found = Institution.objects.filter(slug=institution).first()
            if found is None:
                known = (
                    ", ".join(Institution.objects.order_by("slug").values_list("slug", flat=True)) or "none"
                )
                raise CommandError(
                    f"--institution {institution}: no institution has this short name (known: {known})."
                )
            institutions = [found]
        else:
            institutions = list(Institution.objects.all())
            if not institutions:
                raise CommandError("There is no institution in the database: nothing to report on.")
        path = Path(out)
        if not path.parent.is_dir():
            raise CommandError(f"--out {out}: the folder {path.parent} does not exist.")
        report = yearly_report(year, Scope.of(institutions), language, fresh=fresh)
        content = FORMATS[fmt].render(report)
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"--out {out}: cannot write the file ({exc.strerror}).") from exc
        note = " (no data for this year: the report says so)" if report.is_empty else ""
        self.stdout.write(f"Wrote {path} ({len(content)} bytes, {fmt}){note}.")

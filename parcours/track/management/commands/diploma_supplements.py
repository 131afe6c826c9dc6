"""Generate the diploma supplements of a cohort: one PDF per student in --out, a progress bar, a summary.

A student who cannot get a supplement (no signed recognition decision, a rendering error…) is reported
and the others are generated; the command then exits with a non-zero status.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcours.accounts.models import Cohort, Institution


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")[:80] or "x"


class Command(BaseCommand):
    help = "Generate the bilingual diploma supplements of a cohort and write one PDF per student."

    def add_arguments(self, parser):
        parser.add_argument("--institution", required=True, help="short name (slug) of the institution")
        parser.add_argument("--cohort", required=True, help="code of the cohort, e.g. ING3-2026")
        parser.add_argument(
            "--out", required=True, help="directory where the PDFs are written (created if needed)"
        )

    def handle(self, *args, institution: str, cohort: str, out: str, **options):
        from parcours.documents.models import Document
        from parcours.track.models import SupplementBatch
        from parcours.track.selectors import current_supplement
        from parcours.track.services import supplement_batch_run

        school = Institution.objects.filter(slug=institution).first()
        if school is None:
            raise CommandError(
                f"No institution “{institution}” (known: {', '.join(Institution.objects.values_list('slug', flat=True)) or 'none'})."
            )
        group = (
            Cohort.objects.filter(programme__institution=school, code=cohort)
            .select_related("programme")
            .first()
        )
        if group is None:
            known = ", ".join(
                Cohort.objects.filter(programme__institution=school).values_list("code", flat=True)
            )
            raise CommandError(f"No cohort “{cohort}” in {school.slug} (known: {known or 'none'}).")
        directory = Path(out)
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"--out {out}: cannot create the directory ({exc.strerror}).") from None

        batch = SupplementBatch.objects.create(institution=school, cohort=group)
        interactive = getattr(self.stdout, "isatty", lambda: False)()
        written: list[Path] = []

        def progress(batch, student, outcome):
            done = batch.generated + batch.unchanged + batch.failed
            width = 30
            filled = int(width * done / batch.total) if batch.total else width
            bar = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{batch.total} {outcome:<9} {student}"
            if interactive:
                self.stdout.write("\r" + bar[:110].ljust(110), ending="")
                self.stdout.flush()
            else:
                self.stdout.write(bar)
            if outcome != "failed":
                supplement = current_supplement(student, school)
                document = (
                    Document.objects.filter(public_id=supplement.document_public_id).first()
                    if supplement
                    else None
                )
                if document is not None:
                    target = (
                        directory
                        / f"{_safe(supplement.reference)}-{_safe(student.last_name)}-{_safe(student.first_name)}.pdf"
                    )
                    with document.file.open("rb") as source:
                        target.write_bytes(source.read())
                    written.append(target)

        self.stdout.write(f"Diploma supplements for {group.label} ({group.code}), {school.name}")
        batch = supplement_batch_run(batch.pk, progress=progress)
        if interactive:
            self.stdout.write("")
        self.stdout.write(
            f"Done: {batch.total} students — generated: {batch.generated}, unchanged: {batch.unchanged}, "
            f"failed: {batch.failed}. {len(written)} PDF file(s) in {directory}."
        )
        for failure in batch.failures:
            self.stdout.write(f"  FAILED {failure['student']} <{failure['email']}>: {failure['reason']}")
        if batch.failed:
            raise CommandError(f"{batch.failed} supplement(s) could not be generated (listed above).")
        if not batch.total:
            sys.stderr.write("The cohort has no student.\n")

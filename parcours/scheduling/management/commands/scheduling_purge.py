"""Delete scheduling data past its retention period (see the models' docstrings)."""

from datetime import date, datetime, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from parcours.accounts.models import Membership
from parcours.scheduling.models import CalendarFeedToken, CalendarImport, CallUp, StudyArrangement


class Command(BaseCommand):
    help = (
        "Delete call-ups (and their absence requests) that ended before the previous calendar year, the "
        "arrangements of students who left more than a year ago, imports and revoked feed secrets older than a year."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, dry_run: bool, **options):
        today = timezone.localdate()
        zone = timezone.get_current_timezone()
        cutoff = datetime(today.year - 1, 1, 1, tzinfo=zone)
        year_ago = timezone.now() - timedelta(days=365)
        still_student = Membership.objects.active().filter(
            user=OuterRef("student"), institution=OuterRef("institution")
        )
        arrangements = StudyArrangement.objects.filter(updated_at__lt=year_ago).exclude(Exists(still_student))
        call_ups = CallUp.objects.filter(ends_at__lt=cutoff).exclude(
            Exists(StudyArrangement.objects.filter(call_up=OuterRef("pk")).exclude(pk__in=arrangements))
        )
        imports = CalendarImport.objects.filter(started_at__lt=year_ago)
        tokens = CalendarFeedToken.objects.filter(revoked_at__lt=year_ago)
        counts = {
            "arrangements": arrangements.count(),
            "call-ups": call_ups.count(),
            "imports": imports.count(),
            "feed secrets": tokens.count(),
        }
        if not dry_run:
            with transaction.atomic():
                arrangements.delete()
                call_ups.delete()
                imports.delete()
                tokens.delete()
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(
            f"Purge ({date.isoformat(today)}): {verb} " + ", ".join(f"{v} {k}" for k, v in counts.items())
        )

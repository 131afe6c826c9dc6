"""Recompute the protected statistics the partnership dashboards read."""

from django.core.management.base import BaseCommand

from parcours.partners.models import StatisticsSnapshot
from parcours.partners.tasks import refresh_statistics


class Command(BaseCommand):
    help = "Recompute the statistics snapshot (small groups suppressed) read by the partnership dashboards."

    def handle(self, *args, **options):
        snapshot = StatisticsSnapshot.objects.get(pk=refresh_statistics.call())
        self.stdout.write(
            f"Snapshot {snapshot.pk}: years {snapshot.years[0]}–{snapshot.years[-1]}, "
            f"threshold {snapshot.threshold}, {snapshot.rows.count()} rows, {snapshot.duration_ms} ms."
        )

"""Apply the retention periods of the partnership data (run it daily, e.g. from cron)."""

import json

from django.core.management.base import BaseCommand

from parcours.partners.tasks import purge_partners


class Command(BaseCommand):
    help = (
        "Expire consents that reached their end, delete never-confirmed interest declarations and, after the "
        "retention period, withdrawn or expired ones. Prints what was done."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="hand it to the task worker instead of running it now"
        )

    def handle(self, *args, enqueue: bool, **options):
        if enqueue:
            result = purge_partners.enqueue()
            self.stdout.write(f"Purge enqueued (task {result.id}).")
            return
        report = purge_partners.call()
        self.stdout.write(json.dumps(report, sort_keys=True))

"""Queue the refresh of every subscribed calendar (run it from cron, e.g. every hour)."""

from django.core.management.base import BaseCommand

from parcours.scheduling.models import CalendarGroup
from parcours.scheduling.tasks import calendar_subscription_refresh


class Command(BaseCommand):
    help = "Queue a background refresh of the calendar groups that have a subscription URL."

    def add_arguments(self, parser):
        parser.add_argument("--institution", help="only this institution (slug)")

    def handle(self, *args, institution=None, **options):
        groups = CalendarGroup.objects.filter(is_active=True).exclude(subscription_url="")
        if institution:
            groups = groups.filter(institution__slug=institution)
        count = 0
        for group_id in groups.values_list("pk", flat=True):
            calendar_subscription_refresh.enqueue(group_id)
            count += 1
        self.stdout.write(f"{count} calendar refresh(es) queued.")

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone


class Command(BaseCommand):
    help = (
        "Put back in the queue the tasks left RUNNING by a worker that died (killed, machine lost). "
        "Safe because every task of the platform is idempotent (keyed by its source)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than", type=int, default=15, help="minutes since the task started (default 15)"
        )

    def handle(self, *args, older_than: int, **options):
        from django.tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        stale = DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING, started_at__lt=timezone.now() - timedelta(minutes=older_than)
        )
        count = stale.update(status=TaskResultStatus.READY, started_at=None)
        self.stdout.write(f"{count} interrupted task(s) queued again.")

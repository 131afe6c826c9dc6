from django.core.management.base import BaseCommand, CommandError

from parcours.audit.services import audit_verify


class Command(BaseCommand):
    help = "Audit trail tools. `audit verify` checks that no event was edited or deleted."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        report = audit_verify()
        if not report.ok:
            raise CommandError(f"Audit chain broken at event {report.broken_at}: {report.reason}.")
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} events verified."))

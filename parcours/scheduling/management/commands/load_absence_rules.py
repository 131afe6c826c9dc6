"""Load the dated legal rules on staff reserve absences from the versioned data file."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from parcours.scheduling.services import ABSENCE_RULES_FILE, absence_rules_load


class Command(BaseCommand):
    help = "Load (create or update) the absence rules from parcours/scheduling/data/absence_rules.json."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", default=str(ABSENCE_RULES_FILE), help="another rules file (same format)"
        )

    def handle(self, *args, file: str, **options):
        try:
            result = absence_rules_load(path=file)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"Absence rules version {result['version']}: {result['created']} created, {result['updated']} updated."
        )

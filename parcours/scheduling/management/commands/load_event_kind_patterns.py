"""Load the default patterns that give a kind (exam, mandatory session) to timetable events."""

from django.core.management.base import BaseCommand

from parcours.scheduling.kinds import DEFAULT_PATTERNS_FILE
from parcours.scheduling.services import event_kind_patterns_load


class Command(BaseCommand):
    help = "Replace the default event kind patterns by those of parcours/scheduling/data/event_kind_patterns.json."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DEFAULT_PATTERNS_FILE))

    def handle(self, *args, file: str, **options):
        count = event_kind_patterns_load(path=file)
        self.stdout.write(f"{count} default pattern(s) loaded.")

from django.core.management.base import BaseCommand, CommandError

from parcours.reserve.catalogue import CatalogueError, load_catalogue


class Command(BaseCommand):
    help = "Load or refresh the reserve catalogue (forces, activity types, publication deadline) from reserve/data/."

    def handle(self, *args, **options):
        try:
            report = load_catalogue()
        except CatalogueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Reserve catalogue: {report.forces} forces, {report.activity_types} activity types, "
                f"{report.deadlines} publication deadline(s); {report.created} created."
            )
        )

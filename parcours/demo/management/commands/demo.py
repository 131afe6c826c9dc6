from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from parcours.demo import accounts
from parcours.demo import credentials as credentials_demo
from parcours.demo import frameworks as frameworks_demo
from parcours.demo import partners as partners_demo
from parcours.demo import recognition as recognition_demo
from parcours.demo import scheduling as scheduling_demo
from parcours.demo import security as security_demo
from parcours.demo import track as track_demo

#: Demo steps, in order. Each domain adds its own module with a ``build(stdout)`` function.
STEPS = [
    accounts,
    frameworks_demo,
    credentials_demo,
    recognition_demo,
    scheduling_demo,
    track_demo,
    partners_demo,
    security_demo,
]


class Command(BaseCommand):
    help = "Create (or refresh) the demo institutions, accounts and content. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="wipe the database and recreate the demo")
        parser.add_argument("--force", action="store_true", help="allow running with DEBUG off")
        parser.add_argument(
            "--scale",
            choices=["national", "regional", "small"],
            help="add a generated dataset for load tests (national: 300 institutions, 60,000 reservists…)",
        )

    def handle(self, *args, reset: bool, force: bool, scale: str | None = None, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo data with DEBUG off (this looks like production). Use --force if you mean it."
            )
        if reset:
            from django.core.management import call_command

            call_command("flush", interactive=False, verbosity=0)
            self.stdout.write("Database wiped.")
        # The demo's own notifications are recorded in-app; their e-mails are not printed to the console.
        quiet = override_settings(
            MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
        )
        with quiet, transaction.atomic():
            for step in STEPS:
                step.build(self.stdout)
        if scale:
            from parcours.demo.scale import build_scale

            self.stdout.write(f"Generating the {scale} dataset…")
            figures = build_scale(scale, self.stdout)
            if figures:
                self.stdout.write(self.style.SUCCESS(f"Scale dataset ready: {figures}"))
        self.print_accounts()

    def print_accounts(self) -> None:
        password = settings.PARCOURS["DEMO_PASSWORD"]
        self.stdout.write(self.style.SUCCESS(f"Demo ready. Accounts (password for all: {password}):"))
        width = max(len(a.email) for a in accounts.ACCOUNTS)
        for account in accounts.ACCOUNTS:
            self.stdout.write(f"  {account.email.ljust(width)}  {account.description}")

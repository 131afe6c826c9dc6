from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parcours.accounts.models import User
from parcours.privacy.register import register_markdown
from parcours.privacy.services import personal_data_erase, personal_data_export, retention_enforce


class Command(BaseCommand):
    help = "Privacy tools: register (of processing), retention, export EMAIL --out ZIP, erase EMAIL."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["register", "retention", "export", "erase"])
        parser.add_argument("email", nargs="?")
        parser.add_argument("--out")

    def handle(self, *args, action: str, email: str | None, out: str | None, **options):
        if action == "register":
            text = register_markdown()
            if out:
                Path(out).write_text(text)
                self.stdout.write(f"Register written to {out}.")
            else:
                self.stdout.write(text)
            return
        if action == "retention":
            for name, count in retention_enforce().items():
                self.stdout.write(f"{name}: {count} deleted")
            return
        if not email:
            raise CommandError(f"`privacy {action}` needs the person's e-mail address.")
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No account uses {email}.")
        if action == "export":
            if not out:
                raise CommandError("Give --out PATH for the zip file.")
            Path(out).write_bytes(personal_data_export(user=user))
            self.stdout.write(f"Data of {email} written to {out}.")
        else:
            personal_data_erase(user=user, actor=None)
            self.stdout.write(f"Account {email} erased (academic decisions kept, pseudonymised).")

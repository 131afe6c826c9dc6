"""`manage.py credentials <subcommand>`: issuer keys, listing, export, revocation, suspension."""

from __future__ import annotations

import json
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from parcours.accounts.models import Institution
from parcours.credentials.issuers import IssuerError, issuer_init, issuer_rotate_key
from parcours.credentials.keys import KeyUnavailable
from parcours.credentials.models import Credential
from parcours.credentials.services import (
    TransitionNotAllowed,
    credential_reinstate,
    credential_revoke,
    credential_suspend,
)


class Command(BaseCommand):
    help = "Verifiable credentials: init-issuer, rotate-key, list, export, revoke, suspend, reinstate."
    # The issuer-key check must not stop the command that creates the key.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        init = sub.add_parser("init-issuer", help="create the issuer profile and its first Ed25519 key")
        init.add_argument("--institution", help="institution slug (optional when there is only one)")
        init.add_argument(
            "--name", default="", help="issuer name shown in credentials (default: institution)"
        )
        init.add_argument("--url", default="", help="issuer web site (default: institution web site)")
        init.add_argument("--image-url", default="", help="issuer logo URL")
        init.add_argument("--email", default="", help="issuer contact e-mail")
        rotate = sub.add_parser("rotate-key", help="retire the active key and create a new one")
        rotate.add_argument("--institution")
        listing = sub.add_parser("list", help="list issued credentials")
        listing.add_argument("--json", action="store_true", help="one JSON array on stdout")
        listing.add_argument("--institution")
        export = sub.add_parser("export", help="print a credential")
        export.add_argument("id", help="credential id (UUID)")
        export.add_argument("--format", choices=["jwt", "json"], default="jwt")
        for name, text in (("revoke", "revoke a credential"), ("suspend", "suspend a credential")):
            change = sub.add_parser(name, help=text)
            change.add_argument("id")
            change.add_argument("--reason", required=True)
        reinstate = sub.add_parser("reinstate", help="lift a suspension")
        reinstate.add_argument("id")
        reinstate.add_argument("--reason", default="")

    def handle(self, *args, subcommand: str, **options):
        handler = getattr(self, "do_" + subcommand.replace("-", "_"))
        try:
            handler(**options)
        except (IssuerError, KeyUnavailable, TransitionNotAllowed, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:
            raise CommandError(f"Database error: {exc}. Did you run `manage.py migrate`?") from exc

    # ── helpers ──────────────────────────────────────────────────────────────

    def _institution(self, slug: str | None) -> Institution:
        if slug:
            institution = Institution.objects.filter(slug=slug).first()
            if institution is None:
                raise CommandError(f"No institution with the slug {slug!r}.")
            return institution
        institutions = list(Institution.objects.all()[:2])
        if len(institutions) != 1:
            raise CommandError("Several institutions (or none) exist: name one with --institution SLUG.")
        return institutions[0]

    def _credential(self, identifier: str) -> Credential:
        try:
            public_id = uuid.UUID(identifier.removeprefix("urn:uuid:"))
        except ValueError:
            raise CommandError(
                f"{identifier!r} is not a credential id (a UUID, as shown by `credentials list`)."
            ) from None
        credential = (
            Credential.objects.select_related("holder", "institution").filter(public_id=public_id).first()
        )
        if credential is None:
            raise CommandError(f"No credential {public_id}.")
        return credential

    # ── subcommands ──────────────────────────────────────────────────────────

    def do_init_issuer(self, *, institution, name, url, image_url, email, **options):
        profile = issuer_init(
            institution=self._institution(institution), name=name, url=url, image_url=image_url, email=email
        )
        key = profile.keys.active().get()
        self.stdout.write(
            self.style.SUCCESS(f"Issuer ready for {profile.institution.slug}: {key.issuer_did}")
        )
        self.stdout.write(f"  key id: {key.kid}")
        if profile.web_did:
            self.stdout.write(f"  DID document served at {profile.did_document_path}")
        else:
            self.stdout.write(
                "  did:key (the site URL is not HTTPS): the identifier changes when the key rotates."
            )

    def do_rotate_key(self, *, institution, **options):
        key = issuer_rotate_key(institution=self._institution(institution))
        self.stdout.write(self.style.SUCCESS(f"New active key: {key.kid}"))

    def do_list(self, *, json: bool, institution, **options):
        credentials = Credential.objects.select_related("holder", "institution").order_by("issued_at", "id")
        if institution:
            credentials = credentials.filter(institution=self._institution(institution))
        rows = [
            {
                "id": str(c.public_id),
                "holder": c.holder.email,
                "institution": c.institution.slug,
                "kind": c.achievement_kind,
                "achievement": c.name,
                "status": c.status,
                "reason": c.status_reason,
                "issued_at": c.issued_at.isoformat(),
                "current": c.is_current,
                "source": f"{c.source_type}:{c.source_id}",
            }
            for c in credentials
        ]
        if json:
            self.stdout.write(_json_dumps(rows))
            return
        if not rows:
            self.stdout.write("No credential issued yet.")
            return
        for row in rows:
            flag = "" if row["current"] else " (replaced)"
            self.stdout.write(
                f"{row['id']}  {row['status']:<9} {row['issued_at'][:10]}  {row['holder']}  {row['achievement']}{flag}"
            )

    def do_export(self, *, id, format, **options):
        credential = self._credential(id)
        if format == "jwt":
            self.stdout.write(credential.token)
        else:
            self.stdout.write(_json_dumps(credential.readable_document()))

    def do_revoke(self, *, id, reason, **options):
        credential = credential_revoke(credential=self._credential(id), reason=reason)
        self.stdout.write(self.style.SUCCESS(f"Revoked {credential.public_id}: {reason}"))

    def do_suspend(self, *, id, reason, **options):
        credential = credential_suspend(credential=self._credential(id), reason=reason)
        self.stdout.write(self.style.SUCCESS(f"Suspended {credential.public_id}: {reason}"))

    def do_reinstate(self, *, id, reason, **options):
        credential = credential_reinstate(credential=self._credential(id), reason=reason)
        self.stdout.write(self.style.SUCCESS(f"Reinstated {credential.public_id}"))


def _json_dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)

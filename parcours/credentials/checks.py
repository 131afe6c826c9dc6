"""System checks: a production process does not start without a usable issuer key.

Run by every management command that checks the project (``runserver``, ``check --deploy``, ``migrate``…);
run ``python manage.py check --deploy`` before starting the WSGI server. Skipped until the credentials
tables exist (a fresh database is migrated first) and in debug or test processes
(``CREDENTIALS_REQUIRE_ISSUER_KEY``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register
from django.db import DatabaseError, connection


@register("credentials")
def data_integrity_check(app_configs=None, **kwargs):
    if not settings.CREDENTIALS.get("DATA_INTEGRITY"):
        return []
    try:
        import pyld  # noqa: F401
    except ImportError:
        return [
            Error(
                "CREDENTIALS_DATA_INTEGRITY is on but pyld is not installed: credentials cannot be issued.",
                hint="Install openbadgeslib[ldp], or set CREDENTIALS_DATA_INTEGRITY=false.",
                id="credentials.E003",
            )
        ]
    return []


@register("credentials")
def issuer_key_check(app_configs=None, **kwargs):
    if not settings.CREDENTIALS.get("REQUIRE_ISSUER_KEY"):
        return []
    from .keys import KeyUnavailable, decrypt_private_key
    from .models import IssuerKey

    try:
        if IssuerKey._meta.db_table not in connection.introspection.table_names():
            return []
        active = list(IssuerKey.objects.active().select_related("profile__institution"))
    except DatabaseError:
        return []
    if not active:
        return [
            Error(
                "No issuer key: credentials cannot be issued or their status lists signed.",
                hint="Run `python manage.py credentials init-issuer --institution <slug>` (it needs "
                "CREDENTIALS_KEY_PASSPHRASE), then start the server.",
                id="credentials.E001",
            )
        ]
    errors = []
    for key in active:
        try:
            decrypt_private_key(key.encrypted_private_key, key.kid)
        except KeyUnavailable as exc:
            errors.append(
                Error(
                    f"The issuer key of {key.profile.institution.slug} is unusable: {exc}",
                    hint="Set CREDENTIALS_KEY_PASSPHRASE (or CREDENTIALS_KEY_PASSPHRASE_FILE) to the passphrase "
                    "the key was created with.",
                    id="credentials.E002",
                )
            )
    return errors

"""Writes of the security app: roles granted by single sign-on, personal access tokens, second factor.

Each service runs in one transaction and records an audit event with a stable action code.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from parcours.accounts.models import Membership
from parcours.accounts.permissions import clear_cache
from parcours.audit.services import audit_record

from .models import AccessToken, IdentityProvider
from .sso import MappedIdentity

TOKEN_SCHEME = "prt"  # noqa: S105  (the public prefix of every token, not a secret)
_TOKEN_RE = re.compile(r"^prt_([0-9a-f]{10})_([A-Za-z0-9_-]{43})$")


class SecurityError(Exception):
    """A refusal to show the user; ``field`` names the form field concerned, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _conf(key: str, default):
    return getattr(settings, "SECURITY", {}).get(key, default)


# --- Single sign-on ---------------------------------------------------------------------------------


def sso_roles_grant(*, user, provider: IdentityProvider, identity: MappedIdentity) -> list[Membership]:
    """Give ``user`` the roles ``identity`` maps to; never remove one (people remove roles, not SSO).

    A membership that exists but was deactivated is left as it is: someone deactivated it on purpose.
    """
    created: list[Membership] = []
    with transaction.atomic():
        for institution, role in identity.grants:
            membership, was_created = Membership.objects.get_or_create(
                user=user, institution=institution, role=role
            )
            if was_created:
                created.append(membership)
                audit_record(
                    "security.sso.role_granted",
                    actor=user,
                    target=membership,
                    institution=institution,
                    data={"provider": provider.slug, "role": role, "affiliations": identity.affiliations},
                )
    if created:
        clear_cache(user)
    return created


def sso_account_created(*, user, provider: IdentityProvider) -> None:
    audit_record("security.sso.account_created", actor=user, target=user, data={"provider": provider.slug})


# --- Personal access tokens -------------------------------------------------------------------------


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: AccessToken
    plaintext: str  # shown once, never stored


def token_create(*, user, name: str, expires_at: datetime | None = None) -> NewToken:
    """Create a token for ``user``; the plaintext is returned once and only its SHA-256 digest is kept."""
    name = (name or "").strip()
    if not name:
        raise SecurityError(_("Give the token a name, for example the script that will use it."), "name")
    if len(name) > 100:
        raise SecurityError(_("The name is limited to 100 characters."), "name")
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise SecurityError(_("The expiry date must be in the future."), "expires_at")
    max_days = _conf("TOKEN_MAX_DAYS", 0)
    if max_days and (expires_at is None or expires_at > now + timedelta(days=max_days)):
        raise SecurityError(
            _("Tokens must expire within %(days)d days.") % {"days": max_days},
            "expires_at",
        )
    with transaction.atomic():
        if AccessToken.objects.select_for_update().filter(user=user).usable().count() >= _conf(
            "TOKEN_MAX_PER_USER", 20
        ):
            raise SecurityError(
                _("You already have %(count)d active tokens: revoke one you no longer use first.")
                % {"count": _conf("TOKEN_MAX_PER_USER", 20)}
            )
        prefix = secrets.token_hex(5)
        secret = secrets.token_urlsafe(32)
        token = AccessToken.objects.create(
            user=user, name=name, prefix=prefix, digest=_digest(secret), expires_at=expires_at
        )
        audit_record(
            "security.token.created",
            actor=user,
            target=token,
            data={"prefix": prefix, "expires_at": expires_at.isoformat() if expires_at else None},
        )
    return NewToken(token=token, plaintext=f"{TOKEN_SCHEME}_{prefix}_{secret}")


def token_revoke(*, token: AccessToken, actor) -> AccessToken:
    """Revoke ``token`` at once (idempotent: revoking a revoked token changes nothing)."""
    with transaction.atomic():
        token = AccessToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record("security.token.revoked", actor=actor, target=token, data={"prefix": token.prefix})
    return token


def token_authenticate(raw: str) -> AccessToken | None:
    """The usable token matching ``raw`` (``prt_<prefix>_<secret>``), or ``None``.

    The digest is compared in constant time; the last-used date is written at most once a minute.
    """
    match = _TOKEN_RE.match((raw or "").strip())
    if not match:
        return None
    prefix, secret = match.groups()
    token = AccessToken.objects.usable().select_related("user").filter(prefix=prefix).first()
    if token is None or not secrets.compare_digest(token.digest, _digest(secret)):
        return None
    if not token.user.is_active:
        return None
    now = timezone.now()
    resolution = timedelta(seconds=_conf("TOKEN_LAST_USED_RESOLUTION", 60))
    if token.last_used_at is None or now - token.last_used_at >= resolution:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --- Second factor (TOTP, backup codes) --------------------------------------------------------------

TOTP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


def normalise_code(raw: str) -> str:
    """Codes are typed with spaces or dashes; the stored forms have neither and are lower case."""
    return re.sub(r"[\s-]", "", raw or "").lower()


def totp_check(key_hex: str, code: str) -> int | None:
    """The time step ``code`` matches for ``key_hex`` (±1 step of 30 s), or ``None``."""
    code = normalise_code(code)
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = TOTP(bytes.fromhex(key_hex), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    if totp.verify(int(code), tolerance=1):
        return totp.t()
    return None


def _new_backup_codes(device: StaticDevice) -> list[str]:
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(_conf("BACKUP_CODES", 10))]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def second_factor_enable(*, user, key_hex: str, code: str) -> list[str]:
    """Confirm enrolment: ``code`` must come from an app holding ``key_hex``. Returns the backup codes.

    Any earlier device of the user is replaced.
    """
    step = totp_check(key_hex, code)
    if step is None:
        raise SecurityError(
            _("This code does not match. Check the time on your phone and type the current code."), "code"
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(
            user=user, name=TOTP_DEVICE_NAME, key=key_hex, confirmed=True, last_t=step, tolerance=1
        )
        backup = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
        codes = _new_backup_codes(backup)
        audit_record("security.second_factor.enabled", actor=user, target=user)
    return codes


def second_factor_devices(user) -> tuple[TOTPDevice | None, StaticDevice | None]:
    totp = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    static = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return totp, static


@dataclass(frozen=True)
class CheckResult:
    device: TOTPDevice | StaticDevice | None
    wait_seconds: int = 0


def second_factor_check(*, user, code: str) -> CheckResult:
    """Verify ``code`` (a TOTP code or a backup code) against the user's devices, with django-otp's
    throttling (the delay doubles after each failure). A backup code is used up."""
    code = normalise_code(code)
    model = TOTPDevice if re.fullmatch(r"\d{6}", code) else StaticDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            return CheckResult(None)
        allowed, info = device.verify_is_allowed()
        if not allowed:
            return CheckResult(None, wait_seconds=_wait_seconds(device))
        if device.verify_token(code):
            return CheckResult(device)
    return CheckResult(None)


def _wait_seconds(device) -> int:
    if not device.throttling_failure_timestamp or not device.throttling_failure_count:
        return 0
    delay = device.get_throttle_factor() * (2 ** (device.throttling_failure_count - 1))
    elapsed = (timezone.now() - device.throttling_failure_timestamp).total_seconds()
    return max(1, int(delay - elapsed) + 1)


def backup_codes_renew(*, user) -> list[str]:
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
        )
        codes = _new_backup_codes(device)
        audit_record("security.second_factor.backup_codes_renewed", actor=user, target=user)
    return codes


def second_factor_disable(*, user, actor=None) -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record("security.second_factor.disabled", actor=actor or user, target=user)

"""Second-factor helpers: an authenticator app in a few lines (RFC 6238), independent of django-otp."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

BACKUP_CODES = ["aaaabbbb", "ccccdddd", "eeeeffff"]


def totp_code(key: bytes, *, offset: int = 0, at: float | None = None) -> str:
    """The 6-digit TOTP code (HMAC-SHA1, 30-second steps) ``offset`` steps from now."""
    counter = int((at if at is not None else time.time()) // 30) + offset
    digest = hmac.new(key, counter.to_bytes(8, "big"), hashlib.sha1).digest()
    start = digest[-1] & 0x0F
    value = (int.from_bytes(digest[start : start + 4], "big") & 0x7FFFFFFF) % 1_000_000
    return f"{value:06d}"


def key_from_page(base32_with_spaces: str) -> bytes:
    """The key as a person types it from the enrolment page (groups of 4, no padding)."""
    text = base32_with_spaces.replace(" ", "")
    return base64.b32decode(text + "=" * (-len(text) % 8))


def enrol(user) -> bytes:
    """Give ``user`` a confirmed TOTP device and three backup codes; return the device key."""
    key_hex = default_key()
    TOTPDevice.objects.create(user=user, name="Authenticator app", key=key_hex, confirmed=True)
    backup = StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    for code in BACKUP_CODES:
        StaticToken.objects.create(device=backup, token=code)
    return bytes.fromhex(key_hex)

"""Second factor (TOTP with backup codes): who may enrol, and the session flag of the sign-in step."""

from __future__ import annotations

import segno
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from parcours.accounts.permissions import has_role

from .enums import TWO_FACTOR_ROLES

#: Session key set at login for an account with a confirmed device, until a code is given.
SECOND_FACTOR_PENDING = "security_second_factor_pending"
#: Session key holding the key of an enrolment in progress (nothing is stored in the database before
#: the first code is confirmed).
ENROLMENT_KEY = "security_totp_enrolment_key"


def may_enrol(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, *TWO_FACTOR_ROLES)


def is_pending(request) -> bool:
    """Whether this session still owes a second factor."""
    session = getattr(request, "session", None)
    if session is None or not session.get(SECOND_FACTOR_PENDING):
        return False
    user = request.user
    if not user.is_authenticated:
        return False
    verified = getattr(user, "is_verified", None)
    return not (verified and verified())


def enrolment_key(request) -> str:
    key = request.session.get(ENROLMENT_KEY)
    if not key:
        key = default_key()
        request.session[ENROLMENT_KEY] = key
    return key


def provisioning_uri(user, key_hex: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    device = TOTPDevice(user=user, key=key_hex, name="Authenticator app")
    return device.config_url


def base32_key(key_hex: str) -> str:
    from base64 import b32encode

    text = b32encode(bytes.fromhex(key_hex)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(uri: str) -> SafeString:
    """An inline SVG QR code (no script, no external image: compatible with the CSP)."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#161616", light="#ffffff")
    return mark_safe(svg)  # noqa: S308  (segno's own output, built from our URI)


def issuer() -> str:
    return getattr(settings, "OTP_TOTP_ISSUER", "") or settings.PARCOURS["PRODUCT_NAME"]

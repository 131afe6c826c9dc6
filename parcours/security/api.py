"""Public face of the security app for the other apps."""

from .auth import SessionOnlyAuth, TokenAuth
from .enums import MAPPABLE_ROLES, TWO_FACTOR_ROLES, Protocol
from .models import AccessToken, IdentityProvider
from .otp import is_pending as second_factor_pending
from .otp import may_enrol as may_enrol_second_factor
from .services import token_authenticate

__all__ = [
    "MAPPABLE_ROLES",
    "TWO_FACTOR_ROLES",
    "AccessToken",
    "IdentityProvider",
    "Protocol",
    "SessionOnlyAuth",
    "TokenAuth",
    "may_enrol_second_factor",
    "second_factor_pending",
    "token_authenticate",
]

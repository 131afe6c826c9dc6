"""System checks: the rate limits are readable before the first request needs them."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.checks import Error, register
from django_ratelimit.core import rate_re

from .ratelimit import PUBLIC, RULES


@register("security")
def rate_limits_check(app_configs=None, **kwargs):
    config = settings.RATE_LIMITS
    rates = config.get("RATES", {})
    errors = []
    for scope in sorted({PUBLIC} | {rule.scope for rules in RULES.values() for rule in rules}):
        if scope not in rates:
            errors.append(
                Error(
                    f'RATE_LIMITS["RATES"] has no rate for the scope "{scope}".',
                    hint="Give a rate such as 30/m, or an empty string to turn the scope off.",
                    id="security.E101",
                )
            )
    for scope, rate in rates.items():
        if rate and not _readable(rate):
            errors.append(
                Error(
                    f'The rate limit "{rate}" of the scope "{scope}" cannot be read.',
                    hint='Write "count/period" with a count of at least 1 and a period in s, m, h or d, '
                    'possibly multiplied: "120/m", "30/10m", "10/h", "30/60" (seconds).',
                    id="security.E102",
                )
            )
    proxies = config.get("TRUSTED_PROXIES")
    if not isinstance(proxies, int) or proxies < 0:
        errors.append(
            Error(
                "RATE_LIMIT_TRUSTED_PROXIES must be a whole number, 0 or more.",
                hint="0 when clients connect directly; 1 behind one reverse proxy that sets X-Forwarded-For.",
                id="security.E103",
            )
        )
    if settings.RATELIMIT_USE_CACHE not in settings.CACHES:
        errors.append(
            Error(
                f'RATELIMIT_USE_CACHE names the cache "{settings.RATELIMIT_USE_CACHE}", which CACHES lacks.',
                id="security.E104",
            )
        )
    return errors


def _readable(rate: str) -> bool:
    """What django-ratelimit reads, with a count and a period of at least 1."""
    match = re.fullmatch(rate_re.pattern, rate)
    if match is None:
        return False
    count, multiplier, _period = match.groups()
    return int(count) >= 1 and (multiplier == "" or int(multiplier) >= 1)

"""A small sliding-window rate limiter per client IP, kept in Django's cache.

Each scope keeps, per IP (hashed), the timestamps of the requests of the current window. With the default
local-memory cache the limit is per process; configure a shared cache (Redis, database) in production for
a limit per deployment.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, seconds = rate.partition("/")
    return max(1, int(count)), max(1, int(seconds or 60))


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(scope: str, request, rate: str) -> Decision:
    """Count one request of ``scope`` from the client; say whether it is within ``rate`` ("count/seconds")."""
    limit, window = parse_rate(rate)
    key = "credentials-rl:" + scope + ":" + hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    now = time.time()
    stamps = [t for t in cache.get(key, []) if t > now - window]
    if len(stamps) >= limit:
        cache.set(key, stamps, window)
        return Decision(False, max(1, int(stamps[0] + window - now) + 1))
    stamps.append(now)
    cache.set(key, stamps, window)
    return Decision(True)

"""Rate limits on everything reachable without an account, per client.

One mechanism for every public page and API operation (``PublicRateLimitMiddleware`` asks ``refusal()``
before each view):

- the **public** scope counts every request an anonymous client makes to a view that opts out of the login
  (``login_not_required``, which sets ``login_required = False``) and to an API operation declared with
  ``auth=None``;
- costlier actions (verifying a credential or a document copy, asking for a password reset) also count
  in their own, lower scope, for every client, signed in or not: ``RULES`` below, by view name, so that it
  also covers views we do not write (Django's password reset).

Rates come from ``settings.RATE_LIMITS["RATES"]`` (django-ratelimit's syntax: ``"120/m"``, ``"30/60s"``,
``"10/h"``; a bare ``"30/60"`` means 30 per 60 seconds; an empty rate switches the scope off). Counting is
django-ratelimit's fixed window in Django's cache (``RATELIMIT_USE_CACHE``): with the default local-memory
cache each process counts on its own; a shared cache (``CACHE_URL``) makes the limit per deployment.

The client is the ``REMOTE_ADDR`` of the request, or, behind ``RATE_LIMITS["TRUSTED_PROXIES"]`` reverse
proxies, the address the outermost of them saw (``X-Forwarded-For``, counted from the right: entries on
the left are written by the client and never trusted). IPv6 clients are counted per /64 network. A signed-in
person is counted by account in the scopes that apply to them.
"""

from __future__ import annotations

import ipaddress
import logging
import math
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage
from ninja.operation import PathView

from .otp import is_pending

logger = logging.getLogger(__name__)

PUBLIC = "public"
VERIFY = "verify"
RESET_REQUEST = "password-reset"
POST = frozenset({"POST"})


@dataclass(frozen=True)
class Rule:
    """A scope that a view also counts in, for the listed methods (``None``: all)."""

    scope: str
    methods: frozenset[str] | None = None

    def applies(self, method: str) -> bool:
        return self.methods is None or method in self.methods


#: Costlier public actions, by view name (``namespace:name`` for the API).
RULES: dict[str, tuple[Rule, ...]] = {
    # Pasting or uploading a credential, and the holder's e-mail check on a credential's page, may fetch
    # another issuer's DID document and status list.
    "credential_verify": (Rule(VERIFY, POST),),
    "credential_verify_detail": (Rule(VERIFY, POST),),
    "api-1.0.0:credential_verify": (Rule(VERIFY),),
    "api-1.0.0:credential_verification_read": (Rule(VERIFY),),
    # Comparing a copy with a document: reads and hashes an upload.
    "document_verify": (Rule(VERIFY, POST),),
    # Each request sends an e-mail.
    "password_reset": (Rule(RESET_REQUEST, POST),),
}

#: Never limited: load balancers and monitoring poll the health check. (Static files never reach a view.)
EXEMPT_VIEW_NAMES = frozenset({"healthz"})


@dataclass(frozen=True)
class Refusal:
    scope: str
    retry_after: int  # seconds


def client_ip(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or the one the outermost trusted proxy saw."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.RATE_LIMITS["TRUSTED_PROXIES"]
    if proxies > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if hops:
            # Each trusted proxy appends the address it saw: the n-th entry from the right is the client as
            # seen by the outermost one. Fewer entries than proxies: the leftmost came from a proxy still.
            candidate = hops[-proxies] if len(hops) >= proxies else hops[0]
            if _valid_ip(candidate):
                return candidate
    return remote if _valid_ip(remote) else "unknown"


def axes_client_ip(request: HttpRequest) -> str | None:
    """The same address for django-axes (AXES_CLIENT_IP_CALLABLE); None when there is none, since axes stores
    it in an IP address column (a login without a real request, as in ``Client.force_login``)."""
    address = client_ip(request)
    return None if address == "unknown" else address


def _valid_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def client_key(request: HttpRequest) -> str:
    """Who is counted: the account when signed in, else the address (IPv6 by /64 network)."""
    if _signed_in(request):
        return f"user:{request.user.pk}"
    ip = client_ip(request)
    if ":" in ip:
        address = ipaddress.IPv6Address(ip)
        if address.ipv4_mapped is not None:  # a dual-stack socket's IPv4 client: ::ffff:192.0.2.1
            ip = str(address.ipv4_mapped)
        else:
            ip = str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return f"ip:{ip}"


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and not is_pending(request))


def _path_view(view_func) -> PathView | None:
    """The django-ninja path behind an API URL (its view closes over it), or None for other views."""
    code, closure = getattr(view_func, "__code__", None), getattr(view_func, "__closure__", None)
    if code is None or not closure or "self" not in code.co_freevars:
        return None
    candidate = closure[code.co_freevars.index("self")].cell_contents
    return candidate if isinstance(candidate, PathView) else None


def is_public(view_func, method: str) -> bool:
    """Whether the view is reachable without an account: ``login_not_required``, and for the API (whose
    URLs all opt out of the login middleware to answer 401 themselves) an operation with ``auth=None``."""
    if getattr(view_func, "login_required", True):
        return False
    path_view = _path_view(view_func)
    if path_view is None:
        return True
    operation = next((op for op in path_view.operations if method in op.methods), None)
    return operation is not None and not operation.auth_callbacks


def scopes_for(request: HttpRequest, view_func) -> list[str]:
    match = request.resolver_match
    view_name = match.view_name if match is not None else ""
    if view_name in EXEMPT_VIEW_NAMES:
        return []
    scopes = [rule.scope for rule in RULES.get(view_name, ()) if rule.applies(request.method)]
    if not _signed_in(request) and is_public(view_func, request.method):
        scopes.insert(0, PUBLIC)
    return scopes


def refusal(request: HttpRequest, view_func) -> Refusal | None:
    """Count this request in each scope that applies; a refusal when the client is over one of them."""
    config = settings.RATE_LIMITS
    if not config["ENABLED"]:
        return None
    scopes = scopes_for(request, view_func)
    if not scopes:
        return None
    key = client_key(request)
    refusals = []
    for scope in scopes:
        rate = config["RATES"].get(scope)
        if not rate:
            continue
        try:
            usage = get_usage(
                request, group=f"parcours.{scope}", key=lambda _g, _r: key, rate=rate, increment=True
            )
        except Exception:  # noqa: BLE001 - an unreachable cache must not take the public pages down
            logger.warning("Rate limit not applied: the cache failed (scope %s)", scope, exc_info=True)
            continue
        if usage is None or not usage["should_limit"]:
            continue
        if usage["count"] == usage["limit"] + 1:  # once per window and client
            logger.warning(
                "Rate limit reached: scope %s, %s, %s %s", scope, key, request.method, request.path
            )
        refusals.append(Refusal(scope, max(1, usage["time_left"])))
    return max(refusals, key=lambda r: r.retry_after, default=None)


def too_many_requests(request: HttpRequest, view_func, refused: Refusal) -> HttpResponse:
    """429 with ``Retry-After``: JSON for the API, the DSFR page in the interface language otherwise."""
    seconds = refused.retry_after
    if _path_view(view_func) is not None:
        response: HttpResponse = JsonResponse(
            {"detail": f"Too many requests: try again in {seconds} s."}, status=429
        )
    else:
        context = {"retry_after": seconds, "retry_minutes": math.ceil(seconds / 60)}
        response = render(request, "errors/429.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response

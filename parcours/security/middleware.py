"""Security middleware: the second-factor step, and the rate limits on public pages.

``SecondFactorMiddleware``: a session that owes a code reaches nothing but the code page.
Placed after ``django_otp.middleware.OTPMiddleware``. Pages that need no login stay reachable; the API
treats such a session as anonymous (a personal access token still works); the admin site, like every
other page, redirects to the code page — so the admin site requires the second factor of anyone who
enrolled one.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse

from . import ratelimit
from .otp import is_pending

#: URL names a session may reach while it owes a code.
EXEMPT_URL_NAMES = frozenset({"security_two_factor_verify", "logout", "switch_language", "healthz"})
API_PREFIX = "/api/"


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not is_pending(request):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in EXEMPT_URL_NAMES:
            return None
        if request.path.startswith(API_PREFIX):
            request.user = AnonymousUser()
            return None
        if not getattr(view_func, "login_required", True):
            return None  # public page
        target = reverse("security_two_factor_verify")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


class PublicRateLimitMiddleware:
    """Answer 429 (with ``Retry-After``) to a client over the rate of a page reachable without an account.

    What is counted, and how, is in ``parcours.security.ratelimit``. Placed after the authentication
    middleware (a signed-in person is not counted in the public scope). Static files are served by
    WhiteNoise before any view, and unknown addresses resolve to no view: neither is counted.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        refused = ratelimit.refusal(request, view_func)
        if refused is None:
            return None
        return ratelimit.too_many_requests(request, view_func, refused)

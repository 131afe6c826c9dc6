"""Public pages, the role dashboard, the language switch and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from parcours.accounts.permissions import roles_of
from parcours.accounts.selectors import memberships_of

from .dashboards import dashboard_sections


@login_not_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    sections = dashboard_sections(request.user, roles_of(request.user))
    return render(
        request,
        "web/dashboard.html",
        {"sections": sections, "memberships": memberships_of(request.user)},
    )


@login_not_required
@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; remembered in a cookie and, once logged in, on the account."""
    from django.conf import settings

    language = request.POST.get("language", "")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if language and check_for_language(language) and language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
        )
        if request.user.is_authenticated and request.user.language != language:
            request.user.language = language
            request.user.save(update_fields=["language"])
    return response


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness: 200 when the database answers, 503 naming the failing part otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return JsonResponse({"status": "error", "database": f"error: {exc.__class__.__name__}"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})

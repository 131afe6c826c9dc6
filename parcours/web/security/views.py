"""The account's security pages: sign-in methods, second factor (TOTP) and personal access tokens."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

import django_otp
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parcours.security import otp, selectors, services
from parcours.web.forms_errors import add_service_error

from .forms import CodeForm, EnrolmentCodeForm, TokenForm


def _two_factor_page(view: Callable) -> Callable:
    """Staff roles may enrol; anyone who already has a device may manage it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        totp, _static = services.second_factor_devices(request.user)
        if not (otp.may_enrol(request.user) or totp is not None):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _crumbs(current: str, *links: tuple[str, str]) -> dict:
    return {"links": [{"url": url, "title": title} for url, title in links], "current": current}


@require_GET
def security_home(request: HttpRequest) -> HttpResponse:
    totp, static = services.second_factor_devices(request.user)
    tokens = list(selectors.tokens_of(request.user))
    return render(
        request,
        "security/home.html",
        {
            "identities": selectors.linked_identities(request.user),
            "may_enrol": otp.may_enrol(request.user),
            "two_factor_enabled": totp is not None,
            "backup_codes_left": static.token_set.count() if static else 0,
            "active_tokens": sum(1 for t in tokens if t.is_usable),
            "has_password": request.user.has_usable_password(),
            "breadcrumb_data": _crumbs(_("My account")),
        },
    )


# --- Personal access tokens ---------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = services.token_create(
                user=request.user, name=form.cleaned_data["name"], expires_at=form.expires_at()
            )
        except services.SecurityError as exc:
            add_service_error(form, exc)
        else:
            form = TokenForm()
    tokens = [{"token": t, "status": selectors.token_status(t)} for t in selectors.tokens_of(request.user)]
    return render(
        request,
        "security/tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": tokens,
            "api_docs_url": reverse("api-1.0.0:openapi-view"),
            "breadcrumb_data": _crumbs(_("API access tokens"), (reverse("security_home"), _("My account"))),
        },
        status=201 if created else 200,
    )


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(selectors.tokens_of(request.user), pk=pk)
    services.token_revoke(token=token, actor=request.user)
    messages.success(
        request, _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name}
    )
    return redirect("security_tokens")


# --- Second factor ------------------------------------------------------------------------------------


@require_GET
@_two_factor_page
def two_factor(request: HttpRequest) -> HttpResponse:
    totp, static = services.second_factor_devices(request.user)
    return render(
        request,
        "security/two_factor.html",
        {
            "enabled": totp is not None,
            "backup_codes_left": static.token_set.count() if static else 0,
            "disable_form": CodeForm(prefix="disable"),
            "renew_form": CodeForm(prefix="renew"),
            "breadcrumb_data": _crumbs(
                _("Two-factor authentication"), (reverse("security_home"), _("My account"))
            ),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@_two_factor_page
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    totp, _static = services.second_factor_devices(request.user)
    if totp is not None:
        messages.info(
            request, _("Two-factor authentication is already on. Turn it off first to change phone.")
        )
        return redirect("security_two_factor")
    key = otp.enrolment_key(request)
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.second_factor_enable(
                user=request.user, key_hex=key, code=form.cleaned_data["code"]
            )
        except services.SecurityError as exc:
            add_service_error(form, exc)
        else:
            request.session.pop(otp.ENROLMENT_KEY, None)
            device, _static = services.second_factor_devices(request.user)
            django_otp.login(request, device)
            request.session.pop(otp.SECOND_FACTOR_PENDING, None)
            return render(
                request,
                "security/two_factor_codes.html",
                {"codes": codes, "just_enabled": True, "breadcrumb_data": _crumbs(_("Backup codes"))},
            )
    uri = otp.provisioning_uri(request.user, key)
    return render(
        request,
        "security/two_factor_enrol.html",
        {
            "form": form,
            "qr": otp.qr_svg(uri),
            "secret": otp.base32_key(key),
            "issuer": otp.issuer(),
            "breadcrumb_data": _crumbs(
                _("Set up two-factor authentication"),
                (reverse("security_home"), _("My account")),
                (reverse("security_two_factor"), _("Two-factor authentication")),
            ),
        },
    )


def _check_code(request: HttpRequest, form: CodeForm) -> bool:
    result = services.second_factor_check(user=request.user, code=form.cleaned_data["code"])
    if result.device is not None:
        django_otp.login(request, result.device)
        return True
    if result.wait_seconds:
        form.add_error(
            "code",
            _("Too many wrong codes. Wait %(seconds)d seconds before trying again.")
            % {"seconds": result.wait_seconds},
        )
    else:
        form.add_error("code", _("This code is not valid."))
    return False


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The sign-in step that asks for the code, after the password or the identity provider."""
    next_url = _safe_next(request, reverse("dashboard"))
    if not otp.is_pending(request):
        return redirect(next_url)
    totp, _static = services.second_factor_devices(request.user)
    if totp is None and _static is None:
        request.session.pop(otp.SECOND_FACTOR_PENDING, None)  # devices removed meanwhile
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _check_code(request, form):
        request.session.pop(otp.SECOND_FACTOR_PENDING, None)
        request.session.cycle_key()
        return redirect(next_url)
    return render(request, "security/two_factor_verify.html", {"form": form, "next": next_url})


@require_POST
@_two_factor_page
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST, prefix="disable")
    if form.is_valid() and _check_code(request, form):
        services.second_factor_disable(user=request.user)
        request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
        request.session.pop(otp.SECOND_FACTOR_PENDING, None)
        messages.success(request, _("Two-factor authentication is off."))
        return redirect("security_two_factor")
    totp, static = services.second_factor_devices(request.user)
    return render(
        request,
        "security/two_factor.html",
        {
            "enabled": totp is not None,
            "backup_codes_left": static.token_set.count() if static else 0,
            "disable_form": form,
            "renew_form": CodeForm(prefix="renew"),
            "breadcrumb_data": _crumbs(
                _("Two-factor authentication"), (reverse("security_home"), _("My account"))
            ),
        },
        status=400,
    )


@never_cache
@require_POST
@_two_factor_page
def two_factor_backup_codes(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST, prefix="renew")
    if form.is_valid() and _check_code(request, form):
        codes = services.backup_codes_renew(user=request.user)
        return render(
            request,
            "security/two_factor_codes.html",
            {"codes": codes, "just_enabled": False, "breadcrumb_data": _crumbs(_("Backup codes"))},
        )
    totp, static = services.second_factor_devices(request.user)
    return render(
        request,
        "security/two_factor.html",
        {
            "enabled": totp is not None,
            "backup_codes_left": static.token_set.count() if static else 0,
            "disable_form": CodeForm(prefix="disable"),
            "renew_form": form,
            "breadcrumb_data": _crumbs(
                _("Two-factor authentication"), (reverse("security_home"), _("My account"))
            ),
        },
        status=400,
    )

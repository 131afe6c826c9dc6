"""The reservist's portfolio: profile, periods, evidence and claimed competencies."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from parcours.accounts.enums import RESERVIST_ROLES
from parcours.accounts.permissions import institutions_with_role, role_required
from parcours.portfolio import selectors, services
from parcours.portfolio.models import CompetencyClaim
from parcours.portfolio.services import PortfolioError
from parcours.web.forms import is_id
from parcours.web.forms_errors import add_service_error

from .forms import ClaimForm, EvidenceForm, PeriodForm, ProfileForm

reservist_required = role_required(*RESERVIST_ROLES)


def _profile(request: HttpRequest):
    institution = institutions_with_role(request.user, *RESERVIST_ROLES).first()
    return services.profile_get_or_create(user=request.user, institution=institution)


def _framework(profile):
    from parcours.frameworks.selectors import current_framework

    return current_framework(profile.institution)


@reservist_required
def portfolio_home(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    periods = list(selectors.periods_of(profile))
    return render(
        request,
        "portfolio/home.html",
        {"profile": profile, "periods": periods, "days_per_year": selectors.days_per_year(periods)},
    )


@reservist_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(profile=profile, actor=request.user, **form.cleaned_data)
        except PortfolioError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Your reservist profile is saved."))
            return redirect("portfolio_home")
    return render(request, "portfolio/profile_form.html", {"form": form})


@reservist_required
@require_http_methods(["GET", "POST"])
def period_create(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    form = PeriodForm(request.POST or None, initial={"force": profile.force_id})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            period = services.period_create(profile=profile, actor=request.user, **data)
        except PortfolioError as exc:
            add_service_error(form, exc)
        else:
            _claim_accepted_suggestions(request, period)
            messages.success(
                request, _("The period is saved. Add its attestation and the competencies you claim.")
            )
            return redirect("portfolio_period_detail", pk=period.pk)
    return render(
        request,
        "portfolio/period_form.html",
        {"form": form, "creating": True, "framework": _framework(profile)},
    )


def _claim_accepted_suggestions(request: HttpRequest, period) -> None:
    """Suggestions kept while typing the description become claims of the new period."""
    framework = _framework(period.profile)
    ids = [int(v) for v in request.POST.getlist("accepted_competency") if is_id(v)]
    if framework is None or not ids:
        return
    from parcours.frameworks.models import Competency

    for competency in Competency.objects.filter(framework=framework, pk__in=ids):
        services.claim_add(period=period, actor=request.user, competency=competency, from_suggestion=True)


@reservist_required
@require_http_methods(["GET", "POST"])
def period_edit(request: HttpRequest, pk: int) -> HttpResponse:
    period = selectors.own_period(request.user, pk)
    form = PeriodForm(request.POST or None, instance=period)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data.get("days") is None:
            data["days"] = period.calendar_length(data["start_date"], data["end_date"])
        try:
            services.period_update(period=period, actor=request.user, **data)
        except PortfolioError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The period is saved."))
            return redirect("portfolio_period_detail", pk=period.pk)
    return render(
        request,
        "portfolio/period_form.html",
        {"form": form, "period": period, "framework": _framework(period.profile)},
    )


@reservist_required
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    period = selectors.own_period(request.user, pk)
    framework = _framework(period.profile)
    return render(
        request,
        "portfolio/period_detail.html",
        {
            "period": period,
            "claims": period.claims.select_related("competency", "self_level"),
            "evidence": period.evidence.all(),
            # Two forms on one page, both with a "visibility" field: distinct ids keep each label on its field.
            "evidence_form": EvidenceForm(auto_id="id_evidence_%s"),
            "claim_form": ClaimForm(framework=framework, auto_id="id_claim_%s"),
            "framework": framework,
            "locked": services.period_is_locked(period),
        },
    )


@reservist_required
@require_POST
def period_delete(request: HttpRequest, pk: int) -> HttpResponse:
    period = selectors.own_period(request.user, pk)
    try:
        services.period_delete(period=period, actor=request.user)
    except PortfolioError as exc:
        messages.error(request, str(exc))
        return redirect("portfolio_period_detail", pk=pk)
    messages.success(request, _("The period is deleted."))
    return redirect("portfolio_home")


@reservist_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    period = selectors.own_period(request.user, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("portfolio_period_detail", pk=pk)
    upload = form.cleaned_data["file"]
    try:
        services.evidence_add(
            profile=period.profile,
            actor=request.user,
            name=upload.name,
            data=upload.read(),
            period=period,
            kind=form.cleaned_data["kind"],
            visibility=form.cleaned_data["visibility"],
        )
    except PortfolioError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The file is added."))
    return redirect("portfolio_period_detail", pk=pk)


def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve an evidence file to the holder or an authorised decider; every access is logged."""
    evidence = selectors.evidence_for(request.user, pk)
    content = services.evidence_open(evidence=evidence, user=request.user)
    from io import BytesIO

    response = FileResponse(
        BytesIO(content),
        content_type=evidence.content_type,
        as_attachment=request.GET.get("download") == "1",
        filename=evidence.original_name,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # Viewable inline in the review page's frame; nothing inside the file may load or run anything.
    response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


@reservist_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = selectors.evidence_for(request.user, pk)
    if evidence.profile.user_id != request.user.pk:
        return HttpResponse(status=404)
    period_id = evidence.period_id
    try:
        services.evidence_delete(evidence=evidence, actor=request.user)
    except PortfolioError as exc:
        messages.error(request, str(exc))
    return redirect("portfolio_period_detail", pk=period_id) if period_id else redirect("portfolio_home")


@reservist_required
@require_POST
def claim_add(request: HttpRequest, pk: int) -> HttpResponse:
    period = selectors.own_period(request.user, pk)
    form = ClaimForm(request.POST, framework=_framework(period.profile))
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("portfolio_period_detail", pk=pk)
    try:
        services.claim_add(period=period, actor=request.user, **form.cleaned_data)
    except PortfolioError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The competency is added to the period."))
    return redirect("portfolio_period_detail", pk=pk)


@reservist_required
@require_POST
def claim_remove(request: HttpRequest, pk: int) -> HttpResponse:
    claim = (
        CompetencyClaim.objects.select_related("period__profile")
        .filter(pk=pk, period__profile__user=request.user)
        .first()
    )
    if claim is None:
        return HttpResponse(status=404)
    try:
        services.claim_remove(claim=claim, actor=request.user)
    except PortfolioError as exc:
        messages.error(request, str(exc))
    return redirect("portfolio_period_detail", pk=claim.period_id)

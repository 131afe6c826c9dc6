"""Garde nationale partnership pages.

Public: information pages, FAQ, a recruiter's shared profile. Students and staff: interest with consent,
share links. Garde nationale referents: the referral queue (consenting people only). Referents and the
school's leadership: protected reports and the yearly report.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parcours.accounts.enums import RESERVIST_ROLES
from parcours.accounts.models import Institution
from parcours.accounts.permissions import role_required
from parcours.audit.services import audit_record
from parcours.partners import selectors, services
from parcours.partners.charts import bar_chart, trend_chart
from parcours.partners.enums import ConsentScope, InterestStatus
from parcours.partners.exports import FORMATS, yearly_report
from parcours.partners.markup import render as render_markup
from parcours.partners.models import ConsentRecord, ShareLink
from parcours.partners.reports import REGISTRY, SECTIONS, available_reports
from parcours.partners.services import PartnersError
from parcours.partners.statistics import (
    LONG_BREAKDOWN,
    Scope,
    current_snapshot,
    report_table,
    universe_from_snapshot,
)
from parcours.partners.workflow import available_for
from parcours.web.forms_errors import add_service_error

from .forms import (
    ConfirmForm,
    InterestForm,
    ReferralFilterForm,
    ReferralNoteForm,
    ReportScopeForm,
    ShareLinkForm,
)

reservist_required = role_required(*RESERVIST_ROLES)
referent_required = role_required(*selectors.REFERENT_ROLES)
reports_required = role_required(*selectors.REPORT_ROLES)


def _language() -> str:
    return (get_language() or "fr")[:2]


# --------------------------------------------------------------------------------------------------------
# Public information


@login_not_required
@require_GET
def info_index(request: HttpRequest) -> HttpResponse:
    language = _language()
    pages = [
        {"slug": p.slug, "title": p.title(language), "summary": p.summary(language)}
        for p in selectors.published_pages()
    ]
    return render(request, "partners/info_index.html", {"pages": pages})


@login_not_required
@require_GET
def info_page(request: HttpRequest, slug: str) -> HttpResponse:
    page = get_object_or_404(selectors.published_pages(), slug=slug)
    language = _language()
    others = [(p.slug, p.title(language)) for p in selectors.published_pages().exclude(pk=page.pk)]
    return render(
        request,
        "partners/info_page.html",
        {
            "title": page.title(language),
            "body": render_markup(page.body(language)),
            "updated_at": page.updated_at,
            "others": others,
            "breadcrumb_data": {
                "links": [{"url": "/partners/", "title": _("The reserve")}],
                "current": page.title(language),
            },
        },
    )


@login_not_required
@require_GET
def faq(request: HttpRequest) -> HttpResponse:
    language = _language()
    entries = [
        {"id": f"faq-{e.pk}", "question": e.question(language), "answer": render_markup(e.answer(language))}
        for e in selectors.published_faq()
    ]
    return render(
        request,
        "partners/faq.html",
        {
            "entries": entries,
            "breadcrumb_data": {
                "links": [{"url": "/partners/", "title": _("The reserve")}],
                "current": _("Studies and reserve: questions and answers"),
            },
        },
    )


# --------------------------------------------------------------------------------------------------------
# Interest and consent (students and staff)


def _institutions_for_interest(user):
    ids = [m.institution_id for m in services.reservist_memberships(user)]
    return Institution.objects.filter(pk__in=ids).order_by("name")


@reservist_required
@require_http_methods(["GET", "POST"])
def interest(request: HttpRequest) -> HttpResponse:
    """The person's page: the form, or where their consent and referral stand, with the withdrawal."""
    user = request.user
    language = _language()
    declaration = selectors.open_interest(user)
    if declaration is not None and declaration.status == InterestStatus.CONFIRMED:
        return render(
            request,
            "partners/interest_status.html",
            {
                "declaration": declaration,
                "consent": declaration.consent_text,
                "items": _consent_items(declaration, language, declaration.consent_text),
                "referral": getattr(declaration, "referral", None),
                "history": ConsentRecord.objects.filter(declaration__user=user).select_related(
                    "consent_text"
                ),
            },
        )
    consent_text = services.consent_text_current()
    institutions = _institutions_for_interest(user)
    initial = {}
    if declaration is not None:
        initial = {
            "institution": declaration.institution_id,
            "forces": list(declaration.forces.all()),
            "message": declaration.message,
            "phone": declaration.phone,
            **{f"scope_{s}": declaration.has_scope(s) for s in ConsentScope.values},
        }
    form = InterestForm(
        request.POST or None,
        institutions=institutions,
        consent_text=consent_text,
        language=language,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.interest_save(
                user=user,
                institution=form.cleaned_data["institution"],
                forces=form.cleaned_data["forces"],
                message=form.cleaned_data["message"],
                phone=form.cleaned_data["phone"],
                scopes=form.scopes(),
            )
        except PartnersError as exc:
            add_service_error(form, exc)
        else:
            return redirect("partners_interest_confirm")
    return render(
        request,
        "partners/interest_form.html",
        {
            "form": form,
            "consent": consent_text,
            "purpose": consent_text.purpose(language),
            "recipients": consent_text.recipients(language),
            "withdrawal": consent_text.withdrawal(language),
            "draft": declaration,
            "history": ConsentRecord.objects.filter(declaration__user=user).select_related("consent_text"),
        },
    )


def _consent_items(declaration, language: str, consent_text) -> list[dict]:
    """Each consent item of the declaration's text: what, why, agreed or not, and the actual value shared."""
    user = declaration.user
    values = {
        ConsentScope.CONTACT: f"{user.get_full_name()} <{user.email}>".strip(),
        ConsentScope.STUDIES: selectors._studies(declaration, language),
        ConsentScope.FORCES: ", ".join(
            (f.name_en or f.name_fr) if language == "en" else f.name_fr for f in declaration.forces.all()
        )
        or "—",
        ConsentScope.MESSAGE: " — ".join(x for x in (declaration.message, declaration.phone) if x) or "—",
    }
    items = {item.scope: item for item in consent_text.items.all()} if consent_text else {}
    out = []
    for scope, label in ConsentScope.choices:
        item = items.get(scope)
        out.append(
            {
                "scope": scope,
                "shared": item.shared(language) if item else label,
                "why": item.why(language) if item else "",
                "agreed": declaration.has_scope(scope),
                "value": values[scope],
            }
        )
    return out


@reservist_required
@require_http_methods(["GET", "POST"])
def interest_confirm(request: HttpRequest) -> HttpResponse:
    """Review exactly what will be shared, with whom, why and for how long; then confirm."""
    declaration = selectors.open_interest(request.user)
    if declaration is None or declaration.status != InterestStatus.DRAFT:
        return redirect("partners_interest")
    language = _language()
    consent = (
        services.consent_text_current()
    )  # the version in force is the one the person reads and agrees to
    form = ConfirmForm(request.POST or None, initial={"consent_version": consent.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.interest_confirm(
                declaration=declaration,
                actor=request.user,
                consent_version=form.cleaned_data["consent_version"],
            )
        except PartnersError as exc:
            messages.error(request, str(exc))
            return redirect("partners_interest_confirm")
        if declaration.share_contact:
            messages.success(
                request, _("Thank you. The Garde nationale referent of your institution will contact you.")
            )
        else:
            messages.success(
                request,
                _("Your interest is recorded. You did not agree to be contacted: no referral was made."),
            )
        return redirect("partners_interest")
    return render(
        request,
        "partners/interest_confirm.html",
        {
            "form": form,
            "declaration": declaration,
            "consent": consent,
            "items": _consent_items(declaration, language, consent),
            "purpose": consent.purpose(language),
            "recipients": consent.recipients(language),
            "withdrawal": consent.withdrawal(language),
        },
    )


@reservist_required
@require_POST
def interest_withdraw(request: HttpRequest) -> HttpResponse:
    declaration = selectors.open_interest(request.user)
    if declaration is None:
        messages.info(request, _("There is nothing to withdraw."))
        return redirect("partners_interest")
    was_draft = declaration.status == InterestStatus.DRAFT
    try:
        services.interest_withdraw(declaration=declaration, actor=request.user)
    except PartnersError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Your draft is deleted.")
            if was_draft
            else _(
                "Your consent is withdrawn. The referent no longer sees your information; the record will be "
                "deleted after the retention period."
            ),
        )
    return redirect("partners_interest")


# --------------------------------------------------------------------------------------------------------
# Referrals (Garde nationale referents)


@referent_required
@require_GET
def referral_queue(request: HttpRequest) -> HttpResponse:
    institutions = list(selectors.referent_institutions(request.user).order_by("name"))
    form = ReferralFilterForm(request.GET or None, institutions=institutions)
    stage, institution = "", None
    if form.is_valid():
        stage = form.cleaned_data["stage"]
        slug = form.cleaned_data["institution"]
        institution = next((i for i in institutions if i.slug == slug), None)
    queryset = selectors.referral_queue(request.user, stage=stage, institution=institution)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "partners/referral_queue.html",
        {"form": form, "page_obj": page, "counts": selectors.referral_stage_counts(request.user)},
    )


@referent_required
@require_GET
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_for(request.user, pk)
    return render(
        request,
        "partners/referral_detail.html",
        {
            "card": selectors.referral_card(referral, _language()),
            "referral": referral,
            "transitions": available_for(referral.stage),
            "note_form": ReferralNoteForm(initial={"note": referral.note}),
            "history": referral.transitions.select_related("actor"),
            "breadcrumb_data": {
                "links": [{"url": "/partners/referrals/", "title": _("Referrals")}],
                "current": _("Referral"),
            },
        },
    )


@referent_required
@require_POST
def referral_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    referral = selectors.referral_for(request.user, pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        referral = services.referral_transition(
            referral=referral, name=name, actor=request.user, expected_version=version
        )
    except PartnersError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Done: the referral is now “%(stage)s”.") % {"stage": referral.get_stage_display()}
        )
    return redirect("partners_referral_detail", pk=pk)


@referent_required
@require_POST
def referral_note(request: HttpRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_for(request.user, pk)
    form = ReferralNoteForm(request.POST)
    if form.is_valid():
        try:
            services.referral_note_save(referral=referral, note=form.cleaned_data["note"], actor=request.user)
        except PartnersError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Note saved."))
    return redirect("partners_referral_detail", pk=pk)


# --------------------------------------------------------------------------------------------------------
# Reports (referents and the school's leadership)


def _report_scope(request: HttpRequest, years) -> tuple[ReportScopeForm, Scope, int]:
    institutions = list(selectors.report_institutions(request.user))
    if not institutions:
        raise PermissionDenied
    form = ReportScopeForm(request.GET or None, institutions=institutions, years=years)
    selected, year = institutions, years[-1]
    if form.is_bound and form.is_valid():
        slug = form.cleaned_data["institution"]
        if slug:
            selected = [i for i in institutions if i.slug == slug]
        year = form.cleaned_data["year"] or year
    elif form.is_bound:
        raise Http404
    if len(institutions) == 1:
        form.fields["institution"].initial = institutions[0].slug
    return form, Scope.of(selected), year


@reports_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    snapshot = current_snapshot()
    form, scope, year = _report_scope(request, snapshot.years)
    language = _language()
    universe = universe_from_snapshot(snapshot, scope)
    index = universe.years.index(year)
    sections = []
    for code, label in SECTIONS:
        items = []
        for report in available_reports():
            if report.section != code:
                continue
            table = report_table(universe, report, scope, language)
            long = len(table.rows) > LONG_BREAKDOWN
            items.append(
                {
                    "table": table,
                    "year_index": index,
                    "bar": bar_chart(table, index, f"chart-{report.code}-bar")
                    if table.rows and not long
                    else "",
                    "trend": trend_chart(table, f"chart-{report.code}-trend"),
                    "rows": []
                    if long
                    else [(row, [table.text(f) for f in row.figures]) for row in table.rows],
                    "omitted": len(table.rows) if long else 0,
                    "total": [table.text(f) for f in table.total.figures],
                }
            )
        if items:
            sections.append({"code": code, "label": label, "items": items})
    return render(
        request,
        "partners/dashboard.html",
        {
            "form": form,
            "scope": scope,
            "year": year,
            "years": universe.years,
            "sections": sections,
            "snapshot": snapshot,
            "threshold": universe.threshold,
            "unavailable": _unavailable_reports(),
            "formats": sorted(FORMATS),
            "query": request.GET.urlencode(),
        },
    )


def _unavailable_reports():
    available = set(available_reports())
    return [r for r in REGISTRY.values() if r not in available]


@reports_required
@require_GET
def report_download(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    this_year = timezone.localdate().year
    _form, scope, year = _report_scope(request, list(range(this_year - 9, this_year + 1)))
    report = yearly_report(year, scope, _language())
    output = FORMATS[fmt]
    content = output.render(report)
    audit_record(
        "partners.report.exported",
        actor=request.user,
        data={"year": year, "format": fmt, "institutions": [i.slug for i in scope.institutions]},
    )
    suffix = scope.single.slug if scope.single else "all"
    response = HttpResponse(content, content_type=output.content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="garde-nationale-{year}-{suffix}.{output.extension}"'
    )
    return response


# --------------------------------------------------------------------------------------------------------
# Share links (holders) and the shared profile (public)


@reservist_required
@require_http_methods(["GET", "POST"])
def share_links(request: HttpRequest) -> HttpResponse:
    form = ShareLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            link = services.share_link_create(holder=request.user, **form.cleaned_data)
        except PartnersError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Link created. Copy it and send it to the recruiter."))
            return redirect(f"{request.path}#link-{link.pk}")
    links = selectors.share_links_of(request.user)
    return render(
        request,
        "partners/share_links.html",
        {
            "form": form,
            "links": links,
            "now": timezone.now(),
            "preview": selectors.shared_profile(ShareLink(holder=request.user, show_name=True), _language()),
        },
    )


@reservist_required
@require_POST
def share_link_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(selectors.share_links_of(request.user), pk=pk)
    services.share_link_revoke(link=link, actor=request.user)
    messages.success(request, _("The link is revoked: it now shows a page without any data."))
    return redirect("partners_share_links")


@login_not_required
@never_cache
@require_GET
def shared_profile(request: HttpRequest, token: str) -> HttpResponse:
    link = ShareLink.objects.select_related("holder").filter(token=token).first()
    if link is None:
        raise Http404
    if not link.is_live:
        response = render(
            request, "partners/shared_gone.html", {"revoked": link.revoked_at is not None}, status=410
        )
    else:
        if request.user != link.holder:
            services.share_link_viewed(link=link)
        response = render(
            request,
            "partners/shared_profile.html",
            {"profile": selectors.shared_profile(link, _language()), "link": link},
        )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response

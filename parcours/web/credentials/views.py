"""Credentials in HTML: public verification pages, DID documents and status lists (no login), the holder's
"My credentials" page, and the school's pages to manage credentials and batches."""

from __future__ import annotations

import hashlib
import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parcours.accounts.permissions import role_required
from parcours.credentials.api import verify_qr_svg, verify_url
from parcours.credentials.batches import batch_create, batch_sources
from parcours.credentials.compose import identity_matches
from parcours.credentials.enums import CredentialStatus, Verdict
from parcours.credentials.images import baked_png, baked_svg
from parcours.credentials.issuers import did_document
from parcours.credentials.models import CredentialPreference, IssuerProfile, StatusList
from parcours.credentials.roles import CREDENTIAL_MANAGER_ROLES
from parcours.credentials.selectors import (
    batch_for_manager,
    batches_for_manager,
    credential_for_manager,
    credential_of_holder,
    credentials_for_manager,
    credentials_of_holder,
    managed_institutions,
    public_credential,
    replacement_of,
)
from parcours.credentials.services import (
    TransitionNotAllowed,
    credential_preference_set,
    credential_reinstate,
    credential_revoke,
    credential_set_hidden,
    credential_suspend,
)
from parcours.credentials.statuslists import status_list_token
from parcours.credentials.verification import Verification, verify_credential, verify_submission
from parcours.credentials.workflow import TRANSITIONS
from parcours.frameworks.selectors import esco_labels
from parcours.web.middleware import declared_body_length

from .forms import BatchForm, HolderEmailForm, PreferenceForm, ReasonForm, VerifyForm
from .presentation import achievement_type_label, display


def _public_headers(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _verification_context(verification: Verification, request) -> dict:
    language = get_language() or "fr"
    # What an unverified token claims is never shown: only a signature that checks out makes it the issuer's.
    summary = verification.summary() if verification.content_trusted else {}
    credential = verification.credential
    context = {
        "verification": verification,
        "display": display(verification.verdict),
        "summary": summary,
        "credential": credential,
        "achievement_type": achievement_type_label(summary.get("achievement_type", "")),
    }
    if credential is not None:
        context.update(
            {
                "name": credential.localized("name", language) or summary.get("name"),
                "description": credential.localized("description", language) or summary.get("description"),
                "criteria": credential.localized("criteria", language) or summary.get("criteria"),
                "holder_name": "" if credential.hidden else credential.holder.get_full_name(),
                "replaced_by": replacement_of(credential),
            }
        )
    else:
        context.update(
            {
                "name": summary.get("name"),
                "description": summary.get("description"),
                "criteria": summary.get("criteria"),
            }
        )
    return context


@login_not_required
@require_http_methods(["GET", "POST"])
@never_cache
def verify_detail(request: HttpRequest, public_id) -> HttpResponse:
    """The public page of one credential: verified now, with the achievement, competencies and school.

    Rate limited like every public page; the holder's e-mail check (POST) also counts as a verification
    (``parcours.security.ratelimit``)."""
    credential = public_credential(public_id)
    if credential is None or credential.hidden:
        response = render(
            request,
            "credentials/verify_detail.html",
            {
                "display": display(Verdict.NOT_FOUND),
                "verification": Verification(Verdict.NOT_FOUND),
                "found": False,
            },
            status=404,
        )
        return _public_headers(response)
    email_form, email_match = HolderEmailForm(), None
    if request.method == "POST":
        email_form = HolderEmailForm(request.POST)
        if email_form.is_valid():
            identifiers = credential.document.get("credentialSubject", {}).get("identifier", [])
            email_match = any(
                identity_matches(
                    email_form.cleaned_data["email"], i.get("identityHash", ""), i.get("salt", "")
                )
                for i in identifiers
                if isinstance(i, dict)
            )
    verification = verify_credential(credential)
    context = _verification_context(verification, request)
    context.update({"email_form": email_form, "email_match": email_match, "found": True})
    return _public_headers(render(request, "credentials/verify_detail.html", context))


@login_not_required
@require_http_methods(["GET", "POST"])
@never_cache
def verify_form(request: HttpRequest) -> HttpResponse:
    """Paste or upload any Open Badges 3.0 credential and get the same verdict (each POST counts as a
    verification in the rate limits: ``parcours.security.ratelimit``)."""
    verification = None
    limit = settings.CREDENTIALS["MAX_UPLOAD_BYTES"]
    if request.method == "POST":
        too_big = declared_body_length(request) > limit + 64 * 1024
        form = VerifyForm()
        if not too_big:
            try:
                form = VerifyForm(request.POST, request.FILES)
                valid = form.is_valid()
            except RequestDataTooBig:
                too_big, valid = True, False
        if too_big:
            verification = verify_submission(b" " * (limit + 1))
        elif valid:
            upload = form.cleaned_data.get("file")
            if upload is not None:
                data = b" " * (limit + 1) if upload.size > limit else upload.read()
            else:
                data = form.cleaned_data.get("credential") or ""
            verification = verify_submission(data)
    else:
        form = VerifyForm()
    context = {"form": form}
    if verification is not None:
        context.update(_verification_context(verification, request))
    return _public_headers(render(request, "credentials/verify_form.html", context))


# ── machine-readable public documents ───────────────────────────────────────


def _cors(response: HttpResponse, max_age: int) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response


@login_not_required
@require_GET
def status_list(request: HttpRequest, public_id) -> HttpResponse:
    """A signed Bitstring Status List credential (VC-JWT), cacheable for a few minutes."""
    status = get_object_or_404(StatusList, public_id=public_id)
    token = status_list_token(status)
    etag = '"' + hashlib.sha256(token.encode()).hexdigest()[:32] + '"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(token, content_type="application/vc+jwt")
    response["ETag"] = etag
    if status.signed_at:
        response["Last-Modified"] = http_date(status.signed_at.timestamp())
    return _cors(response, settings.CREDENTIALS["STATUS_LIST_MAX_AGE"])


def _did_response(profile: IssuerProfile | None) -> HttpResponse:
    if profile is None:
        raise Http404("No did:web issuer here.")
    response = JsonResponse(did_document(profile), json_dumps_params={"indent": 2})
    return _cors(response, 3600)


@login_not_required
@require_GET
def did_document_root(request: HttpRequest) -> HttpResponse:
    """``/.well-known/did.json``: the DID document of the issuer whose identifier is this host."""
    profiles = [
        p for p in IssuerProfile.objects.exclude(web_did="") if p.did_document_path == "/.well-known/did.json"
    ]
    return _did_response(profiles[0] if profiles else None)


@login_not_required
@require_GET
def issuer_did_document(request: HttpRequest, slug: str) -> HttpResponse:
    profiles = [
        p
        for p in IssuerProfile.objects.exclude(web_did="").filter(institution__slug=slug)
        if p.did_document_path == f"/issuers/{slug}/did.json"
    ]
    return _did_response(profiles[0] if profiles else None)


# ── the holder ──────────────────────────────────────────────────────────────


def _linkedin_url(credential, url: str) -> str:
    issued = credential.awarded_at
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": credential.localized("name", get_language() or "fr"),
        "organizationName": credential.institution.name,
        "issueYear": issued.year,
        "issueMonth": issued.month,
        "certUrl": url,
        "certId": str(credential.public_id),
    }
    return "https://www.linkedin.com/profile/add?" + urlencode(params)


@require_GET
def my_credentials(request: HttpRequest) -> HttpResponse:
    language = get_language() or "fr"
    items = []
    credentials = list(credentials_of_holder(request.user))
    # Credentials issued before their ESCO labels were recorded: name the skills from the catalogue.
    unlabelled = {
        uri
        for c in credentials
        for uri in c.achievement.get("esco_uris", [])
        if not c.achievement.get("esco_labels", {}).get(uri)
    }
    catalogue = esco_labels(unlabelled) if unlabelled else {}
    for credential in credentials:
        url = verify_url(credential)
        items.append(
            {
                "credential": credential,
                "name": credential.localized("name", language),
                "description": credential.localized("description", language),
                "url": url,
                "qr": verify_qr_svg(credential),
                "linkedin": _linkedin_url(credential, url),
                "alignments": credential.achievement.get("framework_alignments", []),
                "esco": [
                    {
                        "uri": uri,
                        "label": credential.achievement.get("esco_labels", {}).get(uri)
                        or catalogue.get(uri)
                        or uri,
                    }
                    for uri in credential.achievement.get("esco_uris", [])
                ],
                "shareable": credential.status == CredentialStatus.ACTIVE,
            }
        )
    preference = CredentialPreference.objects.filter(user=request.user).first()
    form = PreferenceForm(initial={"include_evidence": bool(preference and preference.include_evidence)})
    return render(
        request,
        "credentials/my_credentials.html",
        {"items": items, "preference_form": form, "breadcrumb_data": {"current": _("My credentials")}},
    )


@require_GET
def download(request: HttpRequest, public_id, fmt: str) -> HttpResponse:
    credential = credential_of_holder(request.user, public_id)
    stem = f"credential-{credential.public_id}"
    if fmt == "jwt":
        response = HttpResponse(credential.token, content_type="application/vc+jwt")
        filename = f"{stem}.jwt"
    elif fmt == "json":
        document = credential.data_integrity or credential.readable_document()
        response = HttpResponse(
            json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        filename = f"{stem}.json"
    elif fmt == "png":
        response = HttpResponse(baked_png(credential), content_type="image/png")
        filename = f"{stem}.png"
    elif fmt == "svg":
        response = HttpResponse(baked_svg(credential), content_type="image/svg+xml")
        filename = f"{stem}.svg"
    else:
        raise Http404("Unknown format.")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def visibility(request: HttpRequest, public_id) -> HttpResponse:
    credential = credential_of_holder(request.user, public_id)
    hidden = request.POST.get("hidden") == "1"
    credential_set_hidden(credential=credential, hidden=hidden, actor=request.user)
    if hidden:
        messages.success(request, _("The credential is hidden: its public page no longer shows it."))
    else:
        messages.success(request, _("The credential is shared again: its public page shows it."))
    return redirect("credential_mine")


@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST)
    if form.is_valid():
        credential_preference_set(user=request.user, include_evidence=form.cleaned_data["include_evidence"])
        messages.success(
            request, _("Your choice is saved; it applies to the credentials issued from now on.")
        )
    return redirect("credential_mine")


# ── the school ──────────────────────────────────────────────────────────────


@require_GET
@role_required(*CREDENTIAL_MANAGER_ROLES)
def manage_list(request: HttpRequest) -> HttpResponse:
    credentials = credentials_for_manager(request.user).order_by("-issued_at", "-id")
    status = request.GET.get("status", "")
    if status in CredentialStatus.values:
        credentials = credentials.filter(status=status)
    query = request.GET.get("q", "").strip()
    if query:
        credentials = credentials.filter(holder__email__icontains=query) | credentials.filter(
            holder__last_name__icontains=query
        )
    page = Paginator(credentials, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "credentials/manage_list.html",
        {
            "page_obj": page,
            "status": status,
            "query": query,
            "statuses": CredentialStatus.choices,
            "breadcrumb_data": {"current": _("Issued credentials")},
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(*CREDENTIAL_MANAGER_ROLES)
def manage_detail(request: HttpRequest, public_id) -> HttpResponse:
    credential = credential_for_manager(request.user, public_id)
    form = ReasonForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        transition = TRANSITIONS.get(action)
        form = ReasonForm(request.POST)
        if transition is None:
            messages.error(request, _("Unknown action."))
        elif transition.needs_reason and not form.is_valid():
            messages.error(request, _("Give a reason: it is kept in the audit trail and shown to verifiers."))
        else:
            service = {
                "revoke": credential_revoke,
                "suspend": credential_suspend,
                "reinstate": credential_reinstate,
            }
            reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
            try:
                service[action](credential=credential, reason=reason, actor=request.user)
            except TransitionNotAllowed:
                messages.error(request, _("This action is no longer available for this credential."))
            else:
                messages.success(request, _("Done: the status list is updated."))
                return redirect("credential_manage_detail", public_id=credential.public_id)
    return render(
        request,
        "credentials/manage_detail.html",
        {
            "credential": credential,
            "form": form,
            "actions": credential.available_actions(),
            "url": verify_url(credential),
            "replaced_by": replacement_of(credential),
            "breadcrumb_data": {
                "links": [{"url": reverse("credential_manage"), "title": _("Issued credentials")}],
                "current": credential.name,
            },
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(*CREDENTIAL_MANAGER_ROLES)
def batch_list(request: HttpRequest) -> HttpResponse:
    institutions = managed_institutions(request.user)
    sources = batch_sources()
    form = BatchForm(request.POST or None, sources=sources, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        batch = batch_create(
            institution=form.cleaned_data["institution"],
            source=form.cleaned_data["source"],
            cohort=form.cleaned_data.get("cohort"),
            actor=request.user,
        )
        return redirect("credential_batch_detail", batch_id=batch.pk)
    return render(
        request,
        "credentials/batch_list.html",
        {
            "form": form,
            "sources": sources,
            "batches": batches_for_manager(request.user)[:30],
            "breadcrumb_data": {"current": _("Batch issuance")},
        },
    )


@require_GET
@role_required(*CREDENTIAL_MANAGER_ROLES)
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = batch_for_manager(request.user, batch_id)
    return render(
        request,
        "credentials/batch_detail.html",
        {
            "batch": batch,
            "breadcrumb_data": {
                "links": [{"url": reverse("credential_batch_list"), "title": _("Batch issuance")}],
                "current": batch.label,
            },
        },
    )

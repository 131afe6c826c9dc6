"""Public verification page of a document, and the permission-checked download of its stored file."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from parcours.documents.selectors import document_for_download, document_for_verification
from parcours.documents.services import DocumentIntegrityError, document_read_for_download, fingerprint
from parcours.web.middleware import declared_body_length

from .forms import MAX_COPY_SIZE, CopyCheckForm


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def document_verify(request: HttpRequest, public_id: str) -> HttpResponse:
    """Anyone holding the address (QR code) learns whether the document is authentic, withdrawn or unknown.

    Shows only the document's public summary: issuer, date, holder's name, what was recognised.
    """
    document = document_for_verification(public_id)
    copy_matches = None
    copy_too_large = False
    form = CopyCheckForm()
    if document is not None and request.method == "POST":
        if declared_body_length(request) > MAX_COPY_SIZE + 64 * 1024:  # refuse before reading the body
            copy_too_large = True
        else:
            form = CopyCheckForm(request.POST, request.FILES)
            if form.is_valid():
                copy_matches = fingerprint(form.cleaned_data["file"].chunks()) == document.sha256
    response = render(
        request,
        "documents/verify.html",
        {
            "document": document,
            "issuer": (document.summary.get("institution_name") or document.institution.name)
            if document
            else "",
            "form": form,
            "copy_matches": copy_matches,
            "copy_too_large": copy_too_large,
        },
        status=200 if document is not None else 404,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def document_download(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The stored PDF, byte for byte, for its holder and the school's deciders; anyone else gets a 404."""
    document = document_for_download(request.user, public_id)
    try:
        content = document_read_for_download(document=document, actor=request.user)
    except DocumentIntegrityError:
        return HttpResponse(render_to_string("errors/500.html", request=request), status=500)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.download_filename()}"'
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = "private, no-store"
    return response

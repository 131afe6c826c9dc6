"""The absence request letter (PDF), drafted from the request, the rule in force and the year's counter.

Rendered with WeasyPrint from ``templates/scheduling/pdf/absence_request_letter.html``; no network access
(the stylesheet is in the template, fonts are the installed ones).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import cache

from django.template.loader import render_to_string
from django.utils import timezone

from . import quotas
from .models import AbsenceRequest


@cache
def _weasyprint():
    """Import WeasyPrint on first use (slow import); the fetcher refuses every URL but ``data:``."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    return weasyprint.HTML, URLFetcher(
        allowed_protocols={"data"}, allow_redirects=False, fail_on_errors=True, timeout=1
    )


def letter_context(request: AbsenceRequest) -> dict:
    call_up = request.call_up
    start = timezone.localtime(call_up.starts_at)
    last = timezone.localtime(call_up.ends_at - timedelta(microseconds=1))
    counter = quotas.absence_counter(
        user=request.requester,
        institution=request.institution,
        year=start.year,
        exclude_call_up_id=call_up.pk,
        extra_period=(call_up.starts_at, call_up.ends_at),
    )
    return {
        "request": request,
        "requester": request.requester,
        "institution": request.institution,
        "activity": call_up.activity_type,
        "first_day": start.date(),
        "last_day": last.date(),
        "rule": request.rule,
        "counter": counter,
        "today": timezone.localdate(),
        "notice_text_months": request.rule.notice_months,
    }


def absence_request_letter_pdf(request: AbsenceRequest) -> bytes:
    html = render_to_string("scheduling/pdf/absence_request_letter.html", letter_context(request))
    html_class, fetcher = _weasyprint()
    return html_class(string=html, url_fetcher=fetcher).write_pdf()

"""The absence request letter (PDF), drafted from the request, the rule in force and the year's counter.

Rendered from ``templates/scheduling/pdf/absence_request_letter.html`` by :func:`parcours.pdf.html_to_pdf`
(no network access; the stylesheet is in the template, fonts are the installed ones).
"""

from __future__ import annotations

from datetime import timedelta

from django.template.loader import render_to_string
from django.utils import timezone

from parcours.pdf import html_to_pdf

from . import quotas
from .models import AbsenceRequest


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
    return html_to_pdf(
        render_to_string("scheduling/pdf/absence_request_letter.html", letter_context(request))
    )

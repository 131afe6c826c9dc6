"""Portfolio API: the holder's profile, periods, evidence and claims."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from parcours.accounts.enums import RESERVIST_ROLES
from parcours.accounts.permissions import has_role, institutions_with_role
from parcours.portfolio import selectors, services
from parcours.portfolio.enums import Visibility
from parcours.reserve.models import ActivityType, Force

from .schemas import ErrorOut

router = Router(tags=["portfolio"])


class PeriodIn(Schema):
    activity_type: str  # ActivityType.code
    title: str
    start_date: date
    end_date: date
    days: int | None = None
    days_reason: str = ""
    force: str | None = None  # Force.code
    description: str = ""
    place: str = ""
    visibility: Visibility = Visibility.PRIVATE


class PeriodOut(Schema):
    id: int
    activity_type: str
    title: str
    start_date: date
    end_date: date
    days: int
    description: str
    visibility: str


class EvidenceOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int
    sha256: str


def _profile(request: HttpRequest):
    if not has_role(request.auth, *RESERVIST_ROLES):
        return None
    institution = institutions_with_role(request.auth, *RESERVIST_ROLES).first()
    return services.profile_get_or_create(user=request.auth, institution=institution)


def _period_out(period) -> dict:
    return {
        "id": period.pk,
        "activity_type": period.activity_type.code,
        "title": period.title,
        "start_date": period.start_date,
        "end_date": period.end_date,
        "days": period.days,
        "description": period.description,
        "visibility": period.visibility,
    }


@router.get(
    "/periods", response={200: list[PeriodOut], 401: ErrorOut, 403: ErrorOut}, operation_id="period_list"
)
def period_list(request: HttpRequest):
    """The caller's reserve periods, most recent first."""
    profile = _profile(request)
    if profile is None:
        return Status(403, {"detail": "Only students and staff keep a portfolio."})
    return [_period_out(p) for p in selectors.periods_of(profile)]


@router.post(
    "/periods",
    response={201: PeriodOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    operation_id="period_create",
)
def period_create(request: HttpRequest, payload: PeriodIn):
    """Declare a reserve period. Days default to the calendar length; a different number needs a reason."""
    profile = _profile(request)
    if profile is None:
        return Status(403, {"detail": "Only students and staff keep a portfolio."})
    activity_type = ActivityType.objects.filter(code=payload.activity_type, is_active=True).first()
    if activity_type is None:
        return Status(400, {"detail": f"activity_type: unknown code “{payload.activity_type}”."})
    force = None
    if payload.force:
        force = Force.objects.filter(code=payload.force).first()
        if force is None:
            return Status(400, {"detail": f"force: unknown code “{payload.force}”."})
    data = payload.dict(exclude={"activity_type", "force"})
    period = services.period_create(
        profile=profile, actor=request.auth, activity_type=activity_type, force=force, **data
    )
    return Status(201, _period_out(period))


@router.post(
    "/periods/{period_id}/evidence",
    response={201: EvidenceOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    operation_id="evidence_upload",
)
def evidence_upload(
    request: HttpRequest, period_id: int, file: File[UploadedFile], kind: Form[str] = "attestation"
):
    """Attach a PDF, JPEG or PNG file (checked by content; image metadata removed)."""
    period = selectors.own_period(request.auth, period_id)
    evidence = services.evidence_add(
        profile=period.profile,
        actor=request.auth,
        name=file.name or "upload",
        data=file.read(),
        period=period,
        kind=kind,
    )
    return Status(201, evidence)


@router.get(
    "/evidence/{evidence_id}",
    response={200: EvidenceOut, 401: ErrorOut, 404: ErrorOut},
    operation_id="evidence_read",
)
def evidence_read(request: HttpRequest, evidence_id: int):
    """Metadata of an evidence file the caller may see (the file itself: /portfolio/evidence/<id>/)."""
    return get_object_or_404(selectors.evidence_visible_to(request.auth), pk=evidence_id)

"""Write side of the portfolio. Each service is one transaction; refusals raise ``PortfolioError``."""

from __future__ import annotations

from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from parcours.audit.services import audit_record

from .models import CompetencyClaim, Evidence, EvidenceAccess, ReservePeriod, ReservistProfile
from .uploads import check_upload


class PortfolioError(ValueError):
    """A refused change, with a message for the user; ``field`` names the form field when there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def profile_get_or_create(*, user, institution) -> ReservistProfile:
    profile, _created = ReservistProfile.objects.get_or_create(
        user=user, defaults={"institution": institution}
    )
    return profile


@transaction.atomic
def profile_update(*, profile: ReservistProfile, actor, **fields) -> ReservistProfile:
    start, end = fields.get("esr_start", profile.esr_start), fields.get("esr_end", profile.esr_end)
    if start and end and end < start:
        raise PortfolioError(_("The engagement cannot end before it starts."), field="esr_end")
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save()
    audit_record("portfolio.profile.updated", actor=actor, target=profile, institution=profile.institution)
    return profile


def _check_period(
    *,
    profile: ReservistProfile,
    start_date: date,
    end_date: date,
    days: int | None,
    days_reason: str,
    exclude=None,
) -> int:
    if end_date < start_date:
        raise PortfolioError(_("The period cannot end before it starts."), field="end_date")
    length = ReservePeriod.calendar_length(start_date, end_date)
    days = length if days is None else days
    if days < 1:
        raise PortfolioError(_("A period counts at least one day of activity."), field="days")
    if days > length:
        raise PortfolioError(
            _("%(days)s days of activity do not fit in a period of %(length)s calendar days.")
            % {"days": days, "length": length},
            field="days",
        )
    if days != length and not days_reason.strip():
        raise PortfolioError(
            _("Say why the days of activity (%(days)s) differ from the calendar length (%(length)s).")
            % {"days": days, "length": length},
            field="days_reason",
        )
    overlapping = profile.periods.filter(start_date__lte=end_date, end_date__gte=start_date)
    if exclude is not None:
        overlapping = overlapping.exclude(pk=exclude.pk)
    if clash := overlapping.first():
        raise PortfolioError(
            _("This period overlaps “%(other)s”, already declared.") % {"other": clash}, field="start_date"
        )
    return days


@transaction.atomic
def period_create(
    *,
    profile: ReservistProfile,
    actor,
    activity_type,
    title: str,
    start_date: date,
    end_date: date,
    days: int | None = None,
    days_reason: str = "",
    force=None,
    description: str = "",
    place: str = "",
    visibility: str = "private",
) -> ReservePeriod:
    days = _check_period(
        profile=profile, start_date=start_date, end_date=end_date, days=days, days_reason=days_reason
    )
    period = ReservePeriod.objects.create(
        profile=profile,
        activity_type=activity_type,
        force=force or profile.force,
        title=title,
        start_date=start_date,
        end_date=end_date,
        length_days=ReservePeriod.calendar_length(start_date, end_date),
        days=days,
        days_reason=days_reason.strip(),
        description=description,
        place=place,
        visibility=visibility,
    )
    audit_record("portfolio.period.created", actor=actor, target=period, institution=profile.institution)
    return period


def period_is_locked(period: ReservePeriod) -> bool:
    """A period under examination or validated can no longer be changed by its holder."""
    from parcours.recognition.api import period_locked

    return period_locked(period)


@transaction.atomic
def period_update(*, period: ReservePeriod, actor, **fields) -> ReservePeriod:
    if period_is_locked(period):
        raise PortfolioError(
            _("This period is part of a request being examined or decided: it cannot be changed.")
        )
    start = fields.get("start_date", period.start_date)
    end = fields.get("end_date", period.end_date)
    days = _check_period(
        profile=period.profile,
        start_date=start,
        end_date=end,
        days=fields.pop("days", period.days),
        days_reason=fields.get("days_reason", period.days_reason),
        exclude=period,
    )
    for name, value in fields.items():
        setattr(period, name, value)
    period.days = days
    period.length_days = ReservePeriod.calendar_length(start, end)
    period.save()
    audit_record(
        "portfolio.period.updated", actor=actor, target=period, institution=period.profile.institution
    )
    return period


@transaction.atomic
def period_delete(*, period: ReservePeriod, actor) -> None:
    if period_is_locked(period) or period.requests.exists():
        raise PortfolioError(_("This period is part of a recognition request: withdraw the request first."))
    audit_record(
        "portfolio.period.deleted", actor=actor, target=period, institution=period.profile.institution
    )
    for evidence in period.evidence.all():
        evidence.file.delete(save=False)
    period.delete()


def evidence_add(
    *,
    profile: ReservistProfile,
    actor,
    name: str,
    data: bytes,
    period=None,
    kind: str = "attestation",
    visibility: str = "private",
) -> Evidence:
    """Check the file (type by content, size, hostile content), strip image metadata, store it privately."""
    from .uploads import UploadRefused

    try:
        checked = check_upload(name, data)
    except UploadRefused as exc:
        raise PortfolioError(str(exc), field="file") from exc
    if period is not None and period.profile_id != profile.pk:
        raise PortfolioError(_("This period is not yours."), field="period")
    with transaction.atomic():
        evidence = Evidence(
            profile=profile,
            period=period,
            kind=kind,
            original_name=name[:255],
            content_type=checked.content_type,
            size=len(checked.content),
            sha256=checked.sha256,
            visibility=visibility,
        )
        evidence.file.save("upload", ContentFile(checked.content), save=False)
        try:
            evidence.save()
        except Exception:
            evidence.file.delete(save=False)
            raise
        audit_record(
            "portfolio.evidence.added",
            actor=actor,
            target=evidence,
            institution=profile.institution,
            data={"sha256": checked.sha256, "size": evidence.size},
        )
    return evidence


def evidence_open(*, evidence: Evidence, user) -> bytes:
    """Read an evidence file for ``user`` (already authorised by the selector) and log the access."""
    with transaction.atomic():
        EvidenceAccess.objects.create(evidence=evidence, user=user)
        audit_record(
            "portfolio.evidence.downloaded",
            actor=user,
            target=evidence,
            institution=evidence.profile.institution,
            data={"file": evidence.original_name},
        )
    with evidence.file.open("rb") as handle:
        return handle.read()


@transaction.atomic
def evidence_delete(*, evidence: Evidence, actor) -> None:
    if evidence.period is not None and period_is_locked(evidence.period):
        raise PortfolioError(
            _("This file supports a request being examined or decided: it cannot be removed.")
        )
    audit_record(
        "portfolio.evidence.deleted", actor=actor, target=evidence, institution=evidence.profile.institution
    )
    evidence.file.delete(save=False)
    evidence.delete()


@transaction.atomic
def claim_add(
    *,
    period: ReservePeriod,
    actor,
    competency,
    self_level=None,
    account: str = "",
    from_suggestion: bool = False,
    visibility: str = "private",
) -> CompetencyClaim:
    if period_is_locked(period):
        raise PortfolioError(
            _("This period is part of a request being examined or decided: it cannot be changed.")
        )
    if self_level is not None and self_level.framework_id != competency.framework_id:
        raise PortfolioError(
            _("This level does not belong to the competency's framework."), field="self_level"
        )
    claim, created = CompetencyClaim.objects.update_or_create(
        period=period,
        competency=competency,
        defaults={
            "self_level": self_level,
            "account": account,
            "from_suggestion": from_suggestion,
            "visibility": visibility,
        },
    )
    audit_record(
        "portfolio.claim.added" if created else "portfolio.claim.updated",
        actor=actor,
        target=claim,
        institution=period.profile.institution,
    )
    return claim


@transaction.atomic
def claim_remove(*, claim: CompetencyClaim, actor) -> None:
    if period_is_locked(claim.period):
        raise PortfolioError(
            _("This period is part of a request being examined or decided: it cannot be changed.")
        )
    audit_record(
        "portfolio.claim.removed", actor=actor, target=claim, institution=claim.period.profile.institution
    )
    claim.delete()

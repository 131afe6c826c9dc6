"""Background work of the scheduling app, through Django's tasks API.

The default backend runs tasks immediately (development, tests); production runs them in the
``django_tasks_db`` worker. Arguments are ids: a task reads fresh data.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


@task
def calendar_subscription_refresh(group_id: int) -> dict:
    """Fetch a group's subscription URL and import it. A failure is recorded and leaves the calendar as it was."""
    from .ics import CalendarFileError
    from .models import CalendarGroup
    from .services import calendar_subscription_refresh as refresh

    group = CalendarGroup.objects.select_related("institution").filter(pk=group_id).first()
    if group is None or not group.subscription_url:
        return {"ok": False, "error": "no subscription"}
    try:
        result = refresh(group=group)
    except CalendarFileError as exc:
        logger.warning("Calendar subscription of group %s failed: %s", group_id, exc)
        return {"ok": False, "error": str(exc)}
    return {"ok": True, **{k: v for k, v in result.as_dict().items() if k != "changes"}}


def _send(user, subject: str, body: str) -> None:
    if not user or not user.email:
        return
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)


def _url(name: str, pk: int) -> str:
    return settings.SITE_URL + reverse(name, kwargs={"pk": pk})


@task
def arrangement_notify(arrangement_id: int, event: str) -> None:
    """Tell the next person in the arrangement workflow that it is their turn, or the student the outcome."""
    from parcours.accounts.enums import Role
    from parcours.accounts.models import User

    from .models import StudyArrangement

    arrangement = (
        StudyArrangement.objects.select_related("student", "teacher", "institution")
        .filter(pk=arrangement_id)
        .first()
    )
    if arrangement is None:
        return
    link = _url("scheduling_arrangement_detail", arrangement.pk)
    if event == "requested":
        recipients = [arrangement.teacher]
        subject, text = (
            _("Study arrangement requested"),
            _("A student asks for an arrangement of “%(event)s”."),
        )
    elif event == "proposed":
        recipients = list(
            User.objects.filter(
                memberships__institution=arrangement.institution,
                memberships__role=Role.DIRECTOR_OF_STUDIES,
                memberships__is_active=True,
            ).distinct()
        )
        subject, text = _("Arrangement to approve"), _("The teacher proposed a solution for “%(event)s”.")
    else:
        recipients = [arrangement.student, arrangement.teacher]
        subject, text = (
            _("Study arrangement decided"),
            _("The arrangement of “%(event)s” has been decided."),
        )
    for user in recipients:
        if user is None:
            continue
        with translation.override(user.language):
            _send(user, str(subject), f"{text % {'event': arrangement.event_summary}}\n\n{link}\n")


@task
def absence_request_notify(request_id: int, event: str) -> None:
    """Tell HR a request arrived, or the staff member HR's decision."""
    from parcours.accounts.enums import Role
    from parcours.accounts.models import User

    from .enums import AbsenceRequestStatus
    from .models import AbsenceRequest

    request = AbsenceRequest.objects.select_related("requester", "institution").filter(pk=request_id).first()
    if request is None:
        return
    link = _url("scheduling_absence_request_detail", request.pk)
    if event == AbsenceRequestStatus.SUBMITTED:
        recipients = list(
            User.objects.filter(
                memberships__institution=request.institution,
                memberships__role=Role.HR,
                memberships__is_active=True,
            ).distinct()
        )
        subject, text = _("Reserve absence request"), _("A staff reservist sent an absence request.")
    else:
        recipients = [request.requester]
        subject, text = _("Reserve absence request decided"), _("HR decided on your absence request.")
    for user in recipients:
        with translation.override(user.language):
            _send(user, str(subject), f"{text}\n\n{link}\n")

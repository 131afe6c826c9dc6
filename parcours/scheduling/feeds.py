"""The person's own plan as an iCalendar feed: reserve periods, and arrangement outcomes.

Written with ``icalendar``. The feed never names the force or the unit; the summary says « Réserve » and
the activity, which the person chose to record.
"""

from __future__ import annotations

from datetime import timedelta

import icalendar
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .enums import ArrangementSolution, ArrangementStatus, CallUpStatus
from .selectors import arrangements_visible_to, call_ups_of


def personal_feed(user, *, host: str) -> bytes:
    with translation.override(user.language or None):
        cal = icalendar.Calendar()
        cal.add("prodid", "-//Parcours Réserviste//Plan personnel//FR")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("x-wr-calname", _("My reserve plan"))
        cal.add("x-wr-timezone", str(timezone.get_current_timezone()))
        stamp = timezone.now()
        since = stamp - timedelta(days=365)
        for call_up in call_ups_of(user).filter(ends_at__gte=since):
            event = icalendar.Event()
            event.add("uid", f"call-up-{call_up.pk}@{host}")
            event.add("dtstamp", stamp)
            if call_up.all_day:
                event.add("dtstart", timezone.localtime(call_up.starts_at).date())
                event.add("dtend", timezone.localtime(call_up.ends_at).date())
            else:
                event.add("dtstart", call_up.starts_at)
                event.add("dtend", call_up.ends_at)
            event.add("summary", _("Reserve: %(activity)s") % {"activity": call_up.activity_type})
            event.add(
                "status",
                "CANCELLED"
                if call_up.status == CallUpStatus.CANCELLED
                else ("CONFIRMED" if call_up.status == CallUpStatus.CONFIRMED else "TENTATIVE"),
            )
            event.add("transp", "OPAQUE")
            cal.add_component(event)
        for arrangement in arrangements_visible_to(user).filter(
            status=ArrangementStatus.APPROVED,
            solution=ArrangementSolution.NEW_EXAM_DATE,
            proposed_starts_at__gte=since,
        ):
            event = icalendar.Event()
            event.add("uid", f"arrangement-{arrangement.pk}@{host}")
            event.add("dtstamp", stamp)
            event.add("dtstart", arrangement.proposed_starts_at)
            event.add("dtend", arrangement.proposed_ends_at)
            event.add("summary", _("Rescheduled exam: %(event)s") % {"event": arrangement.event_summary})
            cal.add_component(event)
        return cal.to_ical()

"""Public face of the scheduling app for the other apps.

Other apps import from here, never from the modules behind it.
"""

from .conflicts import Conflict, ConflictReport, check_call_up, check_call_ups, group_ids_by_user
from .enums import (
    AbsenceRequestStatus,
    ArrangementKind,
    ArrangementSolution,
    ArrangementStatus,
    CallUpStatus,
    ConflictSeverity,
    CounterLevel,
    EventKind,
)
from .ics import CalendarFileError
from .models import AbsenceRequest, CalendarGroup, CallUp, EventOccurrence, StudyArrangement
from .quotas import AbsenceCounter, absence_counter, working_days
from .selectors import (
    absence_requests_for_hr,
    arrangements_to_handle,
    arrangements_visible_to,
    calendar_items,
    call_ups_of,
    upcoming_call_ups,
)
from .services import calendar_import, call_up_create, call_up_transition

__all__ = [
    "AbsenceCounter",
    "AbsenceRequest",
    "AbsenceRequestStatus",
    "ArrangementKind",
    "ArrangementSolution",
    "ArrangementStatus",
    "CalendarFileError",
    "CalendarGroup",
    "CallUp",
    "CallUpStatus",
    "Conflict",
    "ConflictReport",
    "ConflictSeverity",
    "CounterLevel",
    "EventKind",
    "EventOccurrence",
    "StudyArrangement",
    "absence_counter",
    "absence_requests_for_hr",
    "arrangements_to_handle",
    "arrangements_visible_to",
    "calendar_import",
    "calendar_items",
    "call_up_create",
    "call_up_transition",
    "call_ups_of",
    "check_call_up",
    "check_call_ups",
    "group_ids_by_user",
    "upcoming_call_ups",
    "working_days",
]

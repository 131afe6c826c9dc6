"""Forms of the scheduling pages (DSFR rendering through ``BaseForm``)."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Cohort
from parcours.reserve.models import ActivityType, Force
from parcours.scheduling.enums import ArrangementKind, ArrangementSolution, EventKind
from parcours.scheduling.services import period_from_dates
from parcours.web.forms import BaseForm


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class CallUpForm(BaseForm):
    institution = forms.ModelChoiceField(label=_("institution"), queryset=None, empty_label=None)
    activity_type = forms.ModelChoiceField(label=_("activity"), queryset=None)
    force = forms.ModelChoiceField(label=_("force"), queryset=None, required=False)
    first_day = forms.DateField(label=_("first day"), widget=DateInput())
    last_day = forms.DateField(label=_("last day"), widget=DateInput())
    start_time = forms.TimeField(
        label=_("start time"), required=False, widget=TimeInput(), help_text=_("Leave empty for whole days.")
    )
    end_time = forms.TimeField(label=_("end time"), required=False, widget=TimeInput())
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.institutions = list(institutions)
        self.fields["institution"].queryset = institutions
        if len(self.institutions) == 1:
            self.fields["institution"].widget = forms.HiddenInput()
            self.fields["institution"].required = False
        self.fields["activity_type"].queryset = ActivityType.objects.filter(is_active=True)
        self.fields["force"].queryset = Force.objects.filter(is_active=True)

    def clean(self):
        data = super().clean()
        if not data.get("institution") and len(self.institutions) == 1:
            data["institution"] = self.institutions[0]
        first, last = data.get("first_day"), data.get("last_day")
        start_time, end_time = data.get("start_time"), data.get("end_time")
        if first and last:
            if last < first:
                self.add_error("last_day", _("The period ends before it starts."))
                return data
            if start_time or end_time:
                zone = timezone.get_current_timezone()
                if not (start_time and end_time):
                    self.add_error("end_time", _("Give both times, or none for whole days."))
                    return data
                data["starts_at"] = datetime.combine(first, start_time, tzinfo=zone)
                data["ends_at"] = datetime.combine(last, end_time, tzinfo=zone)
                data["all_day"] = False
                if data["ends_at"] <= data["starts_at"]:
                    self.add_error("end_time", _("The period ends before it starts."))
            else:
                data["starts_at"], data["ends_at"] = period_from_dates(first, last)
                data["all_day"] = True
        return data


class ArrangementRequestForm(BaseForm):
    requested_kind = forms.ChoiceField(
        label=_("What do you ask for?"), choices=ArrangementKind.choices, widget=forms.RadioSelect
    )
    teacher = forms.ModelChoiceField(label=_("teacher in charge"), queryset=None)
    comment = forms.CharField(
        label=_("message to the teacher"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Do not mention your unit or your rank: the dates are enough."),
    )

    def __init__(self, *args, teachers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = teachers


class ProposalForm(BaseForm):
    solution = forms.ChoiceField(label=_("solution"), choices=ArrangementSolution.choices)
    new_day = forms.DateField(label=_("new date"), required=False, widget=DateInput())
    new_time = forms.TimeField(label=_("time"), required=False, widget=TimeInput())
    comment = forms.CharField(label=_("message"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("solution") == ArrangementSolution.NEW_EXAM_DATE:
            if not data.get("new_day") or not data.get("new_time"):
                self.add_error("new_day", _("Give the new date and time."))
            else:
                data["proposed_starts_at"] = datetime.combine(
                    data["new_day"], data["new_time"], tzinfo=timezone.get_current_timezone()
                )
        return data


class CommentForm(BaseForm):
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(BaseForm):
    comment = forms.CharField(label=_("reason"), required=True, widget=forms.Textarea(attrs={"rows": 3}))


class AbsenceRequestForm(BaseForm):
    reactivity_clause = forms.BooleanField(
        label=_("My engagement includes a reactivity clause agreed by my employer (15 days' notice)"),
        required=False,
    )
    message = forms.CharField(
        label=_("message to HR"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CalendarImportForm(BaseForm):
    file = forms.FileField(label=_("iCalendar file (.ics)"))
    range_from = forms.DateField(label=_("from"), required=False, widget=DateInput())
    range_to = forms.DateField(
        label=_("to"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: the current academic year."),
    )


class SubscriptionForm(BaseForm):
    subscription_url = forms.URLField(
        label=_("subscription URL"),
        required=False,
        max_length=1000,
        assume_scheme="https",
        help_text=_(
            "The iCalendar address given by ADE, Hyperplanning or Celcat; refreshed in the background."
        ),
    )


class EventKindForm(BaseForm):
    kind = forms.ChoiceField(
        label=_("kind"), choices=[("", _("From the patterns")), *EventKind.choices], required=False
    )


class CalendarGroupForm(BaseForm):
    institution = forms.ModelChoiceField(label=_("institution"), queryset=None, empty_label=None)
    code = forms.CharField(label=_("code"), max_length=40)
    label = forms.CharField(label=_("label"), max_length=200)
    cohort = forms.ModelChoiceField(label=_("cohort"), queryset=None, required=False)

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.institutions = list(institutions)
        self.fields["institution"].queryset = institutions
        if len(self.institutions) == 1:
            self.fields["institution"].widget = forms.HiddenInput()
            self.fields["institution"].required = False
        self.fields["cohort"].queryset = Cohort.objects.filter(programme__institution__in=institutions)

    def clean(self):
        data = super().clean()
        if not data.get("institution") and len(self.institutions) == 1:
            data["institution"] = self.institutions[0]
        return data

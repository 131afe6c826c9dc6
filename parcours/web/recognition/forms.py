from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.recognition.enums import Outcome, RequestStatus
from parcours.recognition.models import JurySession
from parcours.web.forms import BaseForm, ModelMultipleChoiceField
from parcours.web.portfolio.forms import DateInput


class RequestForm(BaseForm):
    title = forms.CharField(label=_("title"), max_length=200)
    periods = ModelMultipleChoiceField(
        label=_("periods to recognise"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    message = forms.CharField(
        label=_("message to the reviewers"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, profile=None, **kwargs):
        super().__init__(*args, **kwargs)
        from parcours.portfolio.models import ReservePeriod

        self.fields["periods"].queryset = (
            ReservePeriod.objects.filter(profile=profile).select_related("activity_type")
            if profile
            else ReservePeriod.objects.none()
        )


class TransitionForm(BaseForm):
    comment = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
    session = forms.ModelChoiceField(
        label=_("jury session"), queryset=JurySession.objects.none(), required=False
    )


class CommentForm(BaseForm):
    body = forms.CharField(label=_("new comment"), widget=forms.Textarea(attrs={"rows": 3}))


class QueueFilterForm(BaseForm):
    status = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[("", _("All waiting"))]
        + [c for c in RequestStatus.choices if c[0] not in (RequestStatus.DRAFT, RequestStatus.WITHDRAWN)],
    )
    force = forms.ChoiceField(label=_("force"), required=False)
    programme = forms.ChoiceField(label=_("programme"), required=False)
    min_days_waiting = forms.IntegerField(
        label=_("waiting for at least (days)"), required=False, min_value=0, max_value=36_500
    )

    def __init__(self, *args, institutions=None, **kwargs):
        super().__init__(*args, **kwargs)
        from parcours.accounts.models import Programme
        from parcours.reserve.models import Force

        self.fields["force"].choices = [("", _("All forces"))] + [
            (f.code, f.name_fr) for f in Force.objects.all()
        ]
        programmes = (
            Programme.objects.filter(institution__in=institutions) if institutions is not None else []
        )
        self.fields["programme"].choices = [("", _("All programmes"))] + [
            (p.code, p.name_fr) for p in programmes
        ]


class SessionForm(BaseForm):
    title = forms.CharField(label=_("title"), max_length=200)
    date = forms.DateField(label=_("date"), widget=DateInput())
    place = forms.CharField(label=_("place"), max_length=200, required=False)
    members = ModelMultipleChoiceField(
        label=_("members"), queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, member_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = member_choices


class DecisionForm(BaseForm):
    outcome = forms.ChoiceField(label=_("outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    session = forms.ModelChoiceField(label=_("jury session"), queryset=None)
    reason = forms.CharField(
        label=_("reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required for a refusal, and whenever the jury departs from the rules' proposal."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, sessions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions

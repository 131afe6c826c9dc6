from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.portfolio.enums import EvidenceKind, SensitiveVisibility, Visibility
from parcours.portfolio.models import ReservePeriod, ReservistProfile
from parcours.reserve.models import ActivityType, Force
from parcours.web.forms import BaseForm, BaseModelForm


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProfileForm(BaseModelForm):
    class Meta(BaseModelForm.Meta):
        model = ReservistProfile
        fields = ["status", "force", "esr_start", "esr_end", "unit", "rank", "sensitive_visibility"]
        widgets = {"esr_start": DateInput(), "esr_end": DateInput()}
        help_texts = {
            "unit": _(
                "Optional and sensitive: never shown outside the people who decide, and only if you allow it."
            ),
            "rank": _("Optional and sensitive: never shown to recruiters."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["force"].queryset = Force.objects.filter(is_active=True)


class PeriodForm(BaseModelForm):
    days = forms.IntegerField(
        label=_("days of activity"),
        required=False,
        min_value=1,
        help_text=_("Leave empty to count every day between the two dates."),
    )

    class Meta(BaseModelForm.Meta):
        model = ReservePeriod
        fields = [
            "activity_type",
            "force",
            "title",
            "start_date",
            "end_date",
            "days",
            "days_reason",
            "description",
            "place",
            "visibility",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4, "data-suggest-source": "period"}),
        }
        labels = {"activity_type": _("Activity type")}  # the model field has no translated verbose name
        help_texts = {
            "description": _("Describe what you did: competencies are suggested from this text."),
            "place": _("Optional and sensitive: only you and the people who decide see it."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity_type"].queryset = ActivityType.objects.filter(is_active=True)
        self.fields["force"].queryset = Force.objects.filter(is_active=True)
        self.fields["force"].required = False


class EvidenceForm(BaseForm):
    file = forms.FileField(
        label=_("file"), help_text=_("PDF, JPEG or PNG, 10 MB at most. Photo metadata (GPS…) is removed.")
    )
    kind = forms.ChoiceField(label=_("kind"), choices=EvidenceKind.choices)
    visibility = forms.ChoiceField(label=_("visibility"), choices=SensitiveVisibility.choices)


class ClaimForm(BaseForm):
    competency = forms.ModelChoiceField(label=_("competency"), queryset=None)
    self_level = forms.ModelChoiceField(label=_("my level"), queryset=None, required=False)
    account = forms.CharField(label=_("account"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    visibility = forms.ChoiceField(label=_("visibility"), choices=Visibility.choices)
    from_suggestion = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, framework=None, **kwargs):
        super().__init__(*args, **kwargs)
        from parcours.frameworks.models import Competency, Level

        self.fields["competency"].queryset = (
            Competency.objects.filter(framework=framework).exclude(item_type="block")
            if framework
            else Competency.objects.none()
        )
        self.fields["self_level"].queryset = (
            Level.objects.filter(framework=framework) if framework else Level.objects.none()
        )

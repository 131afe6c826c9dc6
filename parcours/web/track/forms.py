"""Forms of the track pages (DSFR). Checks that involve the database live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.track.enums import CriterionKind, TrackStatus
from parcours.track.models import Course, CourseSession
from parcours.web.forms import BaseForm, BaseModelForm, ModelMultipleChoiceField


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class CommaDecimalField(forms.DecimalField):
    """A decimal typed with a comma or a dot (« 2,5 » or « 2.5 »), whatever the interface language."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class RuleSetForm(BaseForm):
    title = forms.CharField(label=_("title"), max_length=200)
    academic_year = forms.IntegerField(
        label=_("academic year (first calendar year)"), min_value=2000, max_value=2100
    )
    framework = forms.ModelChoiceField(label=_("competency framework"), queryset=None)
    study_years = forms.IntegerField(
        label=_("length of studies (years)"), min_value=1, max_value=8, initial=3
    )
    stuck_after_days = forms.IntegerField(
        label=_("a student is stuck after (days without progress)"), min_value=7, max_value=1000, initial=120
    )
    sis_element_code = forms.CharField(
        label=_("element code of reserve ECTS in the student information system"),
        max_length=40,
        initial="RESERVE",
    )
    notes = forms.CharField(label=_("notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, institution=None, **kwargs):
        super().__init__(*args, **kwargs)
        from parcours.frameworks.models import Framework

        self.fields["framework"].queryset = (
            Framework.objects.filter(institution=institution, kind="school").exclude(status="draft")
            if institution
            else Framework.objects.none()
        )


class CriterionForm(BaseForm):
    kind = forms.ChoiceField(label=_("criterion"), choices=CriterionKind.choices)
    count = forms.IntegerField(
        label=_("number (competencies, months or days)"), min_value=1, max_value=32000, required=False
    )
    min_level = forms.ModelChoiceField(label=_("minimum level"), queryset=None, required=False)
    blocks = ModelMultipleChoiceField(
        label=_("within the blocks"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    ects = CommaDecimalField(label=_("ECTS"), min_value=0, max_digits=5, decimal_places=2, required=False)

    def __init__(self, *args, rule_set=None, **kwargs):
        super().__init__(*args, **kwargs)
        framework = rule_set.framework
        self.fields["min_level"].queryset = framework.levels.order_by("rank")
        self.fields["blocks"].queryset = framework.items.filter(item_type="block").order_by(
            "position", "code"
        )


class TransitionForm(BaseForm):
    comment = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CourseForm(BaseModelForm):
    class Meta(BaseModelForm.Meta):
        model = Course
        fields = [
            "academic_year",
            "code",
            "title_fr",
            "title_en",
            "description_fr",
            "description_en",
            "partners",
            "ects",
            "capacity",
            "grade_max",
            "pass_mark",
            "min_attendance_percent",
            "enrolment_open",
            "teachers",
        ]
        widgets = {
            "description_fr": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
            "teachers": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, teacher_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teachers"].queryset = teacher_choices
        self.fields["teachers"].required = False

    def validate_unique(self):  # the service reports a duplicate code on the field
        pass


class SessionForm(BaseModelForm):
    class Meta(BaseModelForm.Meta):
        model = CourseSession
        fields = [
            "date",
            "start_time",
            "duration_minutes",
            "topic",
            "speaker",
            "speaker_organisation",
            "place",
        ]
        widgets = {"date": DateInput(), "start_time": TimeInput()}


class AwardForm(BaseForm):
    session = forms.ModelChoiceField(label=_("jury session"), queryset=None, required=False)
    minutes = forms.CharField(
        label=_("remarks of the jury"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, institution=None, **kwargs):
        super().__init__(*args, **kwargs)
        from parcours.recognition.models import JurySession

        self.fields["session"].queryset = JurySession.objects.filter(institution=institution).order_by(
            "-date"
        )


class ReasonForm(BaseForm):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class EngagementTargetForm(BaseForm):
    academic_year = forms.IntegerField(
        label=_("academic year (first calendar year)"), min_value=2000, max_value=2100
    )
    target_days = forms.IntegerField(label=_("target (days per year)"), min_value=1, max_value=365)


class CommitmentsForm(BaseForm):
    commitments = forms.CharField(
        label=_("my commitments for the year"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        help_text=_("What you intend to do this year: reserve periods, associations, tutoring…"),
    )


class ActivityForm(BaseForm):
    title = forms.CharField(label=_("activity"), max_length=200)
    date = forms.DateField(label=_("date"), widget=DateInput())
    days = CommaDecimalField(label=_("days"), min_value=0.5, max_value=60, decimal_places=1)


class BatchForm(BaseForm):
    cohort = forms.ModelChoiceField(label=_("cohort"), queryset=None)

    def __init__(self, *args, institution=None, **kwargs):
        super().__init__(*args, **kwargs)
        from parcours.track.selectors import cohorts_of

        self.fields["cohort"].queryset = cohorts_of(institution)


class CohortFilterForm(BaseForm):
    status = forms.ChoiceField(
        label=_("status"), choices=[("", _("All"))] + TrackStatus.choices, required=False
    )
    q = forms.CharField(label=_("name or e-mail"), required=False, max_length=100)

"""Forms of the recognition-rule pages (DSFR)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.frameworks.enums import FrameworkKind, ItemType
from parcours.frameworks.models import Competency, Framework, Level, TeachingUnit
from parcours.frameworks.templatetags.framework_tags import credits
from parcours.reserve.enums import EctsMode
from parcours.reserve.models import ActivityType, Force, RecognitionRule
from parcours.web.forms import BaseForm, BaseModelForm


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class RuleForm(BaseModelForm):
    class Meta(BaseModelForm.Meta):
        model = RecognitionRule
        fields = [
            "title_fr",
            "title_en",
            "framework",
            "activity_type",
            "force",
            "min_days",
            "rank_band",
            "ects_mode",
            "ects_value",
            "ects_cap",
            "exempted_units",
            "internship_weeks_exempted",
            "supplement_wording_fr",
            "supplement_wording_en",
            "valid_from",
            "valid_until",
        ]
        widgets = {
            "exempted_units": forms.CheckboxSelectMultiple,
            "supplement_wording_fr": forms.Textarea(attrs={"rows": 3}),
            "supplement_wording_en": forms.Textarea(attrs={"rows": 3}),
            "valid_from": DateInput,
            "valid_until": DateInput,
        }
        help_texts = {
            "force": _("Leave empty for every force."),
            "min_days": _("The rule applies to activities of at least this many days."),
            "ects_value": _("Fixed number of credits, or credits per day of activity."),
            "ects_cap": _("Per-day mode only: the most credits one activity can give."),
            "supplement_wording_fr": _("Sentence written into the diploma supplement."),
        }

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = Framework.objects.filter(
            institution=institution, kind=FrameworkKind.SCHOOL
        ).order_by("-academic_year", "-pk")
        self.fields["activity_type"].queryset = ActivityType.objects.filter(is_active=True)
        self.fields["force"].queryset = Force.objects.filter(is_active=True)
        self.fields["exempted_units"].queryset = TeachingUnit.objects.filter(
            programme__institution=institution
        ).select_related("programme")
        self.fields["exempted_units"].label_from_instance = lambda unit: (
            f"{unit.code} — {unit.title_fr} ({unit.programme.code}, {credits(unit.ects)} ECTS)"
        )
        self.fields["ects_mode"].initial = EctsMode.NONE


class RuleCompetencyForm(BaseForm):
    competency = forms.ModelChoiceField(
        queryset=Competency.objects.none(), label=_("Competency"), required=False
    )
    level = forms.ModelChoiceField(queryset=Level.objects.none(), label=_("Level reached"), required=False)

    def __init__(self, *args, framework: Framework | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if framework is not None:
            self.fields["competency"].queryset = framework.items.exclude(item_type=ItemType.BLOCK).order_by(
                "position", "code"
            )
            self.fields["level"].queryset = framework.levels.all()
        self.fields["competency"].widget.attrs["data-picker-target"] = "competency"


class BaseRuleCompetencyFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        chosen = [
            f.cleaned_data["competency"].pk
            for f in self.forms
            if f.cleaned_data.get("competency") and not f.cleaned_data.get("DELETE")
        ]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(_("A competency is listed twice."))

    def pairs(self) -> list[tuple[Competency, Level | None]]:
        return [
            (f.cleaned_data["competency"], f.cleaned_data.get("level"))
            for f in self.forms
            if f.cleaned_data.get("competency") and not f.cleaned_data.get("DELETE")
        ]


RuleCompetencyFormSet = forms.formset_factory(
    RuleCompetencyForm, formset=BaseRuleCompetencyFormSet, extra=2, can_delete=True
)


class TransitionForm(BaseForm):
    note = forms.CharField(
        label=_("Note for the record"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

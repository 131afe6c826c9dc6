"""Forms of the framework pages (DSFR)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.frameworks.enums import AssociationType, FrameworkStatus, ItemType
from parcours.frameworks.models import Competency, Framework
from parcours.web.forms import BaseForm, BaseModelForm

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class FrameworkForm(BaseModelForm):
    class Meta(BaseModelForm.Meta):
        model = Framework
        fields = ["title_fr", "title_en", "academic_year", "version", "language", "licence", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"academic_year": _("For example 2026 for the year 2026-2027.")}

    def __init__(self, *args, institutions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if institutions is not None and len(institutions) > 1:
            self.fields["institution"] = forms.ModelChoiceField(queryset=institutions, label=_("Institution"))


class CompetencyForm(BaseModelForm):
    parent = forms.ModelChoiceField(
        queryset=Competency.objects.none(), required=False, label=_("Parent item")
    )

    class Meta(BaseModelForm.Meta):
        model = Competency
        fields = [
            "parent",
            "code",
            "item_type",
            "statement_fr",
            "statement_en",
            "abbreviated_statement",
            "keywords",
            "alternative_labels",
            "description",
            "notes",
            "education_level",
        ]
        widgets = {
            "statement_fr": forms.Textarea(attrs={"rows": 2}),
            "statement_en": forms.Textarea(attrs={"rows": 2}),
            "alternative_labels": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"keywords": _("Separated by semicolons.")}

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        items = framework.items.exclude(item_type=ItemType.SKILL).order_by("position", "code")
        if self.instance.pk:
            items = items.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = items


class LevelForm(BaseForm):
    rank = forms.IntegerField(label=_("Rank"), min_value=1, max_value=20)
    label_fr = forms.CharField(label=_("Label (French)"), max_length=120)
    label_en = forms.CharField(label=_("Label (English)"), max_length=120, required=False)
    descriptor_fr = forms.CharField(
        label=_("Descriptor (French)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    descriptor_en = forms.CharField(
        label=_("Descriptor (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class BaseLevelFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        ranks = [
            form.cleaned_data["rank"]
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if len(ranks) != len(set(ranks)):
            raise forms.ValidationError(_("Each rank can be used only once."))


LevelFormSet = forms.formset_factory(LevelForm, formset=BaseLevelFormSet, extra=2, can_delete=True)


class ImportForm(BaseForm):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV or XLSX with the documented columns, or a CASE 1.0/1.1 JSON package."),
    )
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("Guess from the file")), ("csv", "CSV"), ("xlsx", "XLSX"), ("case", "CASE (JSON)")],
        required=False,
    )
    target = forms.ModelChoiceField(
        queryset=Framework.objects.none(),
        required=False,
        label=_("Framework to update"),
        empty_label=_("Automatic: same source, or a new framework"),
    )
    title = forms.CharField(
        label=_("Title of a new framework"),
        required=False,
        max_length=300,
        help_text=_("CSV files carry no title: the file name is used when left empty."),
    )
    academic_year = forms.IntegerField(
        label=_("Academic year"), required=False, min_value=2000, max_value=2100
    )

    def __init__(self, *args, frameworks=None, **kwargs):
        super().__init__(*args, **kwargs)
        if frameworks is not None:
            self.fields["target"].queryset = frameworks.exclude(status=FrameworkStatus.FROZEN)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large (20 MB at most)."))
        return upload


class LinkForm(BaseForm):
    destination = forms.IntegerField(widget=forms.HiddenInput)
    association_type = forms.ChoiceField(
        label=_("Kind of link"),
        choices=[
            (AssociationType.EXACT_MATCH_OF, _("Same competence (exactMatchOf)")),
            (AssociationType.IS_RELATED_TO, _("Related (isRelatedTo)")),
        ],
    )

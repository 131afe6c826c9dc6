"""Forms of the partnership pages (DSFR)."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from parcours.partners.conf import partners_setting
from parcours.partners.enums import ConsentScope, ReferralStage
from parcours.reserve.models import Force
from parcours.web.forms import BaseForm, ModelMultipleChoiceField


class DsfrCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes in the DSFR markup (the project's form renderer finds Django's own option template first)."""

    option_template_name = "partners/widgets/checkbox_option.html"

    def __init__(self, attrs=None, choices=()):
        # A class attribute keeps django-dsfr from styling these checkboxes as a <select>.
        super().__init__({"class": "", **(attrs or {})}, choices)


class ForceChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return (obj.name_en or obj.name_fr) if (get_language() or "").startswith("en") else obj.name_fr


class InterestForm(BaseForm):
    """What the person wants to say, and item by item what they agree to share (all unticked at first)."""

    institution = forms.ModelChoiceField(label=_("institution"), queryset=None, empty_label=None)
    forces = ForceChoiceField(
        label=_("forces that interest me"),
        queryset=Force.objects.filter(is_active=True),
        widget=DsfrCheckboxes,
        template_name="dsfr/form_field_snippets/checkboxselectmultiple_snippet.html",
        required=False,
    )
    message = forms.CharField(
        label=_("message to the referent"),
        help_text=_("Your questions, your availability… (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    phone = forms.CharField(label=_("phone number"), max_length=30, required=False)

    def __init__(self, *args, institutions=None, consent_text=None, language="fr", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        if institutions is not None and institutions.count() == 1:
            self.fields["institution"].widget = forms.HiddenInput()
            self.fields["institution"].initial = institutions.first().pk
        items = {item.scope: item for item in consent_text.items.all()} if consent_text else {}
        for scope, default_label in ConsentScope.choices:
            item = items.get(scope)
            self.fields[f"scope_{scope}"] = forms.BooleanField(
                label=item.shared(language) if item else default_label,
                help_text=item.why(language) if item else "",
                required=False,
            )

    def scope_fields(self):
        return [self[f"scope_{scope}"] for scope in ConsentScope.values]

    def detail_fields(self):
        return [
            self[name] for name in ("institution", "forces", "message", "phone") if not self[name].is_hidden
        ]

    def scopes(self) -> list[str]:
        return [scope for scope in ConsentScope.values if self.cleaned_data.get(f"scope_{scope}")]


class ConfirmForm(BaseForm):
    consent_version = forms.IntegerField(widget=forms.HiddenInput)
    agree = forms.BooleanField(
        label=_("I have read what will be shared, with whom, why and for how long, and I agree."),
        required=True,
    )


class ReferralFilterForm(BaseForm):
    stage = forms.ChoiceField(
        label=_("stage"),
        required=False,
        choices=[("", _("All open referrals"))]
        + [c for c in ReferralStage.choices if c[0] != ReferralStage.CLOSED],
    )
    institution = forms.ChoiceField(label=_("institution"), required=False)

    def __init__(self, *args, institutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = [("", _("All my institutions"))] + [
            (i.slug, i.name) for i in institutions
        ]


class ReferralNoteForm(BaseForm):
    note = forms.CharField(
        label=_("my note"),
        help_text=_("Seen by the referents of this institution only; erased when the referral closes."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class ReportScopeForm(BaseForm):
    institution = forms.ChoiceField(label=_("institutions"), required=False)
    year = forms.TypedChoiceField(label=_("year"), coerce=int, required=False)

    def __init__(self, *args, institutions=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(i.slug, i.name) for i in institutions]
        if len(choices) > 1:
            choices = [("", _("All the institutions I follow"))] + choices
        self.fields["institution"].choices = choices
        self.fields["year"].choices = [(y, y) for y in reversed(list(years))]


def _day_choices():
    limit = partners_setting("SHARE_LINK_MAX_DAYS")
    options = [
        (7, _("1 week")),
        (30, _("1 month")),
        (90, _("3 months")),
        (180, _("6 months")),
        (365, _("1 year")),
    ]
    return [(days, label) for days, label in options if days <= limit] or [(limit, str(limit))]


class ShareLinkForm(BaseForm):
    label = forms.CharField(
        label=_("who it is for"),
        help_text=_("For you only, to recognise the link (for example the name of a company)."),
        max_length=120,
        required=False,
    )
    days = forms.TypedChoiceField(
        label=_("the link expires after"), coerce=int, choices=_day_choices, initial=30
    )
    show_name = forms.BooleanField(label=_("show my name"), required=False, initial=True)
    include_credentials = forms.BooleanField(
        label=_("show my verifiable credentials (with their verification links)"),
        required=False,
        initial=True,
    )

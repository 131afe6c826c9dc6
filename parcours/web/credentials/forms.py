from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.web.forms import BaseForm


class VerifyForm(BaseForm):
    credential = forms.CharField(
        label=_("Paste a credential"),
        help_text=_("A VC-JWT (eyJ…) or a JSON credential."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )
    file = forms.FileField(
        label=_("Or choose a file"),
        help_text=_("JSON, JWT, or a badge image (PNG or SVG) that carries the credential."),
        required=False,
    )


class HolderEmailForm(BaseForm):
    email = forms.EmailField(
        label=_("Check the holder's e-mail address"),
        help_text=_("The credential names its holder by a salted fingerprint of their e-mail address."),
    )


class ReasonForm(BaseForm):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class PreferenceForm(BaseForm):
    include_evidence = forms.BooleanField(
        label=_("Include links to my evidence in the credentials issued to me"),
        help_text=_(
            "Evidence stays private: a verifier who follows the link still has to be allowed to see it."
        ),
        required=False,
    )


class BatchForm(BaseForm):
    source = forms.ChoiceField(label=_("What to issue"))
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=None)
    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=None, required=False, empty_label=_("Whole institution")
    )

    def __init__(self, *args, sources, institutions, **kwargs):
        from parcours.accounts.models import Cohort

        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [(s.name, s.label) for s in sources]
        self.fields["institution"].queryset = institutions
        if len(institutions) == 1:
            self.fields["institution"].initial = institutions[0]
        self.fields["cohort"].queryset = Cohort.objects.filter(
            programme__institution__in=institutions
        ).select_related("programme")

    def clean(self):
        data = super().clean()
        cohort, institution = data.get("cohort"), data.get("institution")
        if cohort and institution and cohort.programme.institution_id != institution.pk:
            self.add_error("cohort", _("This cohort belongs to another institution."))
        return data

"""Base forms for the HTML layer: DSFR rendering, optional fields marked (current DSFR guidance)."""

from django import forms
from dsfr.forms import DsfrBaseForm


class BaseForm(DsfrBaseForm):
    """A DSFR form that marks optional fields rather than required ones."""

    def get_context(self) -> dict:
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class BaseModelForm(BaseForm, forms.ModelForm):
    pass

"""Base forms for the HTML layer: DSFR rendering, optional fields marked (current DSFR guidance)."""

from django import forms
from django.utils.text import capfirst
from dsfr.forms import DsfrBaseForm


class BaseForm(DsfrBaseForm):
    """A DSFR form that marks optional fields rather than required ones, with labels starting with a capital
    (model verbose names are lower case by convention)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.label:
                field.label = capfirst(field.label)
        # DsfrBaseForm has already bound the visible fields (for their CSS classes), labels included.
        for bound in self._bound_fields_cache.values():
            if bound.label:
                bound.label = capfirst(bound.label)

    def get_context(self) -> dict:
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class BaseModelForm(BaseForm, forms.ModelForm):
    pass

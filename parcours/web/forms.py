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
        # DsfrBaseForm bound the visible fields to set their CSS classes (on the fields themselves): bind them
        # again when rendered, so that they take the labels as they are now.
        self._bound_fields_cache.clear()

    def get_context(self) -> dict:
        context = forms.Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class BaseModelForm(BaseForm, forms.ModelForm):
    pass

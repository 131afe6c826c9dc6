"""Base forms for the HTML layer: DSFR rendering, optional fields marked (current DSFR guidance)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from dsfr.forms import DsfrBaseForm

#: The largest database id (a signed 64-bit integer).
MAX_ID = 2**63 - 1


def is_id(value: str) -> bool:
    """Whether ``value`` (from a request) can be a database id: digits only, within the 64-bit range."""
    return value.isdigit() and int(value) <= MAX_ID


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing a choice beyond the ids a database holds as an invalid choice. Django's own looks the
    choices up with ``pk__in``, which SQLite cannot run with such a number (OverflowError: a server error)."""

    def _check_values(self, value):
        if self.to_field_name is None:
            for pk in value:
                if isinstance(pk, str) and pk.strip().isdigit() and not is_id(pk.strip()):
                    raise ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                    )
        return super()._check_values(value)


def _formfield(db_field, **kwargs):
    """Many-to-many fields of model forms get the ModelMultipleChoiceField above."""
    if isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
    return db_field.formfield(**kwargs)


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
    class Meta:
        formfield_callback = _formfield

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.web.forms import BaseForm

MAX_COPY_SIZE = 20 * 1024 * 1024
TOO_LARGE = _("This file is larger than 20 MB: it cannot be an issued document.")


class CopyCheckForm(BaseForm):
    """A recipient checks that the PDF they were given is the one issued (nothing is stored)."""

    file = forms.FileField(
        label=_("Your copy of the document (PDF)"),
        help_text=_("The file is only read to compute its fingerprint; it is not kept."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_COPY_SIZE:
            raise forms.ValidationError(TOO_LARGE)
        return upload

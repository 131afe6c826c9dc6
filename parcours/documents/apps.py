from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "parcours.documents"
    label = "documents"
    verbose_name = _("Signed documents")

    def ready(self) -> None:
        from . import checks, kinds  # noqa: F401  (registers the document kinds and the system checks)

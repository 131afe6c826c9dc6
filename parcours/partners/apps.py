from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "parcours.partners"
    label = "partners"
    verbose_name = _("Garde nationale partnership")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)

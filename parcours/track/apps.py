from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackConfig(AppConfig):
    name = "parcours.track"
    label = "track"
    verbose_name = _("Ingénieur réserviste track")

    def ready(self) -> None:
        from django.apps import apps

        if apps.is_installed("parcours.documents"):
            from . import documents  # noqa: F401  (registers the diploma_supplement document kind)

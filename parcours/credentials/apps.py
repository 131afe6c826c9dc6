from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    name = "parcours.credentials"
    label = "credentials"
    verbose_name = _("Verifiable credentials")

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the system checks
        from .batches import register_builtin_sources

        register_builtin_sources()

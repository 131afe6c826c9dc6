from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "parcours.security"
    label = "security"
    verbose_name = _("Sign-in and security")

    def ready(self) -> None:
        from . import checks, signals, text_limits  # noqa: F401  (registers the checks, connects the login receivers)

        text_limits.connect()

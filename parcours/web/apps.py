from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "parcours.web"
    label = "web"
    verbose_name = _("Web interface")

    def ready(self) -> None:
        # Feature modules register their dashboard widgets on import.
        from importlib import import_module

        for module in WIDGET_MODULES:
            import_module(module)


#: Modules that register dashboard widgets (parcours.web.core.dashboards.register).
WIDGET_MODULES = [
    "parcours.web.recognition.dashboard",
    "parcours.web.credentials.dashboard",
    "parcours.web.rules.dashboard",
    "parcours.web.partners.dashboard",
    "parcours.web.track.dashboard",
    "parcours.web.scheduling.dashboard",
]

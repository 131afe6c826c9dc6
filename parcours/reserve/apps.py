from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReserveConfig(AppConfig):
    name = "parcours.reserve"
    label = "reserve"
    verbose_name = _("Reserve catalogue and recognition rules")

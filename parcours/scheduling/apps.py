from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "parcours.scheduling"
    label = "scheduling"
    verbose_name = _("Calendars, call-ups and absences")

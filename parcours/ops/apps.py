from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "parcours.ops"
    label = "ops"
    verbose_name = "Operations"

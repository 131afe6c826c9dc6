"""System checks: refuse to start with a suppression threshold that would publish small groups."""

from django.core.checks import Error, register

from .conf import partners_setting


@register()
def check_threshold(app_configs=None, **kwargs):
    value = partners_setting("SUPPRESSION_THRESHOLD")
    if not isinstance(value, int) or value < 3:
        return [
            Error(
                f"PARTNERS['SUPPRESSION_THRESHOLD'] is {value!r}: it must be an integer of at least 3 "
                "(with 2, “< 2” would give the value 1 away).",
                id="partners.E001",
            )
        ]
    return []

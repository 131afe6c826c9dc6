"""Display helpers of the track pages: DSFR badge colours for states and statuses."""

from decimal import Decimal

from django import template

register = template.Library()

STATE_BADGES = {"done": "success", "pending": "info", "missing": "warning"}
STATUS_BADGES = {
    "not_started": "",
    "in_progress": "info",
    "stuck": "error",
    "complete": "success",
    "awarded": "success",
}


@register.filter
def state_badge(state: str) -> str:
    """DSFR badge modifier for a criterion state (done / pending / missing)."""
    colour = STATE_BADGES.get(str(state), "")
    return f"fr-badge--{colour}" if colour else ""


@register.filter
def status_badge(status: str) -> str:
    """DSFR badge modifier for a track status."""
    colour = STATUS_BADGES.get(str(status), "")
    return f"fr-badge--{colour}" if colour else ""


@register.filter
def number(value) -> str:
    """A number without trailing zeros (``12.50`` → ``12.5``, ``3.00`` → ``3``)."""
    if value in (None, ""):
        return ""
    try:
        value = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    return f"{value.normalize():f}" if value != value.to_integral_value() else str(int(value))

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import get_language

from parcours.documents.registry import format_ects

register = template.Library()


@register.filter
def ects(value) -> str:
    """ECTS without trailing zeros, with the decimal separator of the active language (``4,5`` / ``4.5``)."""
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return format_ects(number, (get_language() or "fr")[:2])

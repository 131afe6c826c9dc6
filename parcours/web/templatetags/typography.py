"""Punctuation that differs between the interface languages, through gettext.

French puts a (non-breaking) space before a colon and quotes with guillemets; English does neither:
« Niveau : C4.1 », « Motif : « à revoir » » against "Level: C4.1", "Reason: “to be reviewed”". The
punctuation is in the catalogue (``{label}:`` → ``{label} :``, the value escaped by ``format_html``), so that
templates never hard-code either.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()


@register.filter
def colon(label) -> str:
    """``label`` followed by the colon of the active language: ``{{ _("Level")|colon }} {{ value }}``."""
    return format_html(gettext("{label}:"), label=label)


@register.filter
def quoted(text) -> str:
    """``text`` between the quotation marks of the active language (“…” / « … »)."""
    return format_html(gettext("“{text}”"), text=text)


@register.filter
def commented(label, comment) -> str:
    """``label``, then the colon and ``comment`` quoted when there is one: « Refusée : « motif » » / « Refusée »
    (a step of a history: ``{{ entry.get_to_status_display|commented:entry.comment }}``)."""
    if not comment:
        return label
    return format_html("{} {}", colon(label), quoted(comment))

"""Template helpers for framework and rule pages: status badges, without comparing status strings in templates."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from parcours.frameworks.enums import FrameworkStatus, ItemType
from parcours.reserve.enums import RuleStatus

register = template.Library()

BADGES = {
    FrameworkStatus.DRAFT: "fr-badge--info",
    FrameworkStatus.PUBLISHED: "fr-badge--success",
    FrameworkStatus.FROZEN: "fr-badge--new",
    RuleStatus.APPROVED: "fr-badge--success",
    RuleStatus.RETIRED: "fr-badge--warning",
}
ITEM_BADGES = {
    ItemType.BLOCK: "fr-badge--purple-glycine",
    ItemType.COMPETENCY: "fr-badge--blue-ecume",
    ItemType.COMPONENT: "fr-badge--green-emeraude",
    ItemType.SKILL: "fr-badge--brown-caramel",
}


@register.simple_tag
def status_badge(obj):
    """A DSFR badge for the status of a framework or a recognition rule."""
    return format_html(
        '<span class="fr-badge fr-badge--sm {}">{}</span>',
        BADGES.get(obj.status, ""),
        obj.get_status_display(),
    )


@register.simple_tag
def item_type_badge(item):
    """The type of an item as a badge (rendered hundreds of times on a tree: no per-item choice lookup)."""
    try:
        label = ItemType(item.item_type).label
    except ValueError:
        label = item.item_type
    return format_html(
        '<span class="fr-badge fr-badge--sm fr-badge--no-icon {}">{}</span>',
        ITEM_BADGES.get(item.item_type, ""),
        label,
    )


@register.filter
def credits(value) -> str:
    """A number of ECTS credits without useless zeros, in the local format (2, 0,25, 1,5)."""
    from decimal import Decimal

    from django.utils.formats import number_format

    if value is None:
        return ""
    value = Decimal(value)
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return number_format(value)


@register.simple_tag
def ects_summary(rule) -> str:
    """“2 ECTS”, “0.25 ECTS per day (at most 3)” or “No ECTS”."""
    from django.utils.translation import gettext as _

    from parcours.reserve.enums import EctsMode

    if rule.ects_mode == EctsMode.FIXED:
        return _("%(n)s ECTS") % {"n": credits(rule.ects_value)}
    if rule.ects_mode == EctsMode.PER_DAY:
        text = _("%(n)s ECTS per day") % {"n": credits(rule.ects_value)}
        if rule.ects_cap is not None:
            text += " " + _("(at most %(cap)s)") % {"cap": credits(rule.ects_cap)}
        return text
    return _("No ECTS")


ASSOCIATION_LABELS = {
    "exactMatchOf": _("same as"),
    "isRelatedTo": _("related to"),
    "isPartOf": _("part of"),
    "isChildOf": _("child of"),
    "precedes": _("precedes"),
    "isPeerOf": _("peer of"),
    "replacedBy": _("replaced by"),
    "exemplar": _("exemplar"),
    "hasSkillLevel": _("skill level"),
    "isTranslationOf": _("translation of"),
}


@register.filter
def association_label(association_type: str) -> str:
    return str(ASSOCIATION_LABELS.get(association_type, association_type))


@register.filter
def gives_ects(rule) -> bool:
    from parcours.reserve.enums import EctsMode

    return rule.ects_mode != EctsMode.NONE


@register.simple_tag
def framework_tree_html(tree, item_base: str):
    """The nested lists of a framework tree, written in Python: a 500-item tree renders in a few milliseconds
    where the template language would need a quarter of a second."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext, ngettext

    badges: dict[str, str] = {}
    links_title = escape(gettext("Links to other frameworks (ESCO…)"))
    rules_title = escape(gettext("Recognition rules that use it"))
    parts = ['<ul class="parcours-tree">']
    for node in tree.flat:
        item = node.item
        if item.item_type not in badges:
            badges[item.item_type] = item_type_badge(item)
        code = f"<strong>{escape(item.code)}</strong> " if item.code else ""
        extras = ""
        if getattr(item, "link_count", 0):
            extras += (
                '<span class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--blue-cumulus" '
                f'title="{links_title}">ESCO {item.link_count}</span>'
            )
        if getattr(item, "rule_count", 0):
            label = ngettext("%(n)d rule", "%(n)d rules", item.rule_count) % {"n": item.rule_count}
            extras += (
                '<span class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--yellow-tournesol" '
                f'title="{rules_title}">{escape(label)}</span>'
            )
        parts.append(
            f'<li class="parcours-tree__item parcours-tree__item--{escape(item.item_type)}">'
            f'<div class="parcours-tree__row">{badges[item.item_type]} '
            f'<a href="{escape(item_base)}{int(item.pk)}/">{code}{escape(item.statement_fr)}</a>{extras}</div>'
        )
        parts.append("<ul>" if node.children else "</li>")
        parts.append("</ul></li>" * node.closes)
    parts.append("</ul>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped

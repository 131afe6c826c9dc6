from django import template

register = template.Library()


@register.simple_tag
def item_time(item, day) -> str:
    """The time span of a calendar item on one day (« 08:00–10:00 », « from 14:00 », « all day »)."""
    return item.time_range(day)

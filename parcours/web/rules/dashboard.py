"""Dashboard widgets of the frameworks and recognition-rules features."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parcours.accounts.enums import Role
from parcours.accounts.permissions import institutions_with_role
from parcours.frameworks.enums import FrameworkStatus
from parcours.frameworks.models import Framework
from parcours.reserve.enums import RuleStatus
from parcours.reserve.selectors import institution_deadline, rules_visible_to
from parcours.web.core.dashboards import Item, register


def _deadline_items(user, role: str) -> list[Item]:
    items = []
    for institution in institutions_with_role(user, role):
        deadline = institution_deadline(institution)
        if deadline is None:
            continue
        if deadline.done_on is not None:
            value = _("published on %(date)s") % {"date": deadline.done_on.strftime("%d/%m/%Y")}
        elif deadline.days_left >= 0:
            value = _("%(days)d days left (%(date)s)") % {
                "days": deadline.days_left,
                "date": deadline.due.strftime("%d/%m/%Y"),
            }
        else:
            value = _("overdue since %(date)s") % {"date": deadline.due.strftime("%d/%m/%Y")}
        items.append(
            Item(
                _("Validation rules %(year)s") % {"year": deadline.academic_year_label},
                value,
                reverse("framework_list"),
            )
        )
    return items


@register(Role.PEDAGOGICAL_ENGINEER)
def framework_engineer_widget(user) -> list[Item]:
    rules = rules_visible_to(user)
    drafts = Framework.objects.filter(
        institution__in=institutions_with_role(user, Role.PEDAGOGICAL_ENGINEER), status=FrameworkStatus.DRAFT
    ).count()
    return [
        Item(_("Frameworks being drafted"), drafts, reverse("framework_list")),
        Item(
            _("Draft recognition rules"),
            rules.filter(status=RuleStatus.DRAFT).count(),
            reverse("rule_list") + "?status=draft",
        ),
        *_deadline_items(user, Role.PEDAGOGICAL_ENGINEER),
    ]


@register(Role.DIRECTOR_OF_STUDIES)
def framework_director_widget(user) -> list[Item]:
    rules = rules_visible_to(user)
    return [
        Item(
            _("Rules waiting for approval"),
            rules.filter(status=RuleStatus.DRAFT).count(),
            reverse("rule_list") + "?status=draft",
        ),
        Item(
            _("Approved recognition rules"),
            rules.filter(status=RuleStatus.APPROVED).count(),
            reverse("rule_list") + "?status=approved",
        ),
        *_deadline_items(user, Role.DIRECTOR_OF_STUDIES),
    ]

"""Dashboard widgets of the portfolio and recognition features."""

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parcours.accounts.enums import Role
from parcours.recognition import selectors
from parcours.recognition.enums import RequestStatus
from parcours.web.core.dashboards import Item, register


@register(Role.STUDENT)
@register(Role.STAFF)
def reservist_widget(user) -> list[Item]:
    from parcours.portfolio.models import ReservePeriod

    periods = ReservePeriod.objects.filter(profile__user=user).aggregate(n=Count("id"), days=Sum("days"))
    requests = dict(
        selectors.requests_of(user)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    items = [
        Item(_("Reserve periods declared"), periods["n"] or 0, reverse("portfolio_home")),
        Item(_("Days of activity declared"), periods["days"] or 0, reverse("portfolio_home")),
    ]
    for status, label in RequestStatus.choices:
        if requests.get(status):
            items.append(
                Item(
                    _("Requests: %(status)s") % {"status": label},
                    requests[status],
                    reverse("recognition_my_requests"),
                )
            )
    return items


@register(Role.PEDAGOGICAL_ENGINEER)
def engineer_widget(user) -> list[Item]:
    queue = selectors.review_queue(user, selectors.QueueFilters()).order_by()
    counts = dict(queue.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    url = reverse("recognition_queue")
    return [
        Item(
            _("Requests waiting for review"),
            counts.get(RequestStatus.SUBMITTED, 0),
            url + "?status=submitted",
        ),
        Item(
            _("Requests under review"),
            counts.get(RequestStatus.UNDER_REVIEW, 0),
            url + "?status=under_review",
        ),
    ]


@register(Role.DIRECTOR_OF_STUDIES)
def director_widget(user) -> list[Item]:
    queue = selectors.review_queue(user, selectors.QueueFilters()).order_by()
    counts = dict(queue.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return [
        Item(
            _("Requests before the jury"),
            counts.get(RequestStatus.IN_JURY, 0),
            reverse("recognition_queue") + "?status=in_jury",
        ),
        Item(
            _("Appeals to examine"),
            counts.get(RequestStatus.APPEALED, 0),
            reverse("recognition_queue") + "?status=appealed",
        ),
        Item(
            _("Jury sessions"),
            selectors.sessions_for(user).filter(status="planned").count(),
            reverse("recognition_sessions"),
        ),
    ]

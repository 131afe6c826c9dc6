"""Dashboard widgets of the partnership features."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parcours.accounts.enums import Role
from parcours.partners import selectors
from parcours.partners.enums import ReferralStage
from parcours.partners.models import ShareLink
from parcours.web.core.dashboards import Item, register


@register(Role.PARTNER_REFERENT)
def referent_widget(user) -> list[Item]:
    counts = selectors.referral_stage_counts(user)
    queue = reverse("partners_referrals")
    return [
        Item(_("Referrals to contact"), counts.get(ReferralStage.NEW, 0), queue + "?stage=new"),
        Item(
            _("Referrals in progress"),
            counts.get(ReferralStage.CONTACTED, 0) + counts.get(ReferralStage.APPLICATION, 0),
            queue,
        ),
        Item(_("Reports (small groups protected)"), "→", reverse("partners_dashboard")),
    ]


@register(Role.DIRECTOR_OF_STUDIES)
def leadership_widget(user) -> list[Item]:
    return [Item(_("Garde nationale reports"), "→", reverse("partners_dashboard"))]


@register(Role.STUDENT)
@register(Role.STAFF)
def reservist_widget(user) -> list[Item]:
    declaration = selectors.open_interest(user)
    if declaration is None:
        status = _("not declared")
    elif hasattr(declaration, "referral"):
        status = declaration.referral.get_stage_display()
    else:
        status = declaration.get_status_display()
    return [
        Item(_("My interest in the reserve"), status, reverse("partners_interest")),
        Item(
            _("Profile links shared with recruiters"),
            ShareLink.objects.live().filter(holder=user).count(),
            reverse("partners_share_links"),
        ),
    ]

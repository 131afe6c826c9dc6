"""The referent's queue: only consenting people, scoped to the institutions they follow; a workflow table."""

import pytest
from django.urls import reverse

from parcours.accounts.enums import Role
from parcours.accounts.models import Membership
from parcours.partners import selectors, services
from parcours.partners.enums import ReferralStage
from parcours.partners.models import ReferralTransition
from parcours.partners.services import ConcurrentChange, PartnersError
from parcours.partners.workflow import available_for

from .factories import interested, referral_of

pytestmark = pytest.mark.django_db


def test_the_workflow_table():
    assert [t.name for t in available_for(ReferralStage.NEW)] == ["contact", "drop"]
    assert [t.name for t in available_for(ReferralStage.CONTACTED)] == ["apply", "drop"]
    assert [t.name for t in available_for(ReferralStage.APPLICATION)] == ["join", "drop"]
    assert available_for(ReferralStage.JOINED) == [] and available_for(ReferralStage.CLOSED) == []
    assert "close" in [t.name for t in available_for(ReferralStage.NEW, referent=False)]


def test_a_referral_goes_all_the_way_and_is_logged(institution, make_user):
    referent = make_user(Role.PARTNER_REFERENT)
    referral = referral_of(interested(institution))
    for name in ("contact", "apply", "join"):
        referral = services.referral_transition(referral=referral, name=name, actor=referent)
    assert referral.stage == ReferralStage.JOINED
    steps = list(ReferralTransition.objects.filter(referral=referral).values_list("source", "target"))
    assert steps == [("new", "contacted"), ("contacted", "application"), ("application", "joined")]


def test_refusals(institution, make_user):
    referent = make_user(Role.PARTNER_REFERENT)
    referral = referral_of(interested(institution))
    with pytest.raises(PartnersError):
        services.referral_transition(referral=referral, name="join", actor=referent)
    with pytest.raises(PartnersError):
        services.referral_transition(referral=referral, name="close", actor=referent)
    with pytest.raises(ConcurrentChange):
        services.referral_transition(referral=referral, name="contact", actor=referent, expected_version=7)


def test_the_queue_is_scoped_to_the_institutions_followed(institution, other_institution, make_user):
    ours = referral_of(interested(institution))
    theirs = referral_of(interested(other_institution))
    referent = make_user(Role.PARTNER_REFERENT)
    assert list(selectors.referral_queue(referent)) == [ours]
    Membership.objects.create(user=referent, institution=other_institution, role=Role.PARTNER_REFERENT)
    from parcours.accounts.permissions import clear_cache

    clear_cache(referent)
    assert set(selectors.referral_queue(referent)) == {ours, theirs}
    assert list(selectors.referral_queue(referent, institution=other_institution)) == [theirs]


def test_the_referent_advances_a_referral_in_the_pages(client, institution, make_user):
    referent = make_user(Role.PARTNER_REFERENT)
    declaration = interested(institution, first_name="Maëlle", last_name="Costa")
    referral = referral_of(declaration)
    client.force_login(referent)
    queue = client.get(reverse("partners_referrals"))
    assert "Maëlle Costa" in queue.content.decode()
    url = reverse("partners_referral_transition", kwargs={"pk": referral.pk, "name": "contact"})
    client.post(url, {"version": referral.version})
    referral.refresh_from_db()
    assert referral.stage == ReferralStage.CONTACTED
    client.post(reverse("partners_referral_note", kwargs={"pk": referral.pk}), {"note": "Rappeler en mars"})
    referral.refresh_from_db()
    assert referral.note == "Rappeler en mars"


def test_another_institutions_referral_is_a_404(client, institution, other_institution, make_user):
    theirs = referral_of(interested(other_institution))
    client.force_login(make_user(Role.PARTNER_REFERENT))
    assert client.get(reverse("partners_referral_detail", kwargs={"pk": theirs.pk})).status_code == 404
    url = reverse("partners_referral_transition", kwargs={"pk": theirs.pk, "name": "contact"})
    assert client.post(url).status_code == 404

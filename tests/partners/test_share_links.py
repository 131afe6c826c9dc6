"""Recruiters' share links: public, expiring, revocable, counting views; competencies, never unit or rank."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from parcours.accounts.enums import Role
from parcours.partners import services
from parcours.partners.models import ShareLink
from parcours.partners.services import PartnersError

from .factories import decide, share_link

pytestmark = pytest.mark.django_db


def test_the_public_profile_shows_recognised_competencies_only(client, world):
    decide(world)
    link = share_link(world["student"])
    client.cookies["django_language"] = "fr"  # this page is checked in French
    response = client.get(reverse("partners_shared_profile", kwargs={"token": link.token}))
    assert response.status_code == 200
    html = response.content.decode()
    assert world["competencies"][0].statement_fr in html and "Maîtrise" in html
    assert "Camille Laurent" in html
    for secret in ("1er RI", "Caporal", world["student"].email, world["period"].title, "attestation"):
        assert secret not in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_holder_may_hide_their_name(client, world):
    decide(world)
    link = share_link(world["student"], show_name=False)
    html = client.get(reverse("partners_shared_profile", kwargs={"token": link.token})).content.decode()
    assert "Laurent" not in html.split("<main", 1)[-1].split("</main>", 1)[0]


def test_views_are_counted_but_not_the_holders_own(client, world):
    link = share_link(world["student"])
    url = reverse("partners_shared_profile", kwargs={"token": link.token})
    client.get(url)
    client.get(url)
    client.force_login(world["student"])
    client.get(url)
    link.refresh_from_db()
    assert link.view_count == 2 and link.last_viewed_at is not None


def test_revoked_and_expired_links_show_a_clear_page_without_data(client, world):
    decide(world)
    revoked = share_link(world["student"])
    services.share_link_revoke(link=revoked, actor=world["student"])
    expired = share_link(world["student"])
    ShareLink.objects.filter(pk=expired.pk).update(
        created_at=timezone.now() - timedelta(days=31), expires_at=timezone.now() - timedelta(days=1)
    )
    for link, word in ((revoked, "revoked"), (expired, "expired")):
        response = client.get(reverse("partners_shared_profile", kwargs={"token": link.token}))
        assert response.status_code == 410
        html = response.content.decode()
        assert world["competencies"][0].statement_fr not in html and "Laurent" not in html
        assert word in html or {"revoked": "révoqué", "expired": "expiré"}[word] in html
    assert client.get(reverse("partners_shared_profile", kwargs={"token": "nope"})).status_code == 404


def test_holder_pages_create_and_revoke(client, world, make_user):
    student = world["student"]
    client.force_login(student)
    response = client.post(
        reverse("partners_share_links"), {"label": "Entreprise X", "days": 30, "show_name": "on"}
    )
    assert response.status_code == 302
    link = ShareLink.objects.get(holder=student)
    assert link.label == "Entreprise X" and not link.include_credentials
    assert timedelta(days=29) < link.expires_at - timezone.now() <= timedelta(days=30)
    other = make_user(Role.STUDENT)
    client.force_login(other)
    assert client.post(reverse("partners_share_revoke", kwargs={"pk": link.pk})).status_code == 404
    client.force_login(student)
    client.post(reverse("partners_share_revoke", kwargs={"pk": link.pk}))
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_a_link_lasts_a_bounded_time(world):
    with translation.override("en"), pytest.raises(PartnersError, match="between 1 and 365"):
        services.share_link_create(holder=world["student"], days=1000)

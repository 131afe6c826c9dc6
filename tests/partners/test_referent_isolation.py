"""A Garde nationale referent never reaches an individual's page, file, evidence or name — except the
referrals of people who consented. Walks every such URL as a referent."""

import pytest
from django.urls import reverse

from parcours.accounts.enums import Role
from parcours.partners import services

from .factories import decide, interested, referral_of

pytestmark = pytest.mark.django_db


def test_a_referent_walks_every_individual_url_and_is_turned_away(client, world, make_user):
    from parcours.portfolio import services as portfolio
    from tests.portfolio.test_uploads import pdf_bytes

    student, period, institution = world["student"], world["period"], world["institution"]
    evidence = portfolio.evidence_add(
        profile=world["profile"], actor=student, name="attestation.pdf", data=pdf_bytes(), period=period
    )
    decision = decide(world)
    withdrawn = interested(institution, email="retire@example.org", first_name="Retiré")
    services.interest_withdraw(declaration=withdrawn, actor=withdrawn.user)
    not_contactable = interested(institution, scopes=["studies"], email="anonyme@example.org")
    referent = make_user(Role.PARTNER_REFERENT)
    client.force_login(referent)

    urls = [
        reverse("portfolio_period_detail", kwargs={"pk": period.pk}),
        reverse("portfolio_period_edit", kwargs={"pk": period.pk}),
        reverse("portfolio_evidence_download", kwargs={"pk": evidence.pk}),
        reverse("recognition_request_detail", kwargs={"pk": decision.request.pk}),
        reverse("recognition_decision_create", kwargs={"pk": decision.request.pk}),
        reverse("recognition_session_detail", kwargs={"pk": decision.session.pk}),
        reverse("recognition_queue"),
        reverse("institution_detail", kwargs={"slug": institution.slug}),
        reverse("partners_referral_detail", kwargs={"pk": referral_of(withdrawn).pk}),
        f"/api/portfolio/evidence/{evidence.pk}",
        f"/api/recognition/requests/{decision.request.pk}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (403, 404, 405), f"{url} answered {response.status_code} to a referent"
        body = response.content.decode(errors="replace")
        for secret in (student.email, student.last_name, "1er RI", "Caporal"):
            assert secret not in body, f"{url} shows {secret!r} to a referent"
    admin = client.get("/admin/portfolio/reservistprofile/")
    assert admin.status_code in (302, 403, 404)
    queue = client.get(reverse("partners_referrals")).content.decode()
    assert "Retiré" not in queue and "anonyme@example.org" not in queue
    assert not_contactable.pk  # counted in the statistics only


def test_a_consenting_referral_is_reachable(client, institution, make_user):
    referral = referral_of(interested(institution, first_name="Consentante"))
    client.force_login(make_user(Role.PARTNER_REFERENT))
    response = client.get(reverse("partners_referral_detail", kwargs={"pk": referral.pk}))
    assert response.status_code == 200 and "Consentante" in response.content.decode()

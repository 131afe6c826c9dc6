from datetime import date

import pytest
from django.urls import reverse

from parcours.accounts.enums import Role
from parcours.portfolio import services
from parcours.portfolio.models import EvidenceAccess, ReservePeriod
from parcours.portfolio.services import PortfolioError
from tests.portfolio.test_uploads import jpeg_with_gps, pdf_bytes

pytestmark = pytest.mark.django_db


def create(world, **overrides):
    fields = {
        "profile": world["profile"],
        "actor": world["student"],
        "activity_type": world["pmi"],
        "title": "Mission Sentinelle",
        "start_date": date(2026, 8, 3),
        "end_date": date(2026, 8, 9),
    }
    fields.update(overrides)
    return services.period_create(**fields)


def test_days_are_computed_from_the_dates(world):
    period = create(world)
    assert period.days == 7 and period.length_days == 7


@pytest.mark.parametrize(
    ("overrides", "message", "field"),
    [
        ({"end_date": date(2026, 8, 1)}, "cannot end before it starts", "end_date"),
        ({"days": 9}, "do not fit in a period of 7 calendar days", "days"),
        ({"days": 5}, "Say why", "days_reason"),
        ({"start_date": date(2026, 7, 10), "end_date": date(2026, 7, 20)}, "overlaps", "start_date"),
    ],
)
def test_bad_periods_are_refused_and_nothing_is_written(world, overrides, message, field):
    before = ReservePeriod.objects.count()
    with pytest.raises(PortfolioError, match=message) as error:
        create(world, **overrides)
    assert error.value.field == field
    assert ReservePeriod.objects.count() == before


def test_days_can_differ_with_a_reason(world):
    period = create(world, days=5, days_reason="Week-end non travaillé")
    assert period.days == 5


def test_declaring_a_period_through_the_form(client, world):
    client.force_login(world["student"])
    response = client.post(
        reverse("portfolio_period_create"),
        {
            "activity_type": world["pmi"].pk,
            "title": "Formation initiale",
            "start_date": "2026-09-01",
            "end_date": "2026-08-25",
            "visibility": "private",
        },
    )
    assert response.status_code == 200
    assert "La période ne peut pas se terminer avant de commencer." in response.content.decode()


def test_a_refused_form_says_so_in_the_page_title(client, world):
    """Screen-reader users hear the title first: after a refused submission it starts with « Erreur »."""
    client.force_login(world["student"])
    url = reverse("portfolio_period_create")
    assert "<title>Erreur" not in client.get(url).content.decode()
    response = client.post(url, {"title": "", "start_date": "2026-09-01", "end_date": "2026-08-25"})
    assert response.status_code == 200
    assert "<title>Erreur – " in response.content.decode()


def test_evidence_is_private_to_the_holder_until_submitted(client, world, make_user, other_institution):
    evidence = services.evidence_add(
        profile=world["profile"],
        actor=world["student"],
        name="attestation.pdf",
        data=pdf_bytes(),
        period=world["period"],
    )
    url = reverse("portfolio_evidence_download", args=[evidence.pk])
    client.force_login(world["student"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    for intruder in (
        world["engineer"],  # not submitted, not shared
        make_user(Role.STUDENT),
        make_user(Role.PARTNER_REFERENT),
        make_user(Role.PEDAGOGICAL_ENGINEER, inst=other_institution),
    ):
        client.force_login(intruder)
        assert client.get(url).status_code == 404
    assert EvidenceAccess.objects.filter(evidence=evidence).count() == 1


def test_images_are_stored_without_metadata(world):
    evidence = services.evidence_add(
        profile=world["profile"],
        actor=world["student"],
        name="photo.jpg",
        data=jpeg_with_gps(),
        period=world["period"],
    )
    from PIL import Image

    with evidence.file.open("rb") as handle:
        assert not Image.open(handle).getexif()
    assert evidence.file.name.startswith("evidence/") and "photo" not in evidence.file.name


def test_refused_upload_writes_nothing(world):
    with pytest.raises(PortfolioError, match="not a PDF"):
        services.evidence_add(profile=world["profile"], actor=world["student"], name="x.svg", data=b"<svg/>")
    assert not world["profile"].evidence.exists()


def test_sensitive_fields_are_hidden_from_deciders_by_default(client, world):
    from parcours.recognition import services as recognition

    request = recognition.request_create(
        holder=world["student"], institution=world["institution"], title="PMI", periods=[world["period"]]
    )
    recognition.request_transition(request=request, name="submit", actor=world["student"])
    client.force_login(world["engineer"])
    html = client.get(reverse("recognition_request_detail", args=[request.pk])).content.decode()
    assert "Camille" in html
    assert "1er RI" not in html and "Caporal" not in html
    world["profile"].sensitive_visibility = "jury"
    world["profile"].save()
    html = client.get(reverse("recognition_request_detail", args=[request.pk])).content.decode()
    assert "1er RI" in html

import pytest

from tests.portfolio.test_uploads import pdf_bytes

pytestmark = pytest.mark.django_db


def test_the_journey_through_the_api(client, world):
    client.force_login(world["student"])
    response = client.post(
        "/api/portfolio/periods",
        {"activity_type": "pmi", "title": "FMIR", "start_date": "2026-08-03", "end_date": "2026-08-14"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    period_id = response.json()["id"]
    assert response.json()["days"] == 12

    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("attestation.pdf", pdf_bytes(), content_type="application/pdf")
    response = client.post(
        f"/api/portfolio/periods/{period_id}/evidence", {"file": upload, "kind": "attestation"}
    )
    assert response.status_code == 201, response.content
    bad = SimpleUploadedFile("attestation.pdf", b"not a pdf at all")
    response = client.post(f"/api/portfolio/periods/{period_id}/evidence", {"file": bad})
    assert response.status_code == 400 and response.json()["detail"].startswith("file: attestation.pdf")

    response = client.post(
        "/api/recognition/requests",
        {"title": "FMIR", "period_ids": [period_id]},
        content_type="application/json",
    )
    assert response.status_code == 201
    request_id = response.json()["id"]
    response = client.post(
        f"/api/recognition/requests/{request_id}/submit", {}, content_type="application/json"
    )
    assert response.json()["status"] == "submitted"

    response = client.post(
        f"/api/recognition/requests/{request_id}/transitions/appeal",
        {"comment": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "appeal" not in response.json().get("status", "")


def test_bad_period_gives_a_400_naming_the_field(client, world):
    client.force_login(world["student"])
    response = client.post(
        "/api/portfolio/periods",
        {"activity_type": "pmi", "title": "X", "start_date": "2026-08-14", "end_date": "2026-08-03"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("end_date:")


def test_stale_version_is_a_409(client, world):
    from parcours.recognition import services

    request = services.request_create(
        holder=world["student"], institution=world["institution"], title="PMI", periods=[world["period"]]
    )
    services.request_transition(request=request, name="submit", actor=world["student"])
    client.force_login(world["engineer"])
    response = client.post(
        f"/api/recognition/requests/{request.pk}/transitions/start_review",
        {"version": 0},
        content_type="application/json",
    )
    assert response.status_code == 409

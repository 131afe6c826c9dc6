import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.notifications.models import Notification
from parcours.portfolio import services as portfolio
from parcours.privacy.register import personal_data_note, project_models, register_markdown
from parcours.privacy.services import (
    erasure_process,
    erasure_request,
    personal_data_export,
    retention_enforce,
)
from tests.portfolio.test_uploads import pdf_bytes
from tests.recognition.test_workflow import in_jury, sign

pytestmark = pytest.mark.django_db


def test_every_model_states_its_personal_data():
    missing = [m.__name__ for m in project_models() if not personal_data_note(m)]
    assert not missing, f"Say in the docstring what personal data these models hold: {missing}"


def test_register_of_processing_lists_every_model():
    text = register_markdown()
    for model in project_models():
        assert f"| {model.__name__} |" in text


def test_export_holds_the_data_and_the_files(client, world):
    portfolio.evidence_add(
        profile=world["profile"],
        actor=world["student"],
        name="attestation.pdf",
        data=pdf_bytes(),
        period=world["period"],
    )
    client.force_login(world["student"])
    response = client.get(reverse("privacy_export"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("data.json"))
    assert data["account"]["email"] == world["student"].email
    assert data["portfolio"]["periods"][0]["title"] == world["period"].title
    assert data["portfolio"]["unit"] == "1er RI, 3e compagnie"
    evidence_names = [n for n in archive.namelist() if n.startswith("evidence/")]
    assert len(evidence_names) == 1 and archive.read(evidence_names[0]).startswith(b"%PDF")


def test_erasure_keeps_decisions_pseudonymised_and_deletes_the_rest(world, make_user):
    portfolio.evidence_add(
        profile=world["profile"],
        actor=world["student"],
        name="attestation.pdf",
        data=pdf_bytes(),
        period=world["period"],
    )
    request, session = in_jury(world)
    decision = sign(world, request, session)
    student = world["student"]
    erasure = erasure_request(user=student, reason="Je quitte l'école")
    admin = make_user("administrator")
    erasure_process(request=erasure, actor=admin)
    student.refresh_from_db()
    assert (
        not student.is_active and student.email.startswith("efface-") and "Camille" not in student.first_name
    )
    assert not student.has_usable_password()
    assert not world["profile"].evidence.exists()
    world["profile"].refresh_from_db()
    assert world["profile"].unit == "" and world["profile"].rank == ""
    decision.refresh_from_db()
    assert decision.validated_activities.count() == 1  # the academic record stays
    archive = zipfile.ZipFile(io.BytesIO(personal_data_export(user=student)))
    assert "Camille" not in archive.read("data.json").decode()


def test_retention_deletes_old_notifications(world):
    old = Notification.objects.create(recipient=world["student"], action="x", message="vieux")
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))
    Notification.objects.create(recipient=world["student"], action="x", message="récent")
    counts = retention_enforce()
    assert counts["notifications"] == 1
    assert list(Notification.objects.values_list("message", flat=True)) == ["récent"]


def test_privacy_pages(client, world):
    client.force_login(world["student"])
    assert client.get(reverse("privacy_home")).status_code == 200
    response = client.post(reverse("privacy_erasure"), {"reason": ""})
    assert response.status_code == 302
    html = client.get(reverse("privacy_home")).content.decode()
    assert 'action="/privacy/erasure/"' not in html  # the request is pending: no second form

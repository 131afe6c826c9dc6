"""The download view (permission-checked, byte-identical, audited) and the public verification page."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parcours.accounts.enums import Role
from parcours.audit.models import AuditEvent
from parcours.documents.api import document_revoke_for_source, download_url

from .factories import DocumentFactory, issue

pytestmark = pytest.mark.django_db


def download(client, document):
    return client.get(download_url(document))


def verify(client, public_id, **kwargs):
    return client.get(reverse("document_verify", kwargs={"public_id": str(public_id)}), **kwargs)


def test_holder_downloads_the_stored_bytes(client, make_user, institution):
    holder = make_user(Role.STUDENT, first_name="Camille", last_name="Dupont")
    document = issue("recognition_attestation", institution=institution, holder=holder)
    client.force_login(holder)
    response = download(client, document)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="recognition-attestation-ATT-2026-0042-fr.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    body = response.content
    assert body.startswith(b"%PDF-")
    assert hashlib.sha256(body).hexdigest() == document.sha256
    with document.file.open("rb") as handle:
        assert body == handle.read()
    event = AuditEvent.objects.get(action="document.downloaded")
    assert event.actor == holder and event.target_id == str(document.pk) and event.institution == institution
    assert event.data["public_id"] == str(document.public_id)


@pytest.mark.parametrize(
    ("role", "same_institution", "status"),
    [
        (Role.STUDENT, True, 404),  # another student
        (Role.TEACHER, True, 404),
        (Role.HR, True, 404),
        (Role.PARTNER_REFERENT, True, 404),
        (Role.PEDAGOGICAL_ENGINEER, True, 200),
        (Role.DIRECTOR_OF_STUDIES, True, 200),
        (Role.ADMINISTRATOR, True, 200),
        (Role.DIRECTOR_OF_STUDIES, False, 404),  # staff of another institution
        (Role.PEDAGOGICAL_ENGINEER, False, 404),
    ],
)
def test_who_may_download(client, make_user, institution, other_institution, role, same_institution, status):
    document = DocumentFactory(institution=institution, holder=make_user(Role.STUDENT))
    user = make_user(role, inst=institution if same_institution else other_institution)
    if role == Role.ADMINISTRATOR:
        user.is_superuser = False
        user.save()
    client.force_login(user)
    assert download(client, document).status_code == status
    assert AuditEvent.objects.filter(action="document.downloaded").count() == (1 if status == 200 else 0)


def test_anonymous_download_goes_to_login(client, institution):
    document = DocumentFactory(institution=institution)
    response = download(client, document)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_altered_file_is_not_served(client, make_user, institution):
    holder = make_user(Role.STUDENT)
    document = DocumentFactory(institution=institution, holder=holder)
    with open(document.file.path, "ab") as handle:
        handle.write(b"tampered")
    client.force_login(holder)
    response = download(client, document)
    assert response.status_code == 500
    assert AuditEvent.objects.filter(action="document.integrity_failed").exists()
    assert not AuditEvent.objects.filter(action="document.downloaded").exists()


def test_verify_page_confirms_an_authentic_document(client, make_user, institution):
    holder = make_user(Role.STUDENT, first_name="Camille", last_name="Dupont")
    document = issue("recognition_attestation", institution=institution, holder=holder, language="en")
    client.cookies["django_language"] = "en"
    response = verify(client, document.public_id)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Authentic document" in page
    assert "École nationale supérieure des mines d&#x27;Alès" in page
    assert "Camille Dupont" in page
    assert "C2.1 — Lead a team through a crisis situation — Level 2 — Proficient — 3 ECTS" in page
    assert "ATT-2026-0042" in page
    assert document.sha256 in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_verify_page_in_english(client, institution):
    document = DocumentFactory(institution=institution)
    client.cookies["django_language"] = "en"
    page = verify(client, document.public_id).content.decode()
    assert "Authentic document" in page
    assert "What was recognised" in page


@pytest.mark.parametrize("public_id", ["6f1c1a52-3f55-4a8e-9a43-3b1f0f7e2a10", "not-a-uuid"])
def test_verify_page_says_an_unknown_document_is_not_authentic(client, institution, public_id):
    DocumentFactory(institution=institution)
    client.cookies["django_language"] = "en"
    response = verify(client, public_id)
    assert response.status_code == 404
    page = response.content.decode()
    assert "This document is not authentic" in page
    assert "No document issued on this platform matches this address" in page


def test_verify_page_says_a_revoked_document_was_withdrawn_and_why(client, make_user, institution):
    holder = make_user(Role.STUDENT, first_name="Camille", last_name="Dupont")
    document = DocumentFactory(institution=institution, holder=holder, source_id="77")
    document_revoke_for_source(
        source_type="tests.source",
        source_id="77",
        reason="Décision annulée <script>alert(1)</script>",
        actor=make_user(Role.DIRECTOR_OF_STUDIES),
    )
    client.cookies["django_language"] = "en"
    response = verify(client, document.public_id)
    assert response.status_code == 200
    page = response.content.decode()
    assert "This document was withdrawn" in page
    assert "Décision annulée &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page
    assert "Authentic document" not in page
    assert "C2.1" not in page  # what it recognised is no longer vouched for


def test_verify_page_never_shows_holder_names_of_jury_minutes(client, institution):
    document = issue("jury_minutes", institution=institution, language="fr")
    page = verify(client, document.public_id).content.decode()
    assert "3 demande(s) examinée(s)" in page
    for name in ("Camille Dupont", "Lucas Moreau", "Inès Garcia"):
        assert name not in page


def test_checking_a_copy_of_the_document(client, institution):
    content = b"%PDF-1.7 the issued bytes\n%%EOF\n"
    document = DocumentFactory(institution=institution, content=content)
    client.cookies["django_language"] = "en"
    url = reverse("document_verify", kwargs={"public_id": str(document.public_id)})
    same = client.post(url, {"file": SimpleUploadedFile("copy.pdf", content, "application/pdf")})
    assert "Your copy is the issued file" in same.content.decode()
    altered = client.post(url, {"file": SimpleUploadedFile("copy.pdf", content + b" ", "application/pdf")})
    assert "Your copy differs from the issued file" in altered.content.decode()
    assert not AuditEvent.objects.filter(action__startswith="document.").exists()


def test_document_list_include_links_to_download_and_verification(rf, institution):
    from django.template.loader import render_to_string
    from django.utils import translation

    current = DocumentFactory(institution=institution, language="en")
    withdrawn = DocumentFactory(institution=institution, revoked=True)
    with translation.override("en"):
        html = render_to_string("documents/includes/document_list.html", {"documents": [current, withdrawn]})
        empty = render_to_string("documents/includes/document_list.html", {"documents": []})
    assert download_url(current) in html and download_url(withdrawn) in html
    assert reverse("document_verify", kwargs={"public_id": str(current.public_id)}) in html
    assert "Valid" in html and "Withdrawn" in html
    assert "No document has been issued yet" in empty


def test_a_huge_copy_is_refused_before_it_is_read(client, institution):
    document = DocumentFactory(institution=institution)
    client.cookies["django_language"] = "en"
    url = reverse("document_verify", kwargs={"public_id": str(document.public_id)})
    response = client.post(
        url, {"file": SimpleUploadedFile("copy.pdf", b"x")}, CONTENT_LENGTH=str(21 * 1024 * 1024)
    )
    assert response.status_code == 200
    assert "larger than 20 MB" in response.content.decode()

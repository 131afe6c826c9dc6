"""Public verification pages, status lists and DID documents, the holder's page, and the machine endpoint."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from openbadgeslib.ob3 import OB3Verifier

from parcours.accounts.enums import Role
from parcours.credentials.api import credential_revoke, verify_url
from parcours.credentials.enums import Verdict
from parcours.credentials.images import baked_png
from parcours.credentials.models import Credential

from .factories import issue

pytestmark = pytest.mark.django_db


def verdict_of(response) -> str:
    html = response.content.decode()
    marker = 'data-verdict="'
    return html[html.index(marker) + len(marker) :].split('"', 1)[0]


def test_public_page_says_valid_and_shows_competencies(client, institution, student):
    credential = issue(holder=student, institution=institution)
    response = client.get(
        reverse("credential_verify_detail", args=[credential.public_id]), HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 200
    assert verdict_of(response) == Verdict.VALID
    html = response.content.decode()
    assert "Gérer une situation de crise" in html
    assert "C2.3" in html and "appliquer la gestion de crises" in html
    assert "Niveau 2" in html and "Camille Laurent" in html
    assert institution.name in html
    assert "no-store" in response["Cache-Control"]


def test_public_page_in_english_uses_the_english_snapshot(client, institution, student):
    credential = issue(holder=student, institution=institution)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("credential_verify_detail", args=[credential.public_id]))
    assert "Manage a crisis situation" in response.content.decode()


def test_public_page_after_revocation_shows_the_reason(client, institution, student):
    credential = issue(holder=student, institution=institution)
    credential_revoke(credential=credential, reason="Validation erronée de la compétence")
    response = client.get(reverse("credential_verify_detail", args=[credential.public_id]))
    assert verdict_of(response) == Verdict.REVOKED
    assert "Validation erronée de la compétence" in response.content.decode()


def test_hidden_and_unknown_credentials_are_not_shown(client, institution, student):
    credential = issue(holder=student, institution=institution)
    Credential.objects.filter(pk=credential.pk).update(hidden=True)
    response = client.get(reverse("credential_verify_detail", args=[credential.public_id]))
    assert response.status_code == 404 and verdict_of(response) == Verdict.NOT_FOUND
    assert "Gérer une situation" not in response.content.decode()
    response = client.get("/verify/00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404
    assert client.get("/verify/not-a-uuid").status_code == 404


def test_holder_email_check(client, institution, student):
    credential = issue(holder=student, institution=institution)
    url = reverse("credential_verify_detail", args=[credential.public_id])
    client.cookies["django_language"] = "en"
    yes = client.post(url, {"email": "CAMILLE.LAURENT@example.org"}).content.decode()
    assert "Yes: this credential was issued to this e-mail address." in yes
    no = client.post(url, {"email": "other@example.org"}).content.decode()
    assert "No: this credential was not issued to this e-mail address." in no


def test_verify_form_paste_and_upload(client, institution, student):
    credential = issue(holder=student, institution=institution)
    response = client.post(reverse("credential_verify"), {"credential": credential.token})
    assert response.status_code == 200 and verdict_of(response) == Verdict.VALID
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("badge.png", baked_png(credential), content_type="image/png")
    response = client.post(reverse("credential_verify"), {"file": upload})
    assert verdict_of(response) == Verdict.VALID
    forged = credential.token[:-6] + ("AAAAAA" if not credential.token.endswith("AAAAAA") else "BBBBBB")
    response = client.post(reverse("credential_verify"), {"credential": forged})
    assert verdict_of(response) == Verdict.ALTERED
    assert "Gérer une situation de crise" not in response.content.decode()  # unsigned claims are never shown
    response = client.post(reverse("credential_verify"), {"credential": "pas un badge"})
    assert response.status_code == 200 and verdict_of(response) == Verdict.INVALID
    huge = SimpleUploadedFile("huge.json", b"{" + b" " * (3 * 1024 * 1024), content_type="application/json")
    response = client.post(reverse("credential_verify"), {"file": huge})
    assert response.status_code == 200 and verdict_of(response) == Verdict.INVALID
    assert client.get(reverse("credential_verify")).status_code == 200


def test_verification_is_rate_limited(client, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "ENABLED": True,
        "RATES": {**settings.RATE_LIMITS["RATES"], "verify": "3/60"},
    }
    codes = [client.post(reverse("credential_verify"), {"credential": "x"}).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    response = client.post(reverse("credential_verify"), {"credential": "x"})
    assert int(response["Retry-After"]) > 0
    assert client.get(reverse("credential_verify")).status_code == 200  # reading the form is no verification
    # The API counts in the same allowance: a client cannot verify more by switching door.
    refused = client.post("/api/credentials/verify", {"credential": "x"}, content_type="application/json")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "try again" in refused.json()["detail"]
    elsewhere = {"content_type": "application/json", "REMOTE_ADDR": "192.0.2.7"}  # another client
    api = [client.post("/api/credentials/verify", {"credential": "x"}, **elsewhere) for _ in range(4)]
    assert [r.status_code for r in api] == [200, 200, 200, 429]


def test_status_list_is_public_signed_and_cacheable(client, institution, student):
    credential = issue(holder=student, institution=institution)
    credential_revoke(credential=credential, reason="Erreur")
    url = reverse("credential_status_list", args=[credential.revocation_list.public_id])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    assert response["Cache-Control"].startswith("public, max-age=")
    assert response["Access-Control-Allow-Origin"] == "*"
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    # openbadgeslib reads it through the download hook and finds the revoked bit.
    verifier = OB3Verifier(pubkey_pem=credential.issuer_key.public_pem)
    with pytest.raises(Exception, match="revocation"):
        verifier.verify(
            credential.token, check_status=True, download=lambda u: client.get(u.split("8000", 1)[-1]).content
        )


def test_did_web_document_for_an_https_host(client, settings, institution, student):
    settings.SITE_URL = "https://parcours.example.org"
    credential = issue(holder=student, institution=institution)
    assert credential.issuer_key.issuer_did == "did:web:parcours.example.org"
    document = client.get("/.well-known/did.json").json()
    assert document["id"] == "did:web:parcours.example.org"
    assert document["verificationMethod"][0]["id"] == credential.issuer_key.kid
    assert "d" not in document["verificationMethod"][0]["publicKeyJwk"]

    def download(url):
        assert url.startswith("https://parcours.example.org/")
        return client.get(url.removeprefix("https://parcours.example.org")).content

    verifier = OB3Verifier.for_issuer_did("did:web:parcours.example.org", download=download)
    assert verifier.verify(credential.token, check_status=True, download=download).id == credential.urn
    assert client.get("/issuers/unknown/did.json").status_code == 404


def test_my_credentials_page(client, institution, student):
    credential = issue(holder=student, institution=institution)
    other = issue(institution=institution)
    client.force_login(student)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("credential_mine")).content.decode()
    assert "Manage a crisis situation" in html
    assert verify_url(credential) in html and verify_url(other) not in html
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in html
    assert "data:image/svg+xml" in html
    for fmt, content_type in (
        ("jwt", "application/vc+jwt"),
        ("json", "application/json"),
        ("png", "image/png"),
        ("svg", "image/svg+xml"),
    ):
        response = client.get(reverse("credential_download", args=[credential.public_id, fmt]))
        assert response.status_code == 200 and response["Content-Type"].startswith(content_type)
        assert "attachment" in response["Content-Disposition"]
    assert (
        json.loads(client.get(reverse("credential_download", args=[credential.public_id, "json"])).content)[
            "id"
        ]
        == credential.urn
    )
    assert client.get(reverse("credential_download", args=[credential.public_id, "exe"])).status_code == 404
    assert client.get(reverse("credential_download", args=[other.public_id, "jwt"])).status_code == 404


def test_holder_hides_and_shows_a_credential(client, institution, student):
    credential = issue(holder=student, institution=institution)
    client.force_login(student)
    client.post(reverse("credential_visibility", args=[credential.public_id]), {"hidden": "1"})
    assert client.get(reverse("credential_verify_detail", args=[credential.public_id])).status_code == 404
    client.post(reverse("credential_visibility", args=[credential.public_id]), {"hidden": "0"})
    assert client.get(reverse("credential_verify_detail", args=[credential.public_id])).status_code == 200
    from parcours.audit.models import AuditEvent

    assert list(
        AuditEvent.objects.filter(target_type="credentials.credential", target_id=str(credential.pk))
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["credential.issued", "credential.hidden", "credential.shown"]


def test_someone_else_cannot_hide_my_credential(client, institution, student, make_user):
    credential = issue(holder=student, institution=institution)
    client.force_login(make_user(Role.STUDENT))
    response = client.post(reverse("credential_visibility", args=[credential.public_id]), {"hidden": "1"})
    assert response.status_code == 404
    credential.refresh_from_db()
    assert credential.hidden is False


def test_manager_revokes_from_the_page(client, institution, student, make_user, other_institution):
    credential = issue(holder=student, institution=institution)
    director = make_user(Role.DIRECTOR_OF_STUDIES)
    client.force_login(director)
    url = reverse("credential_manage_detail", args=[credential.public_id])
    assert client.get(reverse("credential_manage")).status_code == 200
    response = client.post(url, {"action": "revoke", "reason": ""})
    credential.refresh_from_db()
    assert credential.status == "active"
    client.post(url, {"action": "suspend", "reason": "Contrôle"})
    client.post(url, {"action": "revoke", "reason": "Décision annulée en appel"})
    credential.refresh_from_db()
    assert credential.status == "revoked" and credential.status_reason == "Décision annulée en appel"
    # Another school's director sees nothing.
    client.force_login(make_user(Role.DIRECTOR_OF_STUDIES, inst=other_institution))
    assert client.get(url).status_code == 404
    assert response.status_code == 200


def test_api_verify_and_read(client, institution, student):
    credential = issue(holder=student, institution=institution)
    answer = client.post(
        "/api/credentials/verify", {"credential": credential.token}, content_type="application/json"
    )
    assert answer.status_code == 200
    data = answer.json()
    assert data["verdict"] == "valid" and data["valid"] is True
    assert data["credential"]["name"] == "Gérer une situation de crise"
    assert data["issuer"]["known"] is True
    as_json = client.post(
        "/api/credentials/verify",
        {"credential": credential.readable_document()},
        content_type="application/json",
    )
    assert as_json.json()["verdict"] == "valid"
    garbage = client.post("/api/credentials/verify", {"credential": "nope"}, content_type="application/json")
    assert garbage.status_code == 200 and garbage.json()["verdict"] == "invalid"
    assert client.post("/api/credentials/verify", "[", content_type="application/json").status_code in (
        400,
        422,
    )
    by_id = client.get(f"/api/credentials/{credential.public_id}/verification")
    assert by_id.json()["verdict"] == "valid"
    credential_revoke(credential=credential, reason="Erreur de saisie")
    revoked = client.get(f"/api/credentials/{credential.public_id}/verification").json()
    assert revoked["verdict"] == "revoked" and revoked["status"]["reason"] == "Erreur de saisie"
    assert client.get(f"/api/credentials/{credential.public_id}").status_code == 401
    client.force_login(student)
    assert client.get("/api/credentials/mine").json()[0]["id"] == str(credential.public_id)
    assert client.get(f"/api/credentials/{credential.public_id}").json()["jwt"] == credential.token


def test_api_status_changes_for_managers_only(client, institution, student, make_user):
    credential = issue(holder=student, institution=institution)
    client.force_login(student)
    url = f"/api/credentials/{credential.public_id}/suspend"
    assert client.post(url, {"reason": "x"}, content_type="application/json").status_code == 404
    client.force_login(make_user(Role.PEDAGOGICAL_ENGINEER))
    assert client.post(url, {"reason": ""}, content_type="application/json").status_code == 400
    assert (
        client.post(url, {"reason": "Contrôle"}, content_type="application/json").json()["status"]
        == "suspended"
    )
    assert client.post(url, {"reason": "Contrôle"}, content_type="application/json").status_code == 409
    reinstate = client.post(
        f"/api/credentials/{credential.public_id}/reinstate", {}, content_type="application/json"
    )
    assert reinstate.json()["status"] == "active"


def test_my_credentials_page_names_esco_skills_issued_without_their_label(client, institution, student):
    """Credentials issued before the labels were recorded: the page names the skill from the catalogue."""
    from parcours.frameworks.enums import FrameworkKind
    from parcours.frameworks.models import Competency, Framework

    from .factories import ESCO_CRISIS

    esco = Framework.objects.create(title_fr="ESCO", academic_year=2026, kind=FrameworkKind.REFERENCE)
    Competency.objects.create(
        framework=esco, identifier="f780a6ad", uri=ESCO_CRISIS, statement_fr="appliquer la gestion de crises"
    )
    issue(holder=student, institution=institution, esco_labels={})
    client.force_login(student)
    html = client.get(reverse("credential_mine")).content.decode()
    assert "appliquer la gestion de crises</a>" in html

"""Issuer keys and rotation, reissue, revocation by source, the audit trail, the management command, the
start-up check and batch issuance."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openbadgeslib.ob3 import OB3Verifier

from parcours.accounts.enums import Role
from parcours.audit.models import AuditEvent
from parcours.audit.services import audit_verify
from parcours.credentials.api import (
    BatchItem,
    credential_reissue,
    credentials_revoke_for_source,
    register_batch_source,
)
from parcours.credentials.batches import batch_create, unregister_batch_source
from parcours.credentials.enums import BatchStatus, CredentialStatus, Verdict
from parcours.credentials.issuers import IssuerError, issuer_init, issuer_rotate_key
from parcours.credentials.models import BatchIssuance, Credential
from parcours.credentials.verification import verify_credential
from tests.factories import CohortFactory, MembershipFactory, ProgrammeFactory, UserFactory

from .factories import issue, spec

pytestmark = pytest.mark.django_db


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def test_key_rotation_keeps_older_credentials_verifiable_did_key(institution, student):
    old = issue(holder=student, institution=institution)
    new_key = issuer_rotate_key(institution=institution)
    new = issue(holder=student, institution=institution)
    assert new.issuer_key == new_key and old.issuer_key != new_key
    assert old.issuer_key.issuer_did != new_key.issuer_did  # did:key: the key is the identifier
    assert verify_credential(old).verdict == Verdict.VALID
    assert verify_credential(new).verdict == Verdict.VALID
    from parcours.credentials.services import credential_revoke

    credential_revoke(credential=old, reason="Erreur")  # the retired did:key still signs its own lists
    assert verify_credential(old).verdict == Verdict.REVOKED
    assert "credential.issuer.key_rotated" in actions()


def test_key_rotation_under_did_web(settings, client, institution, student):
    settings.SITE_URL = "https://parcours.example.org"
    old = issue(holder=student, institution=institution)
    issuer_rotate_key(institution=institution)
    new = issue(holder=student, institution=institution)
    old_key = old.issuer_key
    old_key.refresh_from_db()
    assert old_key.encrypted_private_key is None  # destroyed: it can no longer sign anything
    assert old_key.issuer_did == new.issuer_key.issuer_did == "did:web:parcours.example.org"

    def download(url):
        return client.get(url.removeprefix("https://parcours.example.org")).content

    verifier = OB3Verifier.for_issuer_did("did:web:parcours.example.org", download=download)
    for credential in (old, new):
        assert verifier.verify(credential.token, check_status=True, download=download).id == credential.urn
        assert verify_credential(credential).verdict == Verdict.VALID
    document = client.get("/.well-known/did.json").json()
    assert [m["id"] for m in document["verificationMethod"]] == [new.issuer_key.kid, old_key.kid]


def test_second_institution_on_the_same_host_gets_a_path_did(
    settings, client, institution, other_institution
):
    settings.SITE_URL = "https://parcours.example.org"
    issuer_init(institution=institution)
    profile = issuer_init(institution=other_institution)
    assert profile.web_did == "did:web:parcours.example.org:issuers:autre-test"
    assert client.get("/issuers/autre-test/did.json").json()["id"] == profile.web_did
    with pytest.raises(IssuerError, match="already has an issuer key"):
        issuer_init(institution=institution)


def test_revoking_a_decision_revokes_what_was_derived_from_it(institution, student):
    first = issue(holder=student, institution=institution, source_id="99")
    second = issue(holder=student, institution=institution, source_id="99")
    other = issue(holder=student, institution=institution, source_id="100")
    count = credentials_revoke_for_source(
        source_type="recognition.decision", source_id="99", reason="Décision annulée", actor=None
    )
    assert count == 2
    statuses = dict(Credential.objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[second.pk] == CredentialStatus.REVOKED
    assert statuses[other.pk] == CredentialStatus.ACTIVE
    assert actions().count("credential.revoked") == 2


def test_reissue_points_to_the_replaced_credential(client, institution, student, make_user):
    director = make_user(Role.DIRECTOR_OF_STUDIES)
    old = issue(holder=student, institution=institution)
    corrected = spec(key=old.achievement_key, level_label="Niveau 3 — Expertise", level_rank=3)
    new = credential_reissue(
        credential=old, achievement=corrected, reason="Niveau corrigé par le jury", actor=director
    )
    old.refresh_from_db()
    assert new.replaces == old and not old.is_current and new.is_current
    assert old.status == CredentialStatus.REVOKED and old.status_reason == "Niveau corrigé par le jury"
    assert new.document["awardedDate"]
    assert verify_credential(new).verdict == Verdict.VALID
    html = client.get(reverse("credential_verify_detail", args=[old.public_id])).content.decode()
    assert str(new.public_id) in html
    # The recognition app's re-run of the same source does not bring the old one back nor duplicate.
    again = issue(holder=student, institution=institution, source_id=old.source_id, key=old.achievement_key)
    assert again == new
    event = AuditEvent.objects.get(action="credential.reissued")
    assert event.data["replaces"] == str(old.public_id) and event.actor == director
    assert audit_verify().ok


def call(*args) -> str:
    out = StringIO()
    call_command("credentials", *args, stdout=out)
    return out.getvalue()


def test_management_command(institution, student):
    assert "Issuer ready for mines-test" in call("init-issuer", "--institution", "mines-test")
    with pytest.raises(CommandError, match="already has an issuer key"):
        call("init-issuer", "--institution", "mines-test")
    credential = issue(holder=student, institution=institution)
    listed = json.loads(call("list", "--json"))
    assert listed[0]["id"] == str(credential.public_id) and listed[0]["status"] == "active"
    assert str(credential.public_id) in call("list")
    assert call("export", str(credential.public_id), "--format", "jwt").strip() == credential.token
    exported = json.loads(call("export", str(credential.public_id), "--format", "json"))
    assert exported["id"] == credential.urn and "jti" not in exported
    call("suspend", str(credential.public_id), "--reason", "Contrôle")
    call("reinstate", str(credential.public_id))
    call("revoke", str(credential.public_id), "--reason", "Décision annulée")
    credential.refresh_from_db()
    assert credential.status == CredentialStatus.REVOKED and credential.status_reason == "Décision annulée"
    with pytest.raises(CommandError, match="cannot be"):
        call("reinstate", str(credential.public_id))
    with pytest.raises(CommandError, match="not a credential id"):
        call("export", "42", "--format", "jwt")
    with pytest.raises(CommandError, match="No credential"):
        call("revoke", "00000000-0000-4000-8000-000000000000", "--reason", "x")
    with pytest.raises(CommandError, match="reason"):
        call("suspend", str(credential.public_id), "--reason", "  ")
    assert "New active key" in call("rotate-key", "--institution", "mines-test")
    with pytest.raises(CommandError, match="No institution"):
        call("rotate-key", "--institution", "nope")
    for action in (
        "credential.suspended",
        "credential.reinstated",
        "credential.revoked",
        "credential.issuer.key_rotated",
    ):
        assert action in actions()


def test_startup_check_requires_a_usable_issuer_key(settings, institution):
    settings.CREDENTIALS = {**settings.CREDENTIALS, "REQUIRE_ISSUER_KEY": True}
    assert [e.id for e in run_checks(tags=["credentials"])] == ["credentials.E001"]
    issuer_init(institution=institution)
    assert run_checks(tags=["credentials"]) == []
    from parcours.credentials import keys

    keys._kek_cache.clear()
    settings.CREDENTIALS = {
        **settings.CREDENTIALS,
        "KEY_PASSPHRASE": "not the passphrase the key was made with",
    }
    assert [e.id for e in run_checks(tags=["credentials"])] == ["credentials.E002"]
    settings.CREDENTIALS = {**settings.CREDENTIALS, "REQUIRE_ISSUER_KEY": False}
    assert run_checks(tags=["credentials"]) == []


def test_production_refuses_to_derive_a_passphrase(settings, institution):
    settings.CREDENTIALS = {**settings.CREDENTIALS, "KEY_PASSPHRASE": ""}
    settings.DEBUG = False
    settings.TESTING = False
    from parcours.credentials.keys import KeyUnavailable

    with pytest.raises(KeyUnavailable, match="CREDENTIALS_KEY_PASSPHRASE"):
        issuer_init(institution=institution)


def test_batch_for_a_cohort_with_progress(
    client, institution, issuer, make_user, django_capture_on_commit_callbacks
):
    cohort = CohortFactory(programme=ProgrammeFactory(institution=institution))
    students = [UserFactory() for _ in range(12)]
    for user in students:
        MembershipFactory(user=user, institution=institution, role=Role.STUDENT, cohort=cohort)

    def produce(inst, chosen):
        for user in students:
            for n in range(5):
                yield BatchItem(user, spec(key=f"competency:B{n}"), "test.cohort", str(chosen.pk))

    register_batch_source("test.cohort", "Test cohort", produce)
    try:
        engineer = make_user(Role.PEDAGOGICAL_ENGINEER)
        client.force_login(engineer)
        assert "Test cohort" in client.get(reverse("credential_batch_list")).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("credential_batch_list"),
                {"source": "test.cohort", "institution": institution.pk, "cohort": cohort.pk},
            )
        batch = BatchIssuance.objects.get()
        assert response.url == reverse("credential_batch_detail", args=[batch.pk])
        assert (batch.status, batch.total, batch.issued, batch.skipped, batch.failed) == (
            BatchStatus.DONE,
            60,
            60,
            0,
            0,
        )
        page = client.get(response.url).content.decode()
        assert 'data-count="issued">60<' in page and 'http-equiv="refresh"' not in page
        assert client.get(f"/api/credentials/batches/{batch.pk}").json()["percent"] == 100
        # Running the same batch again issues nothing new.
        with django_capture_on_commit_callbacks(execute=True):
            again = batch_create(institution=institution, source="test.cohort", cohort=cohort, actor=engineer)
        again.refresh_from_db()
        assert (again.issued, again.skipped) == (0, 60)
        assert Credential.objects.count() == 60
        assert "credential.batch.finished" in actions()
    finally:
        unregister_batch_source("test.cohort")


def test_pending_batch_page_refreshes(client, institution, make_user):
    batch = BatchIssuance.objects.create(institution=institution, source="x", label="Lot", total=10, issued=4)
    client.force_login(make_user(Role.DIRECTOR_OF_STUDIES))
    page = client.get(reverse("credential_batch_detail", args=[batch.pk])).content.decode()
    assert 'http-equiv="refresh"' in page and 'value="4"' in page

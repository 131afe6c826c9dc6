"""Context validation: every missing key named at once, unknown keys dropped, values normalised."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from parcours.documents import registry
from parcours.documents.api import DocumentContextError, UnknownDocumentKind
from parcours.documents.samples import sample_context


@pytest.mark.parametrize("kind", ["decision_letter", "recognition_attestation", "jury_minutes"])
def test_every_kind_is_registered_and_its_sample_is_valid(kind):
    doc_type = registry.get(kind)
    stored = doc_type.clean(sample_context(kind))
    assert stored["reference"]
    for language in ("fr", "en"):
        assert doc_type.clean(stored, language=language)["issued_on"].year == 2026


def test_unknown_kind_names_the_registered_ones():
    with pytest.raises(UnknownDocumentKind, match="decision_letter"):
        registry.get("diploma")


def test_missing_keys_are_all_listed_with_their_path():
    context = sample_context("decision_letter")
    del context["reference"]
    del context["holder"]["full_name"]
    del context["items"][1]["statement"]
    context["appeal"] = {}
    with pytest.raises(DocumentContextError) as excinfo:
        registry.get("decision_letter").clean(context)
    error = excinfo.value
    assert error.missing == [
        "reference",
        "holder.full_name",
        "items[1].statement",
        "appeal.deadline",
        "appeal.how",
    ]
    assert "missing keys: reference, holder.full_name, items[1].statement, appeal.deadline" in str(error)
    assert "'decision_letter'" in str(error)


def test_invalid_values_are_described():
    context = sample_context(
        "decision_letter",
        issued_on="03/03/2026",
        outcome="maybe",
        total_ects="three",
        changed_from_proposal="yes",
    )
    with pytest.raises(DocumentContextError) as excinfo:
        registry.get("decision_letter").clean(context)
    message = str(excinfo.value)
    assert "issued_on (expected a date YYYY-MM-DD, got '03/03/2026')" in message
    assert "outcome (expected one of validated, partially_validated, refused, got 'maybe')" in message
    assert "total_ects (expected a number" in message
    assert "changed_from_proposal (expected true or false" in message


def test_refusal_requires_the_jury_reason():
    context = sample_context("decision_letter", outcome="refused", items=[], exemptions=[])
    with pytest.raises(DocumentContextError, match="jury_reason"):
        registry.get("decision_letter").clean(context)
    context["jury_reason"] = {"fr": "Activité déjà validée.", "en": "Activity already recognised."}
    assert registry.get("decision_letter").clean(context)["outcome"] == "refused"


def test_a_changed_proposal_requires_the_jury_reason():
    context = sample_context("decision_letter", changed_from_proposal=True)
    with pytest.raises(DocumentContextError, match="jury_reason"):
        registry.get("decision_letter").clean(context)


def test_an_exemption_names_a_unit_or_internship_weeks():
    context = sample_context("recognition_attestation", exemptions=[{"scope": "total"}])
    with pytest.raises(DocumentContextError, match=r"exemptions\[0\]\.teaching_unit_code"):
        registry.get("recognition_attestation").clean(context)


def test_an_attestation_needs_at_least_one_competency():
    with pytest.raises(DocumentContextError, match=r"competencies \(at least 1 item"):
        registry.get("recognition_attestation").clean(
            sample_context("recognition_attestation", competencies=[])
        )


def test_undeclared_keys_never_survive_cleaning():
    context = sample_context("recognition_attestation", unit="1er régiment", rank="Sergent")
    context["holder"]["rank"] = "Sergent"
    context["competencies"][0]["unit"] = "1er régiment"
    stored = registry.get("recognition_attestation").clean(context)
    assert "unit" not in stored and "rank" not in stored
    assert stored["holder"] == {"full_name": "Camille Dupont"}
    assert "unit" not in stored["competencies"][0]


def test_stored_form_is_json_and_render_form_is_typed():
    context = sample_context(
        "recognition_attestation", issued_on=datetime.date(2026, 3, 3), total_ects=Decimal("4.50")
    )
    doc_type = registry.get("recognition_attestation")
    stored = doc_type.clean(context)
    assert stored["issued_on"] == "2026-03-03"
    assert stored["total_ects"] == "4.50"
    assert stored["competencies"][0]["statement"]["en"] == "Lead a team through a crisis situation"
    rendered = doc_type.clean(stored, language="en")
    assert rendered["issued_on"] == datetime.date(2026, 3, 3)
    assert rendered["competencies"][1]["ects"] == Decimal("1.5")
    assert rendered["competencies"][0]["statement"] == "Lead a team through a crisis situation"
    assert doc_type.clean(stored, language="fr")["signer"]["function"] == "Directrice des études"


def test_a_localised_text_falls_back_to_the_other_language():
    context = sample_context("recognition_attestation")
    context["competencies"][0]["statement"] = {"fr": "Conduire une équipe"}
    rendered = registry.get("recognition_attestation").clean(context, language="en")
    assert rendered["competencies"][0]["statement"] == "Conduire une équipe"


def test_the_documentation_lists_every_context_key():
    from pathlib import Path

    from parcours.documents.contexts import describe

    text = (Path(__file__).resolve().parents[2] / "docs" / "documents.md").read_text()
    for kind in ("decision_letter", "recognition_attestation", "jury_minutes"):  # the kinds of this app
        doc_type = registry.get(kind)
        assert f"`{kind}`" in text
        for path, *_ in describe(doc_type.schema()):
            assert f"`{path}`" in text, f"docs/documents.md does not document {kind}: {path}"


def test_a_kind_without_templates_fails_the_system_check():
    from parcours.documents.checks import check_document_templates

    class Draft(registry.DocumentType):
        kind = "draft_for_test"
        names = {"fr": "Brouillon"}
        fields = {}

    registry.register(Draft)
    try:
        ids = [error.id for error in check_document_templates(None) if "'draft_for_test'" in error.msg]
    finally:
        registry._REGISTRY.pop("draft_for_test")
    assert sorted(ids) == ["documents.E001", "documents.E001", "documents.E002"]

"""CASE 1.0 and 1.1 packages survive import → export → re-import without losing anything users care about."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parcours.frameworks.enums import AssociationType
from parcours.frameworks.interchange import export_case
from parcours.frameworks.models import Association, Competency
from parcours.frameworks.services import framework_import_file

DATA = Path(__file__).parent / "data"
PACKAGES = ["case_1_0_referentiel.json", "case_1_1_leadership.json"]


def normalise(value):
    """Drop empty properties (null, "", [], {}): CASE tools treat them as absent."""
    if isinstance(value, dict):
        cleaned = {k: normalise(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    return value


def by_identifier(objects):
    return {obj["identifier"]: normalise(obj) for obj in objects}


def assert_preserved(original: dict, exported: dict) -> None:
    """Every property of every object of ``original`` is in ``exported`` with the same value."""
    doc_in, doc_out = normalise(original["CFDocument"]), normalise(exported["CFDocument"])
    for key, value in doc_in.items():
        assert doc_out.get(key) == value, f"CFDocument.{key}"
    for section in ("CFItems", "CFAssociations"):
        before, after = by_identifier(original[section]), by_identifier(exported[section])
        assert set(before) == set(after), f"{section}: identifiers differ"
        for identifier, obj in before.items():
            for key, value in obj.items():
                assert after[identifier].get(key) == value, f"{section} {identifier}.{key}"
    for section in ("CFDefinitions", "CFRubrics"):
        if section in original:
            assert normalise(exported[section]) == normalise(original[section]), section


@pytest.mark.django_db
@pytest.mark.parametrize("name", PACKAGES)
def test_import_export_reimport_keeps_everything(name, institution, other_institution):
    raw = (DATA / name).read_bytes()
    original = json.loads(raw)

    _plan, framework = framework_import_file(raw=raw, filename=name, institution=institution)
    first = export_case(framework)
    assert_preserved(original, first)

    _plan, copy = framework_import_file(
        raw=json.dumps(first).encode(), filename="export.json", institution=other_institution
    )
    second = export_case(copy)
    assert second == first

    again, _same = framework_import_file(raw=raw, filename=name, institution=institution)
    assert again.is_noop


@pytest.mark.django_db
def test_case_1_0_details_land_in_the_right_places(institution):
    raw = (DATA / "case_1_0_referentiel.json").read_bytes()
    plan, framework = framework_import_file(raw=raw, filename="referentiel.json", institution=institution)
    assert plan.summary()["added"] == 12
    assert framework.title_fr == "Référentiel ingénieur 2025"
    assert framework.version == "2025.1"
    assert framework.licence == "CC BY-SA 4.0"

    competency = Competency.objects.get(framework=framework, code="D1.C1")
    assert competency.parent.code == "D1"
    assert competency.keywords == "analyse fonctionnelle; besoin"
    assert competency.abbreviated_statement == "Analyser un besoin"
    assert competency.item_type == "competency"
    component = Competency.objects.get(framework=framework, code="D1.C1.a")
    assert component.item_type == "component" and component.parent == competency
    orphan = Competency.objects.get(framework=framework, statement_fr__startswith="Compétence transversale")
    assert orphan.parent is None

    # Associations: a second parent, links within the package and external references are all kept.
    types = set(Association.objects.filter(framework=framework).values_list("association_type", flat=True))
    assert types == {"exactMatchOf", "isRelatedTo", "precedes", "isPeerOf", "isChildOf", "replacedBy"}
    external = Association.objects.get(framework=framework, association_type=AssociationType.EXACT_MATCH_OF)
    assert external.destination is None
    assert external.destination_uri.startswith("http://data.europa.eu/esco/skill/")
    assert external.grouping  # the CFAssociationGrouping identifier
    assert framework.extra["case_external_associations"][0]["originNodeURI"]["identifier"].startswith(
        "aaaaaaaa"
    )


@pytest.mark.django_db
def test_case_1_1_english_package_keeps_version_and_extensions(institution):
    raw = (DATA / "case_1_1_leadership.json").read_bytes()
    _plan, framework = framework_import_file(raw=raw, filename="leadership.json", institution=institution)
    exported = export_case(framework)
    assert exported["CFDocument"]["caseVersion"] == "1.1"
    item = next(i for i in exported["CFItems"] if i["humanCodingScheme"] == "L.1")
    assert item["conceptKeywords"] == ["command", "team, small"]
    assert item["educationLevel"] == ["13", "14"]
    assert item["extensions"] == {"org.example.weight": 0.5}
    competency = Competency.objects.get(framework=framework, code="L.1")
    assert competency.statement_en == "Lead a small team in a demanding environment"
    assert any(a["associationType"] == "ext:isTrainedBy" for a in exported["CFAssociations"])


@pytest.mark.django_db
def test_links_to_an_imported_esco_skill_resolve_to_the_reference_item(institution):
    from tests.frameworks.factories import CompetencyFactory, FrameworkFactory

    esco = FrameworkFactory(reference=True, source_identifier="esco-skills")
    skill = CompetencyFactory(
        framework=esco, uri="http://data.europa.eu/esco/skill/0005c151-5b5a-4a66-8aac-60e734beb1ab", code=""
    )
    raw = (DATA / "case_1_0_referentiel.json").read_bytes()
    _plan, framework = framework_import_file(raw=raw, filename="referentiel.json", institution=institution)
    link = Association.objects.get(
        framework=framework, association_type=AssociationType.IS_RELATED_TO, origin__code="D3.C1"
    )
    assert link.destination == skill
    # …and the export still points to the URI and identifier given by the package.
    exported = export_case(framework)
    out = next(a for a in exported["CFAssociations"] if a["identifier"] == link.identifier)
    assert out["destinationNodeURI"]["uri"] == skill.uri


@pytest.mark.django_db
def test_items_edited_in_the_application_export_with_their_change(institution, make_user):
    from parcours.accounts.enums import Role
    from parcours.frameworks.services import competency_create, competency_update

    engineer = make_user(Role.PEDAGOGICAL_ENGINEER)
    raw = (DATA / "case_1_0_referentiel.json").read_bytes()
    _plan, framework = framework_import_file(raw=raw, filename="referentiel.json", institution=institution)
    d1 = Competency.objects.get(framework=framework, code="D1")
    moved = Competency.objects.get(framework=framework, code="D3.C2")
    competency_update(
        competency=moved, actor=engineer, parent=d1, statement_fr="Appliquer la réglementation SST"
    )
    new = competency_create(
        framework=framework, actor=engineer, parent=d1, code="D1.C3", statement_fr="Nouvelle"
    )
    exported = export_case(framework)
    moved_out = next(i for i in exported["CFItems"] if i["identifier"] == moved.identifier)
    assert moved_out["fullStatement"] == "Appliquer la réglementation SST"
    assert moved_out["lastChangeDateTime"] != "2025-06-12T09:30:00+00:00"
    parents = {
        a["originNodeURI"]["identifier"]: a["destinationNodeURI"]["identifier"]
        for a in exported["CFAssociations"]
        if a["associationType"] == "isChildOf"
        and a["originNodeURI"]["identifier"] in (moved.identifier, new.identifier)
    }
    assert parents == {moved.identifier: d1.identifier, new.identifier: d1.identifier}

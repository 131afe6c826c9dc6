"""Property-based tests of the importers: no input crashes them, and CASE round-trips are lossless."""

from __future__ import annotations

import csv
import io
import json
import uuid

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcours.frameworks.enums import AssociationType
from parcours.frameworks.interchange import FrameworkImportError, export_case, read_file
from parcours.frameworks.services import framework_import_file
from parcours.frameworks.text import fold
from tests.frameworks.test_case_round_trip import assert_preserved

FAST = settings(max_examples=150, deadline=None)
DB = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

safe_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=0, max_size=40
)
statement = safe_text.filter(lambda s: s.strip() != "")
COLUMNS = [
    "code",
    "parent_code",
    "type",
    "statement_fr",
    "statement_en",
    "keywords",
    "identifier",
    "exact_match_uris",
]


def assert_precise(error: FrameworkImportError) -> None:
    assert error.problems
    for problem in error.problems:
        assert problem.message
    # The first problem says where: a line, an item, the header or the file itself.
    assert error.problems[0].location or error.problems[0].field or error.filename


@FAST
@given(st.binary(max_size=600), st.sampled_from(["f.csv", "f.xlsx", "f.json", "f.txt", "f"]))
def test_random_bytes_never_crash(raw, name):
    try:
        read_file(raw, name)
    except FrameworkImportError as error:
        assert_precise(error)


cell = st.one_of(
    safe_text,
    st.sampled_from(
        ["", "B1", "C1", "bloc", "compétence", "skill", '"', ";", ",", "\n", "x\r\ny", "http://e.org/a"]
    ),
)


@st.composite
def csv_files(draw):
    header = draw(st.lists(st.sampled_from([*COLUMNS, "bogus"]), min_size=1, max_size=6))
    rows = draw(st.lists(st.lists(cell, min_size=0, max_size=len(header) + 1), max_size=8))
    delimiter = draw(st.sampled_from([";", ",", "\t"]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    if draw(st.booleans()):  # break the quoting now and then
        text = text.replace('"', "", draw(st.integers(0, 2)))
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])), errors="replace")


@FAST
@given(csv_files())
def test_random_csv_either_imports_or_names_line_and_field(raw):
    try:
        data = read_file(raw, "random.csv")
    except FrameworkImportError as error:
        assert_precise(error)
        return
    assert data.items
    keys = {item.key() for item in data.items}
    assert all(not item.parent_identifier or item.parent_identifier in keys for item in data.items)


@st.composite
def valid_csv(draw):
    count = draw(st.integers(1, 10))
    codes = [f"C{n}" for n in range(count)]
    rows = []
    for index, code in enumerate(codes):
        parent = draw(st.one_of(st.just(""), st.sampled_from(codes[:index]) if index else st.just("")))
        rows.append(
            [
                code,
                parent,
                draw(st.sampled_from(["bloc", "compétence", "composante", "skill", ""])),
                draw(statement).strip() or "x",
                draw(safe_text),
                "; ".join(
                    draw(
                        st.lists(
                            st.text("abcdéè -", min_size=1, max_size=8).map(str.strip).filter(bool),
                            max_size=3,
                        )
                    )
                ),
                draw(
                    st.sampled_from(
                        ["", "http://data.europa.eu/esco/skill/x1", "http://a.org/1 http://a.org/2"]
                    )
                ),
            ]
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        ["code", "parent_code", "type", "statement_fr", "statement_en", "keywords", "related_uris"]
    )
    writer.writerows(rows)
    return buffer.getvalue().encode()


@pytest.mark.django_db
@DB
@given(raw=valid_csv())
def test_valid_csv_imports_and_a_reimport_changes_nothing(institution, raw):
    with transaction.atomic():
        try:
            first, framework = framework_import_file(raw=raw, filename="gen.csv", institution=institution)
        except FrameworkImportError as error:  # statements with separators may still be refused, precisely
            assert_precise(error)
            transaction.set_rollback(True)
            return
        assert framework.items.count() == len(first.data.items)
        again, _same = framework_import_file(raw=raw, filename="gen.csv", institution=institution)
        assert again.is_noop
        transaction.set_rollback(True)


@st.composite
def case_packages(draw):
    doc_id = str(uuid.uuid4())
    language = draw(st.sampled_from(["fr", "en", "", "de"]))
    count = draw(st.integers(1, 8))
    identifiers = [str(u) for u in draw(st.lists(st.uuids(), min_size=count, max_size=count, unique=True))]
    codes = draw(
        st.lists(
            st.from_regex(r"[A-Z][0-9]{1,2}(\.[0-9])?", fullmatch=True),
            min_size=count,
            max_size=count,
            unique=True,
        )
    )
    items, associations = [], []
    for index, identifier in enumerate(identifiers):
        item = {
            "identifier": identifier,
            "uri": f"https://case.example.org/CFItems/{identifier}",
            "fullStatement": draw(statement),
            "CFItemType": draw(
                st.sampled_from(["Competency", "Block", "Standard", "Cluster", "Skill", "Mystère"])
            ),
            "lastChangeDateTime": "2025-01-01T00:00:00+00:00",
        }
        optional = {
            "humanCodingScheme": codes[index],
            "conceptKeywords": draw(st.lists(statement, min_size=1, max_size=3)),
            "educationLevel": draw(
                st.lists(st.sampled_from(["09", "10", "bac+5", "L3, M1"]), min_size=1, max_size=2)
            ),
            "notes": draw(statement),
            "abbreviatedStatement": draw(st.text(min_size=1, max_size=320, alphabet="abc é")),
            "alternativeLabel": draw(statement),
            "language": draw(st.sampled_from(["fr", "en"])),
            "listEnumeration": draw(st.from_regex(r"[a-z0-9]{1,3}\.?", fullmatch=True)),
            "CFItemTypeURI": {
                "title": "T",
                "identifier": str(uuid.uuid4()),
                "uri": "https://case.example.org/t",
            },
            "extensions": {"org.example": draw(st.integers())},
        }
        for key in draw(st.lists(st.sampled_from(sorted(optional)), unique=True)):
            item[key] = optional[key]
        items.append(item)
        parent = draw(st.sampled_from(["doc", "none", *identifiers[:index]]))
        if parent != "none":
            destination = doc_id if parent == "doc" else parent
            associations.append(
                {
                    "identifier": str(uuid.uuid4()),
                    "associationType": "isChildOf",
                    "originNodeURI": {"title": "o", "identifier": identifier, "uri": item["uri"]},
                    "destinationNodeURI": {
                        "title": "d",
                        "identifier": destination,
                        "uri": f"https://case.example.org/{destination}",
                    },
                    "sequenceNumber": draw(st.integers(0, 50)),
                    "lastChangeDateTime": "2025-01-01T00:00:00+00:00",
                }
            )
    for _ in range(draw(st.integers(0, 5))):
        origin = draw(st.sampled_from(identifiers))
        external = draw(st.booleans())
        destination = str(uuid.uuid4()) if external else draw(st.sampled_from(identifiers))
        association = {
            "identifier": str(uuid.uuid4()),
            # isChildOf is the hierarchy: drawn above, so that generated packages have no cycle.
            "associationType": draw(
                st.sampled_from(
                    [t.value for t in AssociationType if t != AssociationType.IS_CHILD_OF] + ["ext:custom"]
                )
            ),
            "originNodeURI": {
                "title": "o",
                "identifier": origin,
                "uri": f"https://case.example.org/CFItems/{origin}",
            },
            "destinationNodeURI": {
                "title": draw(safe_text),
                "identifier": destination,
                "uri": f"https://other.example.org/{destination}",
            },
            "lastChangeDateTime": "2025-01-01T00:00:00+00:00",
        }
        if draw(st.booleans()):
            association["CFAssociationGroupingURI"] = {
                "title": "G",
                "identifier": "g1",
                "uri": "https://case.example.org/g1",
            }
        if draw(st.booleans()):
            association["sequenceNumber"] = draw(st.integers(-5, 100))
        associations.append(association)
    document = {
        "identifier": doc_id,
        "uri": f"https://case.example.org/CFDocuments/{doc_id}",
        "creator": "Tests",
        "title": draw(statement),
    }
    if language:
        document["language"] = language
    package = {"CFDocument": document, "CFItems": items, "CFAssociations": associations}
    if draw(st.booleans()):
        package["CFDefinitions"] = {
            "CFItemTypes": [{"identifier": "t1", "title": "Mystère", "uri": "https://case.example.org/t1"}]
        }
    return package


@pytest.mark.django_db
@DB
@given(package=case_packages())
def test_case_round_trip_of_generated_packages_is_identity(institution, other_institution, package):
    raw = json.dumps(package, ensure_ascii=False).encode()
    with transaction.atomic():
        _plan, framework = framework_import_file(raw=raw, filename="gen.json", institution=institution)
        first = export_case(framework)
        assert_preserved(package, first)
        _plan, copy = framework_import_file(
            raw=json.dumps(first).encode(), filename="again.json", institution=other_institution
        )
        assert export_case(copy) == first
        again, _same = framework_import_file(raw=raw, filename="gen.json", institution=institution)
        assert again.is_noop
        transaction.set_rollback(True)


@FAST
@given(safe_text)
def test_folding_is_idempotent_and_ascii_for_french(text):
    folded = fold(text)
    assert fold(folded) == folded
    assert not any(ch in folded for ch in "éèêàçôûœ")

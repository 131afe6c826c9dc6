"""The import/export commands behave as documented, and bad files are refused whole, naming line and field."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from parcours.frameworks.enums import FrameworkKind
from parcours.frameworks.interchange import FrameworkImportError, read_file, template_csv, template_xlsx
from parcours.frameworks.models import Association, Competency, Framework, Level

DATA = Path(__file__).parent / "data"
ESCO_FILE = Path(__file__).resolve().parents[3] / "shared" / "data" / "esco" / "skills_fr.csv.gz"

GOOD_CSV = """code;parent_code;type;statement_fr;statement_en;keywords;exact_match_uris
B1;;bloc;Gérer la sécurité des personnes;Manage people's safety;;
C1;B1;compétence;Évaluer les risques d'une situation;Assess the risks of a situation;"risque; danger";http://data.europa.eu/esco/skill/aaaa
C2;B1;compétence;Conduire une équipe en situation dégradée;Lead a team in degraded conditions;;
"""


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def write(tmp_path, name: str, content: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def counts() -> tuple[int, int, int, int]:
    return (
        Framework.objects.count(),
        Competency.objects.count(),
        Association.objects.count(),
        Level.objects.count(),
    )


@pytest.mark.django_db
def test_import_framework_csv_prints_what_it_did_and_reimport_changes_nothing(tmp_path, institution):
    path = write(tmp_path, "referentiel.csv", GOOD_CSV)
    output = run("import_framework", str(path), "--institution", institution.slug)
    framework = Framework.objects.get()
    assert "3 items (3 added" in output and "1 associations (1 added" in output
    assert f"Framework id: {framework.pk}" in output
    assert Competency.objects.get(code="C1").parent.code == "B1"

    before = list(Competency.objects.order_by("pk").values())
    output = run("import_framework", str(path), "--institution", institution.slug)
    assert "Nothing to change" in output
    assert list(Competency.objects.order_by("pk").values()) == before
    assert Framework.objects.count() == 1


@pytest.mark.django_db
def test_import_updates_changes_and_removes(tmp_path, institution):
    path = write(tmp_path, "referentiel.csv", GOOD_CSV)
    run("import_framework", str(path), "--institution", institution.slug)
    changed = (
        GOOD_CSV.replace("Conduire une équipe en situation dégradée", "Conduire une équipe").replace(
            'C1;B1;compétence;Évaluer les risques d\'une situation;Assess the risks of a situation;"risque; danger";http://data.europa.eu/esco/skill/aaaa\n',
            "",
        )
        + "C3;B1;compétence;Rendre compte;Report;;\n"
    )
    path.write_text(changed, encoding="utf-8")
    output = run("import_framework", str(path), "--institution", institution.slug)
    assert "(1 added, 1 changed, 1 removed, 1 unchanged)" in output
    assert sorted(Competency.objects.values_list("code", flat=True)) == ["B1", "C2", "C3"]
    assert not Association.objects.exists()


@pytest.mark.django_db
def test_format_is_guessed_and_xlsx_carries_levels_and_metadata(tmp_path, institution):
    workbook = load_workbook(io.BytesIO(template_xlsx()))
    workbook["framework"]["B3"] = "Référentiel XLSX"
    workbook["framework"]["B5"] = 2026
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = write(tmp_path, "modele.xlsx", buffer.getvalue())
    output = run("import_framework", str(path), "--institution", institution.slug)
    framework = Framework.objects.get()
    assert "2 levels" in output
    assert framework.title_fr == "Référentiel XLSX" and framework.academic_year == 2026
    assert list(framework.levels.values_list("label_fr", flat=True)) == ["Novice", "Intermédiaire"]
    assert framework.items.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "case"])
def test_export_then_import_gives_the_same_framework(tmp_path, institution, other_institution, fmt):
    source = write(tmp_path, "referentiel.csv", GOOD_CSV)
    run("import_framework", str(source), "--institution", institution.slug)
    framework = Framework.objects.get()
    out = tmp_path / f"export.{'json' if fmt == 'case' else fmt}"
    assert "Wrote" in run("export_framework", str(framework.pk), "--format", fmt, "--out", str(out))
    run("import_framework", str(out), "--institution", other_institution.slug)
    copy = Framework.objects.exclude(pk=framework.pk).get()

    def shape(fw):
        return sorted(
            (
                c.code,
                c.parent.code if c.parent else "",
                c.item_type,
                c.statement_fr,
                c.statement_en,
                c.keywords,
            )
            for c in fw.items.select_related("parent")
        )

    assert shape(copy) == shape(framework)
    assert copy.associations.get().destination_uri == "http://data.europa.eu/esco/skill/aaaa"
    # Re-importing the export into the original framework changes nothing either.
    output = run(
        "import_framework", str(out), "--institution", institution.slug, "--framework", str(framework.pk)
    )
    assert "Nothing to change" in output


@pytest.mark.django_db
def test_templates_import_cleanly(institution):
    for name, raw in (("modele.csv", template_csv()), ("modele.xlsx", template_xlsx())):
        data = read_file(raw, name)
        assert [item.code for item in data.items] == ["B1", "C1.1"]


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HEADER = "code;parent_code;statement_fr\n"
BAD_FILES = [
    ("empty.csv", b"", ["empty.csv", "empty"]),
    ("blank.csv", b"\n\n  \n", ["blank.csv", "empty"]),
    ("no-statement-column.csv", "code;parent_code\nB1;\n", ["header", "statement_fr", "required column"]),
    ("unknown-column.csv", "code;statment_fr\nB1;x\n", ["header, column 2", "statment_fr"]),
    ("duplicate.csv", HEADER + "B1;;Bloc\nB1;;Autre\n", ["line 3", "“code”", "duplicate code", "line 2"]),
    ("unknown-parent.csv", HEADER + "B1;;Bloc\nC1;B9;Compétence\n", ["line 3", "“parent_code”", "B9"]),
    ("cycle.csv", HEADER + "A;C;Un\nB;A;Deux\nC;B;Trois\n", ["cycle", "“parent”"]),
    ("self-parent.csv", HEADER + "A;A;Un\n", ["cycle"]),
    ("missing-statement.csv", HEADER + "B1;;\n", ["line 2", "“statement_fr”", "required"]),
    ("bad-quote.csv", HEADER + 'B1;;"Bloc non fermé\n', ["malformed CSV"]),
    ("too-many-cells.csv", HEADER + "B1;;Bloc;en trop\n", ["line 2", "4 values for 3 columns"]),
    ("bad-type.csv", "code;type;statement_fr\nB1;chapitre;Bloc\n", ["line 2", "“type”", "chapitre"]),
    ("long-code.csv", HEADER + ("X" * 81) + ";;Bloc\n", ["line 2", "“code”", "too long"]),
    ("binary.csv", b"\x00\x01\x02\x03" * 50, ["binary.csv", "not a framework file"]),
    (
        "nul-far-in.csv",  # past the first 4 KB, where the binary check looks
        HEADER
        + "".join(f"C{i};;Compétence numéro {i} du référentiel\n" for i in range(200))
        + "Z;;Bl\x00oc\n",
        ["line 202", "“statement_fr”", "NUL character"],
    ),
    ("really-xlsx.csv", _xlsx([["code", "statement_fr"], ["B1", "Bloc"]]), ["extension says CSV", "XLSX"]),
    ("really-json.csv", b'{"CFDocument": {}}', ["extension says CSV", "CASE"]),
    ("really-csv.xlsx", HEADER + "B1;;Bloc\n", ["extension says XLSX", "CSV"]),
    ("broken.xlsx", b"PK\x03\x04 not really a zip", ["broken.xlsx", "XLSX"]),
    ("no-code.xlsx", _xlsx([["statement_fr"], ["Bloc"]]), ["header", "“code” or an “identifier” column"]),
    ("pdf.json", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", ["application/pdf"]),
    (
        "truncated.json",
        b'{"CFDocument": {"identifier": "x", "title": "T"}, "CFItems": [',
        ["line 1", "invalid JSON"],
    ),
    ("not-case.json", b'{"hello": "world"}', ["CFDocument"]),
    (
        "no-statement.json",
        json.dumps(
            {"CFDocument": {"identifier": "d", "title": "T"}, "CFItems": [{"identifier": "i1"}]}
        ).encode(),
        ["CFItems[0] (i1)", "“fullStatement”"],
    ),
    (
        "duplicate-ids.json",
        json.dumps(
            {
                "CFDocument": {"identifier": "d", "title": "T"},
                "CFItems": [
                    {"identifier": "i1", "fullStatement": "A"},
                    {"identifier": "i1", "fullStatement": "B"},
                ],
            }
        ).encode(),
        ["CFItems[1] (i1)", "duplicate identifier"],
    ),
    (
        "bad-association.json",
        json.dumps(
            {
                "CFDocument": {"identifier": "d", "title": "T"},
                "CFItems": [{"identifier": "i1", "fullStatement": "A"}],
                "CFAssociations": [
                    {
                        "identifier": "a1",
                        "associationType": "isFriendOf",
                        "originNodeURI": {"identifier": "i1", "uri": "u"},
                        "destinationNodeURI": {"identifier": "x", "uri": "http://x"},
                    }
                ],
            }
        ).encode(),
        ["CFAssociations[0] (a1)", "associationType", "isFriendOf"],
    ),
    (
        "case-cycle.json",
        json.dumps(
            {
                "CFDocument": {"identifier": "d", "title": "T"},
                "CFItems": [
                    {"identifier": "i1", "fullStatement": "A"},
                    {"identifier": "i2", "fullStatement": "B"},
                ],
                "CFAssociations": [
                    {
                        "identifier": f"a{n}",
                        "associationType": "isChildOf",
                        "originNodeURI": {"identifier": origin, "uri": "u"},
                        "destinationNodeURI": {"identifier": destination, "uri": "u"},
                    }
                    for n, (origin, destination) in enumerate((("i1", "i2"), ("i2", "i1")))
                ],
            }
        ).encode(),
        ["cycle"],
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content", "expected"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_are_refused_whole_with_a_precise_message(tmp_path, institution, name, content, expected):
    path = write(tmp_path, name, content)
    before = counts()
    with pytest.raises(CommandError) as error:
        run("import_framework", str(path), "--institution", institution.slug)
    message = str(error.value)
    assert name in message
    for fragment in expected:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert counts() == before


@pytest.mark.django_db
def test_an_error_in_the_middle_of_a_long_file_writes_nothing(tmp_path, institution):
    rows = [f"C{n};;Compétence {n}" for n in range(500)] + ["C3;;Doublon"]
    path = write(tmp_path, "long.csv", HEADER + "\n".join(rows) + "\n")
    with pytest.raises(CommandError, match="line 502"):
        run("import_framework", str(path), "--institution", institution.slug)
    assert counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_removing_an_item_used_by_a_rule_is_refused(tmp_path, institution):
    from tests.frameworks.factories import RecognitionRuleFactory

    path = write(tmp_path, "referentiel.csv", GOOD_CSV)
    run("import_framework", str(path), "--institution", institution.slug)
    framework = Framework.objects.get()
    RecognitionRuleFactory(
        institution=institution, framework=framework, competencies=[framework.items.get(code="C2")]
    )
    path.write_text(
        GOOD_CSV.replace(
            "C2;B1;compétence;Conduire une équipe en situation dégradée;Lead a team in degraded conditions;;\n",
            "",
        )
    )
    before = counts()
    with pytest.raises(CommandError, match="recognition rule"):
        run("import_framework", str(path), "--institution", institution.slug)
    assert counts() == before


@pytest.mark.django_db
def test_a_frozen_framework_is_never_changed_by_an_import(tmp_path, institution):
    from django.utils import timezone

    path = write(tmp_path, "referentiel.csv", GOOD_CSV)
    run("import_framework", str(path), "--institution", institution.slug)
    Framework.objects.update(status="frozen", frozen_at=timezone.now())
    assert "Nothing to change" in run("import_framework", str(path), "--institution", institution.slug)
    path.write_text(GOOD_CSV + "C9;B1;compétence;Nouvelle;;;\n")
    with pytest.raises(CommandError, match="frozen"):
        run("import_framework", str(path), "--institution", institution.slug)


@pytest.mark.django_db
def test_command_errors_for_unknown_institution_and_missing_file(tmp_path, institution):
    with pytest.raises(CommandError, match="Unknown institution"):
        run("import_framework", str(write(tmp_path, "a.csv", GOOD_CSV)), "--institution", "nope")
    with pytest.raises(CommandError, match="no such file"):
        run("import_framework", str(tmp_path / "absent.csv"), "--institution", institution.slug)
    with pytest.raises(CommandError, match="No framework with id"):
        run("export_framework", "999", "--format", "csv", "--out", str(tmp_path / "x.csv"))


ESCO_SAMPLE = """uri,label_fr,alt_labels_fr,description_fr,skill_type,reuse_level,label_en,fr_label_source
http://data.europa.eu/esco/skill/s1,gérer une équipe,encadrer une équipe | diriger une équipe,,skill/competence,cross-sector,manage a team,x
http://data.europa.eu/esco/skill/s2,évaluer les risques de sécurité,,Analyser les menaces.,skill/competence,cross-sector,assess security risks,x
http://data.europa.eu/esco/skill/s3,premiers secours,,,knowledge,transversal,first aid,x
"""


@pytest.mark.django_db
def test_import_esco_twice_updates_without_duplicating(tmp_path):
    path = write(tmp_path, "skills_fr.csv.gz", gzip.compress(ESCO_SAMPLE.encode()))
    assert "3 added" in run("import_esco", str(path))
    framework = Framework.objects.get(kind=FrameworkKind.REFERENCE)
    skill = framework.items.get(identifier="s1")
    assert skill.alternative_labels == "encadrer une équipe\ndiriger une équipe"
    assert skill.statement_en == "manage a team" and skill.extra == {
        "esco": {"skill_type": "skill/competence", "reuse_level": "cross-sector"}
    }
    path.write_bytes(
        gzip.compress(ESCO_SAMPLE.replace("premiers secours", "porter les premiers secours").encode())
    )
    output = run("import_esco", str(path))
    assert "0 added, 1 updated" in output
    assert Framework.objects.filter(kind=FrameworkKind.REFERENCE).count() == 1
    assert framework.items.count() == 3


@pytest.mark.django_db
def test_import_esco_refuses_a_file_without_uris(tmp_path):
    path = write(tmp_path, "skills.csv", "label_fr\ngérer\n")
    with pytest.raises(CommandError, match="“uri”"):
        run("import_esco", str(path))
    assert not Framework.objects.exists()


@pytest.mark.skipif(not ESCO_FILE.exists(), reason="the shared ESCO file is not available")
def test_the_real_esco_file_reads_every_skill():
    """Parsing only: the full database load (≈ 5 s) is measured by bench/frameworks.py."""
    from parcours.frameworks.interchange import read_esco

    data = read_esco(ESCO_FILE.read_bytes(), ESCO_FILE.name)
    assert len(data.items) == 13635
    assert len({item.uri for item in data.items}) == 13635
    assert all(
        item.statement_fr and item.uri.startswith("http://data.europa.eu/esco/skill/") for item in data.items
    )
    assert sum(1 for item in data.items if item.alternative_labels) == 1596
    assert sum(1 for item in data.items if item.description) == 2362


def test_read_file_error_carries_problems():
    with pytest.raises(FrameworkImportError) as error:
        read_file(HEADER.encode() + b"B1;B2;x\n", "f.csv")
    problem = error.value.problems[0]
    assert (problem.location, problem.field) == ("line 2", "parent_code")

"""Protected reports: what each scope sees, the dashboard, the yearly report command and its bad inputs."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.enums import Role
from parcours.accounts.models import Membership
from parcours.accounts.permissions import clear_cache
from parcours.partners.exports import FORMATS, yearly_report
from parcours.partners.reports import REGISTRY, available_reports
from parcours.partners.statistics import Scope, compute, report_table

from . import dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(institution, other_institution):
    return dataset.build(institution, other_institution)


def table_of(code, institutions, year):
    universe = compute([year - 1, year])
    return report_table(universe, REGISTRY[code], Scope.of(institutions), "fr")


def texts(table, column=-1):
    return {row.key: table.text(row.figures[column]) for row in table.rows}


def test_one_school_sees_its_row_with_small_groups_hidden(data, institution):
    table = table_of("reservists_by_force", [institution], data["year"])
    shown = texts(table)
    assert shown["marine-nationale"] == "< 5"
    assert table.text(table.total.figures[-1]) in ("22", "s")
    hidden = [v for v in shown.values() if v in ("< 5", "s")]
    assert len(hidden) >= 2, "one hidden cell alone would be the total minus the others"


def test_every_school_sees_the_national_totals(data, institution, other_institution):
    table = table_of("reservists_by_force", [institution, other_institution], data["year"])
    shown = texts(table)
    assert set(shown) == {"armee-de-terre", "marine-nationale", "armee-air-espace", "gendarmerie-nationale"}
    assert shown["marine-nationale"] == "< 5"
    assert table.text(table.total.figures[-1]) in ("33", "s")


def test_some_schools_see_sums_hidden_when_a_term_is(data, institution, other_institution):
    third = type(institution).objects.create(slug="troisieme", name="Troisième école")
    table = table_of("reservists_by_force", [institution, other_institution], data["year"])
    assert not Scope.of([institution, other_institution]).national
    assert texts(table)["marine-nationale"] == "s", "a sum with a hidden term is hidden, without a bound"
    assert third.pk


def test_programmes_are_shown_per_school_when_several(data, institution, other_institution):
    table = table_of("reservists_by_programme", [institution, other_institution], data["year"])
    assert table.row_title in ("Institution", "Établissement")
    assert {row.label for row in table.rows} == {institution.name, other_institution.name}


def test_days_are_protected_by_the_number_of_people(data, institution):
    table = table_of("days_by_force", [institution], data["year"])
    assert texts(table)["marine-nationale"] == "s", "18 days by 3 people: too few people, value over 5"


def test_track_reports_count_enrolments_and_passes(data, institution):
    from parcours.track.models import Course, Enrolment
    from tests.factories import user_with_role

    course = Course.objects.create(
        institution=institution, academic_year=data["year"], code="DEF", title_fr="Défense"
    )
    for n in range(6):
        student = user_with_role(Role.STUDENT, institution, email=f"electif{n}@example.org")
        Enrolment.objects.create(
            course=course,
            student=student,
            status="enrolled",
            result="passed" if n < 5 else "",
            graded_at=timezone.now(),
        )
    assert {r.code for r in available_reports()} >= {
        "elective_enrolments",
        "elective_passes",
        "track_mentions",
    }
    enrolments = table_of("elective_enrolments", [institution], data["year"])
    passes = table_of("elective_passes", [institution], data["year"])
    assert enrolments.text(enrolments.total.figures[-1]) == "6"
    assert passes.text(passes.total.figures[-1]) == "5"


def test_the_referent_dashboard(client, data, institution, other_institution, make_user):
    referent = make_user(Role.PARTNER_REFERENT)
    client.force_login(referent)
    page = client.get(reverse("partners_dashboard"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<svg") >= 2 * 3 and html.count('role="img"') == html.count("<svg")
    assert html.count("<title id=") == html.count("<svg") and html.count("<desc id=") == html.count("<svg")
    tables = html.count("<table data-report=")
    assert tables >= 4 and html.count("<svg") == 2 * tables, "every chart sits beside its table"
    assert (
        client.get(reverse("partners_dashboard") + f"?institution={other_institution.slug}").status_code
        == 404
    )
    Membership.objects.create(user=referent, institution=other_institution, role=Role.PARTNER_REFERENT)
    clear_cache(referent)
    both = client.get(
        reverse("partners_dashboard") + f"?institution={other_institution.slug}&year={data['year']}"
    )
    assert both.status_code == 200


def test_the_leadership_sees_its_own_school(client, data, institution, make_user):
    client.force_login(make_user(Role.DIRECTOR_OF_STUDIES))
    page = client.get(reverse("partners_dashboard"))
    assert page.status_code == 200 and institution.name in page.content.decode()
    download = client.get(reverse("partners_report_download", kwargs={"fmt": "csv"}))
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_the_yearly_report_command(tmp_path, data, institution, fmt):
    out = tmp_path / f"report.{fmt}"
    call_command("partner_report", year=data["year"], institution=institution.slug, fmt=fmt, out=str(out))
    content = out.read_bytes()
    if fmt == "pdf":
        assert content.startswith(b"%PDF")
        from pypdf import PdfReader

        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
        assert "Garde nationale" in text and "< 5" in text
    elif fmt == "xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(content))
        assert workbook.sheetnames[0] and workbook.worksheets[1].max_row > 10
    else:
        rows = list(csv.DictReader(io.StringIO(content.decode())))
        navy = [
            r
            for r in rows
            if r["report"] == "reservists_by_force"
            and r["year"] == str(data["year"])
            and "Marine" in r["category"]
        ]
        assert navy and navy[0]["value"] == "< 5"


def test_a_year_without_data_says_so(tmp_path, data):
    out = tmp_path / "empty.csv"
    call_command("partner_report", year=2001, fmt="csv", out=str(out))
    assert "No data for 2001" in out.read_text() or "Aucune donnée" in out.read_text()
    report = yearly_report(2001, Scope.of([]), "en")
    assert report.is_empty


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"year": 2026, "institution": "inconnue", "fmt": "csv"}, "inconnue"),
        ({"year": 1990, "fmt": "csv"}, "--year 1990"),
        ({"year": timezone.localdate().year + 1, "fmt": "csv"}, "--year"),
    ],
)
def test_bad_input_names_the_option(tmp_path, institution, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("partner_report", out=str(tmp_path / "x"), **options)


def test_missing_folder_is_refused(tmp_path, institution):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("partner_report", year=2026, fmt="csv", out=str(tmp_path / "no" / "x.csv"))


def test_snapshot_is_reused_while_fresh(settings, data, institution):
    from parcours.partners.models import StatisticsSnapshot
    from parcours.partners.statistics import current_snapshot

    settings.PARTNERS = {"STATISTICS_MAX_AGE": 3600}
    first = current_snapshot()
    assert current_snapshot().pk == first.pk
    StatisticsSnapshot.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=2))
    assert current_snapshot().pk != first.pk, "a stale snapshot is recomputed (immediate task backend)"

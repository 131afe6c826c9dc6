"""Scan every partnership output for personal data and for small figures.

Outputs: the dashboard (every scope, referent and leadership), the yearly report in every format (all
schools and each school), the API's tables, the public information pages. Personal data: the e-mail, full
name and last name of every person in the database, and the units, ranks and places of the reservists.
A figure is any number in a table cell or a chart label: it must be 0 or at least the threshold.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from parcours.accounts.enums import Role
from parcours.accounts.models import User
from parcours.partners.conf import threshold
from parcours.partners.models import FaqEntry, InfoPage
from parcours.partners.reports import REGISTRY
from parcours.partners.services import info_content_load
from parcours.portfolio.models import ReservePeriod, ReservistProfile

from . import dataset

pytestmark = pytest.mark.django_db

NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")
FIGURE_CELL = re.compile(r"<td data-figure>(.*?)</td>", re.S)
SVG_TEXT = re.compile(r"<text[^>]*>(.*?)</text>", re.S)


def personal_data() -> set[str]:
    values = set()
    for user in User.objects.all():
        values.add(user.email)
        if user.last_name:
            values.add(user.last_name)
        if user.get_full_name() and " " in user.get_full_name():
            values.add(user.get_full_name())
    values |= {v for v in ReservistProfile.objects.values_list("unit", flat=True) if v}
    values |= {v for v in ReservistProfile.objects.values_list("rank", flat=True) if v}
    values |= {v for v in ReservePeriod.objects.values_list("place", flat=True) if v}
    return values


def small_figures(figures: list[str]) -> list[str]:
    """Figures shown as numbers under the threshold (0 excepted)."""
    limit = threshold()
    bad = []
    for text in figures:
        text = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").strip()
        if NUMBER.match(text):
            value = float(text.replace(",", "."))
            if 0 < value < limit:
                bad.append(text)
    return bad


def without_header(html: str) -> str:
    """The page without its header, which names the logged-in viewer (their own name, not someone else's)."""
    return re.sub(r"<header.*?</header>", "", html, flags=re.S)


def html_figures(html: str) -> list[str]:
    return FIGURE_CELL.findall(html) + SVG_TEXT.findall(html)


def assert_clean(name: str, text: str, figures: list[str], secrets: set[str]) -> None:
    leaked = sorted(s for s in secrets if s in text)
    assert not leaked, f"{name} shows personal data: {leaked[:5]}"
    small = small_figures(figures)
    assert not small, f"{name} shows figures under the threshold: {small[:10]}"


@pytest.fixture
def outputs(client, institution, other_institution, make_user, tmp_path):
    """Every output, as (name, text, figures)."""
    data = dataset.build(institution, other_institution)
    info_content_load()
    year = data["year"]
    found: list[tuple[str, str, list[str]]] = []

    referent = make_user(Role.PARTNER_REFERENT, email="scan-referent@example.org")
    from parcours.accounts.models import Membership

    Membership.objects.create(user=referent, institution=other_institution, role=Role.PARTNER_REFERENT)
    director = make_user(Role.DIRECTOR_OF_STUDIES, email="scan-director@example.org")
    views = [
        (referent, "", year),
        (referent, institution.slug, year),
        (referent, other_institution.slug, year - 1),
        (director, "", year),
    ]
    for who, slug, y in views:
        client.force_login(who)
        url = reverse("partners_dashboard") + f"?institution={slug}&year={y}"
        html = without_header(client.get(url).content.decode())
        found.append((f"dashboard {who.email} {slug or 'all'} {y}", html, html_figures(html)))
    client.force_login(referent)
    for code in REGISTRY:
        for slug in ("", institution.slug):
            response = client.get(f"/api/partners/reports/{code}", {"institution": slug})
            if response.status_code == 200:
                body = response.json()
                figures = [f["display"] for row in body["rows"] for f in row["figures"]]
                figures += [f["display"] for f in body["total"]]
                found.append((f"api {code} {slug}", response.content.decode(), figures))
    for fmt in ("csv", "xlsx"):
        response = client.get(
            reverse("partners_report_download", kwargs={"fmt": fmt}) + f"?institution={institution.slug}"
        )
        found.append(_document(f"download {fmt}", fmt, response.content))
    client.logout()
    for slug, fmt in (
        ("", "csv"),
        ("", "xlsx"),
        ("", "pdf"),
        (other_institution.slug, "csv"),
        (institution.slug, "pdf"),
    ):
        out = tmp_path / f"report-{slug or 'all'}.{fmt}"
        call_command("partner_report", year=year, institution=slug, fmt=fmt, out=str(out))
        found.append(_document(f"command {fmt} {slug or 'all'}", fmt, out.read_bytes()))
    for url in [reverse("partners_info_index"), reverse("partners_faq")] + [
        reverse("partners_info_page", kwargs={"slug": slug})
        for slug in InfoPage.objects.values_list("slug", flat=True)
    ]:
        found.append((url, client.get(url).content.decode(), []))
    assert FaqEntry.objects.exists()
    return found


def _document(name: str, fmt: str, content: bytes) -> tuple[str, str, list[str]]:
    if fmt == "csv":
        text = content.decode()
        return name, text, [row["value"] for row in csv.DictReader(io.StringIO(text))]
    if fmt == "xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(content))
        cells = [
            c.value
            for sheet in workbook.worksheets
            for row in sheet.iter_rows()
            for c in row
            if c.value is not None
        ]
        figures = [
            str(c)
            for sheet in workbook.worksheets[1:]
            for row in sheet.iter_rows(min_col=2)
            for c in row
            if c.value is not None
        ]
        return name, "\n".join(str(c) for c in cells), figures
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    # Page numbers (« 2 / 3 ») and dates are not figures; every other number is.
    cleaned = re.sub(r"\b\d+ / \d+\b", " ", text)
    cleaned = re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", " ", cleaned)
    return name, text, re.findall(r"(?<![\w<])\d+(?:[.,]\d+)?(?![\w])", cleaned)


def test_no_output_shows_personal_data_or_a_small_figure(outputs):
    secrets = personal_data()
    assert len(secrets) > 40 and "3e RIMa" in secrets and "Sergent" in secrets
    names = [name for name, _text, _figures in outputs]
    assert any(n.startswith("command pdf") for n in names) and any(n.startswith("api ") for n in names)
    checked_figures = 0
    for name, text, figures in outputs:
        assert_clean(name, text, figures, secrets)
        checked_figures += len(figures)
    assert checked_figures > 500, "the scan looked at the figures"
    hidden = sum(1 for _n, text, _f in outputs if "< 5" in text or "&lt; 5" in text)
    assert hidden > 10, "the dataset has small groups: they appear hidden"


def test_the_scanner_catches_what_it_looks_for():
    assert small_figures(["< 5", "s", "0", "12", "5"]) == []
    assert small_figures(["3", "4,5"]) == ["3", "4,5"]
    with pytest.raises(AssertionError):
        assert_clean("x", "contact: a@example.org", [], {"a@example.org"})

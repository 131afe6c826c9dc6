"""The whole journey in a browser: declare a period with a PDF and a suggested competency, submit; the engineer
reviews; the director decides in a jury session; the student downloads the attestation (read back with pypdf);
the verification page confirms it."""

import io
import re

import pytest
from pypdf import PdfReader

from tests.factories import PASSWORD
from tests.portfolio.test_uploads import pdf_bytes
from tests.recognition.factories import november_jury

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, base, email):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}/dashboard/")


def test_declare_submit_review_decide_download_verify(live_server, page, world, tmp_path):
    base = live_server.url
    student, engineer, director = world["student"], world["engineer"], world["director"]
    target = world["competencies"][2]  # not proposed by the PMI rule: it comes from the suggestion
    session = november_jury(world)

    # The student declares a period; a competency is suggested from the description and kept.
    login(page, base, student.email)
    page.goto(f"{base}/portfolio/periods/new/")
    page.select_option("#id_activity_type", str(world["pmi"].pk))
    page.fill("#id_title", "Exercice de gestion de crise")
    page.fill("#id_start_date", "2026-08-03")
    page.fill("#id_end_date", "2026-08-07")
    page.fill("#id_description", target.statement_fr + " pendant un exercice de protection")
    suggestion = page.locator(".parcours-suggestion", has_text=target.statement_fr)
    suggestion.locator("button").first.click()
    page.locator("form[data-accepts-suggestions] button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/portfolio/periods/\d+/$"))
    assert page.get_by_text(target.statement_fr).first.is_visible()
    period_id = int(page.url.rstrip("/").split("/")[-1])

    attestation = tmp_path / "attestation.pdf"
    attestation.write_bytes(pdf_bytes())
    page.set_input_files("input[name=file]", str(attestation))
    page.locator("form[action$='/evidence/'] button[type=submit]").click()
    assert page.get_by_role("link", name="attestation.pdf").is_visible()

    page.goto(f"{base}/recognition/new/?period={period_id}")
    page.fill("#id_title", "Exercice de crise")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/recognition/\d+/$"))
    request_url = page.url
    with page.expect_navigation():
        page.locator("form[action$='/transition/submit/'] button").click()

    # The pedagogical engineer reviews and sends to the jury.
    login(page, base, engineer.email)
    page.goto(request_url)
    with page.expect_navigation():
        page.locator("form[action$='/transition/start_review/'] button").click()
    page.select_option("form[action$='/transition/send_to_jury/'] select[name=session]", str(session.pk))
    with page.expect_navigation():
        page.locator("form[action$='/transition/send_to_jury/'] button").click()

    # The director signs the decision prefilled from the rules, adding the suggested competency.
    login(page, base, director.email)
    page.goto(request_url + "decide/")
    page.check(f"#comp-{target.pk}-include")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(request_url)

    # The student downloads the attestation and reads what it recognises.
    login(page, base, student.email)
    page.goto(request_url)
    from parcours.documents.models import Document

    document = Document.objects.get(kind="recognition_attestation", language="fr")
    link = page.locator(f"a[href='/documents/{document.public_id}/download/']")
    response = page.request.get(base + link.get_attribute("href"))
    assert response.status == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert target.statement_fr in text
    assert world["competencies"][0].statement_fr in text  # proposed by the approved rule
    assert "1er RI" not in text and "Caporal" not in text

    page.goto(f"{base}/verify/document/{document.public_id}")
    assert page.get_by_text(student.get_full_name()).first.is_visible()
    assert "not authentic" not in page.content() and "pas authentique" not in page.content()

"""The pedagogical engineer imports a CSV framework through the interface (preview, then apply) and finds a
competency by typing its words without accents."""

import pytest

from parcours.accounts.enums import Role
from parcours.frameworks.models import Framework

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = """code;parent_code;type;statement_fr;statement_en
B1;;bloc;Maîtriser les risques;Control risks
C1;B1;compétence;Assurer la sécurité des installations;Ensure the safety of facilities
C2;B1;compétence;Gérer une crise;Manage a crisis
"""


def test_engineer_imports_a_csv_then_finds_a_competency_without_accents(
    live_server, page, client, make_user, tmp_path
):
    engineer = make_user(Role.PEDAGOGICAL_ENGINEER, language="en")
    client.force_login(engineer)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    path = tmp_path / "referentiel-risques.csv"
    path.write_text(CSV, encoding="utf-8")

    page.goto(f"{live_server.url}/frameworks/import/")
    page.set_input_files("#id_file", str(path))
    page.fill("#id_title", "Référentiel risques")
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_url("**/frameworks/imports/*/")
    assert page.locator(".parcours-count--added strong").inner_text() == "3"
    assert "Assurer la sécurité des installations" in page.locator(".parcours-preview").inner_text()
    assert not Framework.objects.exists()  # the preview wrote nothing

    page.locator("form[action$='/apply/'] button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("a[href^='/frameworks/'][href$='/']", has_text="Open the framework").click()
    page.wait_for_load_state()
    framework = Framework.objects.get()
    assert framework.title_fr == "Référentiel risques" and framework.items.count() == 3

    page.fill("#q", "securite installations")
    page.locator("#framework-search button[type=submit]").click()
    page.wait_for_load_state()
    results = page.locator("#search-results")
    assert "Assurer la sécurité des installations" in results.inner_text()
    assert "Gérer une crise" not in results.inner_text()

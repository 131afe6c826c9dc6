"""RGAA: axe-core runs in Chromium over the main pages of every role; no serious or critical violation.

Pages are listed per role in ``PAGES``; features add theirs. axe-core comes from the npm registry
(package.json, installed by `make test`).
"""

from pathlib import Path

import pytest

from parcours.accounts.enums import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

PAGES: dict[str, list[str]] = {
    "anonymous": ["/", "/accounts/login/", "/accounts/password-reset/"],
    Role.STUDENT: [
        "/dashboard/",
        "/portfolio/",
        "/portfolio/periods/new/",
        "/portfolio/profile/",
        "/recognition/",
        "/recognition/new/",
    ],
    Role.PEDAGOGICAL_ENGINEER: ["/dashboard/", "/recognition/queue/", "/recognition/sessions/"],
    Role.DIRECTOR_OF_STUDIES: ["/dashboard/", "/institutions/mines-test/"],
}


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe is injected as a script: let it run despite the page's Content-Security-Policy.
    return {**browser_context_args, "bypass_csp": True}


def violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("role", list(PAGES))
def test_main_pages_have_no_serious_accessibility_violation(live_server, page, client, make_user, role):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does it).")
    if role != "anonymous":
        user = make_user(role)
        client.force_login(user)
        cookie = client.cookies["sessionid"]
        page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    found = {}
    for url in PAGES[role]:
        response = page.goto(live_server.url + url)
        assert response.status < 400, f"{url}: {response.status}"
        assert page.url == live_server.url + url, f"{url} redirected to {page.url}"
        if problems := violations(page):
            found[url] = problems
    assert not found, found

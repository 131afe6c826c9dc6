"""A recruiter scans the QR code of a credential: the public page opens, without an account, and shows the
verdict, the competencies and the school; after revocation the same URL says revoked, with the reason."""

import io

import pytest
import zxingcpp
from PIL import Image

from parcours.credentials.api import credential_revoke, verify_qr_png, verify_url

from .factories import issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def decoded(png: bytes) -> list[str]:
    """What an independent decoder (zxing-cpp) reads in a QR code image."""
    return [code.text for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_recruiter_opens_the_verification_page_from_the_qr_code(
    live_server, page, settings, institution, student
):
    settings.SITE_URL = live_server.url
    credential = issue(holder=student, institution=institution)
    url = verify_url(credential)
    assert url == f"{live_server.url}/verify/{credential.public_id}"
    assert decoded(verify_qr_png(credential)) == [url]  # the QR code encodes exactly this URL

    page.goto(url)
    verdict = page.locator("[data-verdict]")
    assert verdict.get_attribute("data-verdict") == "valid"
    assert verdict.get_by_role("heading", level=2).is_visible()
    assert page.get_by_role("heading", name="Gérer une situation de crise").is_visible()
    assert page.get_by_text("appliquer la gestion de crises").is_visible()
    assert page.get_by_text("C2.3", exact=True).is_visible()
    assert page.get_by_text(institution.name).first.is_visible()
    assert "login" not in page.url

    credential_revoke(credential=credential, reason="Validation annulée par le jury")
    page.reload()
    assert page.locator("[data-verdict]").get_attribute("data-verdict") == "revoked"
    assert page.get_by_text("Validation annulée par le jury").is_visible()

    # The paste form works from a real browser (CSRF, no account) and gives the same verdict.
    page.goto(f"{live_server.url}/verify/")
    page.locator("textarea[name=credential]").fill(credential.token)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[data-verdict]").get_attribute("data-verdict") == "revoked"

"""The journey in a browser: a student expresses interest with consent, the referent sees and advances the
referral, the student withdraws consent and disappears from the referent's queue."""

import re

import pytest
from django.test import Client

from parcours.accounts.enums import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_as(browser, live_server, user):
    """A browser context logged in as ``user``, in English."""
    client = Client()
    client.force_login(user)
    context = browser.new_context()
    context.add_cookies(
        [
            {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url},
            {"name": "django_language", "value": "en", "url": live_server.url},
        ]
    )
    return context.new_page()


def stage(page) -> str:
    return " ".join(page.locator("#referral-stage").text_content().split()).lower()


def test_interest_referral_and_withdrawal(live_server, browser, make_user):
    student = make_user(Role.STUDENT, first_name="Jeanne", last_name="Valmont")
    referent = make_user(Role.PARTNER_REFERENT, first_name="Capitaine", last_name="Roux")
    me = open_as(browser, live_server, student)
    gn = open_as(browser, live_server, referent)

    me.goto(f"{live_server.url}/partners/interest/")
    me.get_by_label("Message to the referent").fill("Available in July.")
    me.locator("label[for=id_scope_contact]").click()  # DSFR checkboxes are ticked through their label
    assert me.get_by_label("My first name, last name and e-mail address").is_checked()
    me.get_by_role("button", name="Continue").click()
    me.wait_for_url(re.compile(r"/partners/interest/confirm/$"))
    assert me.get_by_role("cell", name=f"Jeanne Valmont <{student.email}>").is_visible()
    me.locator("label[for=id_agree]").click()
    me.get_by_role("button", name="I agree and confirm").click()
    me.wait_for_url(re.compile(r"/partners/interest/$"))
    assert stage(me).endswith("received")

    gn.goto(f"{live_server.url}/partners/referrals/")
    gn.get_by_role("link", name="Jeanne Valmont").click()
    assert gn.get_by_text(student.email).first.is_visible()
    assert gn.get_by_text("Available in July.").count() == 0, "the message was not agreed to"
    gn.get_by_role("button", name="Mark as contacted").click()
    assert stage(gn) == "contacted"
    detail = gn.url

    me.reload()
    assert stage(me).endswith("contacted")
    me.get_by_role("button", name="Withdraw my consent").click()
    assert me.get_by_text("Your consent is withdrawn").is_visible()

    gn.goto(f"{live_server.url}/partners/referrals/")
    assert gn.get_by_text("Jeanne Valmont").count() == 0
    assert gn.get_by_text("No referral waits for you.").is_visible()
    assert gn.goto(detail).status == 404

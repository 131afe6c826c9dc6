import pytest
from django.core import mail
from django.urls import reverse

from parcours.accounts.enums import Role
from tests.factories import PASSWORD


@pytest.mark.django_db
def test_login_with_email_and_password(client, make_user):
    user = make_user(Role.STUDENT, email="camille@example.org")
    response = client.post(reverse("login"), {"username": "camille@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).context["user"] == user


@pytest.mark.django_db
def test_wrong_password_shows_the_usual_message(client, make_user):
    make_user(Role.STUDENT, email="camille@example.org")
    response = client.post(reverse("login"), {"username": "camille@example.org", "password": "nope"})
    assert response.status_code == 200
    assert "et un mot de passe valides" in response.content.decode()


@pytest.mark.django_db
def test_repeated_failures_are_throttled(client, make_user, settings):
    make_user(Role.STUDENT, email="camille@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "camille@example.org", "password": "nope"})
    response = client.post(reverse("login"), {"username": "camille@example.org", "password": PASSWORD})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()


@pytest.mark.django_db
def test_password_reset_sends_a_link(client, make_user):
    make_user(Role.STUDENT, email="camille@example.org")
    response = client.post(reverse("password_reset"), {"email": "camille@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password-reset/" in mail.outbox[0].body


@pytest.mark.django_db
def test_logout(client, make_user):
    client.force_login(make_user(Role.STUDENT))
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302

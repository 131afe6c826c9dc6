"""Optional TOTP second factor for staff roles: enrolment with a QR code, the code step after login,
backup codes, turning it off, and the admin site."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from parcours.accounts.enums import Role
from parcours.audit.models import AuditEvent
from parcours.security.otp import SECOND_FACTOR_PENDING
from tests.factories import PASSWORD

from .factories import BACKUP_CODES, enrol, key_from_page, totp_code

pytestmark = pytest.mark.django_db


def password_login(client, user, next_url: str | None = None):
    data = {"username": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(reverse("login"), data)
    assert response.status_code == 302
    return response


def test_enrolment_with_the_qr_code_and_a_real_code(client, make_user):
    engineer = make_user(Role.PEDAGOGICAL_ENGINEER)
    client.force_login(engineer)

    page = client.get(reverse("security_two_factor_enrol"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "<script" not in body.split("<main", 1)[-1].split("</main>", 1)[0]
    assert not TOTPDevice.objects.filter(user=engineer).exists()  # nothing stored before confirmation
    key = key_from_page(re.search(r'id="totp-key">([A-Z2-7 ]+)<', body).group(1))

    wrong = client.post(
        reverse("security_two_factor_enrol"), {"code": "000000" if totp_code(key) != "000000" else "111111"}
    )
    assert wrong.status_code == 200 and wrong.context["form"].errors
    assert not TOTPDevice.objects.filter(user=engineer).exists()

    done = client.post(reverse("security_two_factor_enrol"), {"code": totp_code(key)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    device = TOTPDevice.objects.get(user=engineer)
    assert device.confirmed and bytes.fromhex(device.key) == key
    assert StaticToken.objects.filter(device__user=engineer).count() == 10
    assert AuditEvent.objects.filter(action="security.second_factor.enabled", actor=engineer).exists()
    # the session that enrolled is verified: no code asked right away
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_student_cannot_enrol(client, make_user):
    client.force_login(make_user(Role.STUDENT))
    assert client.get(reverse("security_two_factor_enrol")).status_code == 403
    assert client.get(reverse("security_two_factor")).status_code == 403


def test_after_the_password_the_code_is_asked(client, make_user):
    director = make_user(Role.DIRECTOR_OF_STUDIES)
    key = enrol(director)

    password_login(client, director, next_url="/security/")
    blocked = client.get("/security/")
    assert blocked.status_code == 302
    assert blocked["Location"].startswith(reverse("security_two_factor_verify"))
    assert client.get(reverse("api-1.0.0:me_read")).status_code == 401  # the API sees no session either

    wrong = client.post(reverse("security_two_factor_verify"), {"code": "12345", "next": "/security/"})
    assert wrong.status_code == 200 and wrong.context["form"].errors

    director_device = TOTPDevice.objects.get(user=director)
    director_device.throttle_reset()  # the wrong code above started the back-off
    done = client.post(reverse("security_two_factor_verify"), {"code": totp_code(key), "next": "/security/"})
    assert done.status_code == 302 and done["Location"] == "/security/"
    assert client.get("/security/").status_code == 200
    assert client.get(reverse("api-1.0.0:me_read")).status_code == 200


def test_a_backup_code_works_once(client, make_user):
    hr = make_user(Role.HR)
    enrol(hr)

    password_login(client, hr)
    ok = client.post(reverse("security_two_factor_verify"), {"code": "AAAA-BBBB"})
    assert ok.status_code == 302
    assert not StaticToken.objects.filter(device__user=hr, token=BACKUP_CODES[0]).exists()

    client.post(reverse("logout"))
    password_login(client, hr)
    again = client.post(reverse("security_two_factor_verify"), {"code": "aaaabbbb"})
    assert again.status_code == 200 and again.context["form"].errors


def test_wrong_codes_are_throttled(client, make_user):
    teacher = make_user(Role.TEACHER)
    key = enrol(teacher)
    password_login(client, teacher)
    wrong = "000000" if totp_code(key) != "000000" else "111111"
    for _ in range(3):
        client.post(reverse("security_two_factor_verify"), {"code": wrong})

    response = client.post(reverse("security_two_factor_verify"), {"code": totp_code(key)})

    assert response.status_code == 200  # even the right code waits for the back-off
    assert "code" in response.context["form"].errors
    assert client.session.get(SECOND_FACTOR_PENDING)


def test_the_admin_site_requires_the_second_factor_of_those_who_enrolled(client, make_user):
    admin = make_user(Role.ADMINISTRATOR)
    key = enrol(admin)

    password_login(client, admin)
    blocked = client.get("/admin/")
    assert blocked.status_code == 302 and blocked["Location"].startswith(
        reverse("security_two_factor_verify")
    )

    client.post(reverse("security_two_factor_verify"), {"code": totp_code(key), "next": "/admin/"})
    assert client.get("/admin/").status_code == 200


def test_without_a_device_nothing_changes(client, make_user):
    admin = make_user(Role.ADMINISTRATOR)
    password_login(client, admin)
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("dashboard")).status_code == 200


def test_turning_off_needs_a_code(client, make_user):
    engineer = make_user(Role.PEDAGOGICAL_ENGINEER)
    key = enrol(engineer)
    password_login(client, engineer)
    client.post(reverse("security_two_factor_verify"), {"code": BACKUP_CODES[1]})

    refused = client.post(reverse("security_two_factor_disable"), {"disable-code": "zzzzzzzz"})
    assert refused.status_code == 400 and TOTPDevice.objects.filter(user=engineer).exists()

    StaticDevice.objects.filter(user=engineer).update(throttling_failure_count=0)
    done = client.post(reverse("security_two_factor_disable"), {"disable-code": totp_code(key)})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=engineer).exists()
    assert not StaticDevice.objects.filter(user=engineer).exists()
    client.post(reverse("logout"))
    password_login(client, engineer)
    assert client.get(reverse("dashboard")).status_code == 200  # no code asked any more


def test_new_backup_codes_replace_the_old_ones(client, make_user):
    engineer = make_user(Role.PEDAGOGICAL_ENGINEER)
    enrol(engineer)
    password_login(client, engineer)
    client.post(reverse("security_two_factor_verify"), {"code": BACKUP_CODES[0]})

    response = client.post(reverse("security_two_factor_backup_codes"), {"renew-code": BACKUP_CODES[1]})

    assert response.status_code == 200
    stored = set(StaticToken.objects.filter(device__user=engineer).values_list("token", flat=True))
    assert stored == set(response.context["codes"]) and not stored & set(BACKUP_CODES)

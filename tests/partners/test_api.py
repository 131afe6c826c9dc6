"""The partnership API: aggregates only, for referents and the school's leadership."""

import pytest

from parcours.accounts.enums import Role

from . import dataset

pytestmark = pytest.mark.django_db


def test_reports_are_listed_for_readers_only(client, make_user):
    client.force_login(make_user(Role.STUDENT))
    assert client.get("/api/partners/reports").status_code == 403
    client.force_login(make_user(Role.PARTNER_REFERENT))
    codes = {r["code"] for r in client.get("/api/partners/reports").json()}
    assert {"reservists_by_force", "days_by_programme", "referrals_by_stage"} <= codes


def test_a_table_is_protected(client, institution, other_institution, make_user):
    data = dataset.build(institution, other_institution)
    client.force_login(make_user(Role.PARTNER_REFERENT))
    body = client.get("/api/partners/reports/reservists_by_force").json()
    assert body["institutions"] == [institution.slug] and body["threshold"] == 5
    navy = next(r for r in body["rows"] if r["key"] == "marine-nationale")
    assert navy["figures"][-1] == {"value": None, "display": "< 5"}
    assert body["years"][-1] == data["year"]
    assert client.get("/api/partners/reports/nope").status_code == 404
    assert (
        client.get(
            "/api/partners/reports/reservists_by_force", {"institution": other_institution.slug}
        ).status_code
        == 404
    )


def test_anonymous_callers_get_401(client):
    assert client.get("/api/partners/reports").status_code == 401

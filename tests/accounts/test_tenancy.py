import pytest
from django.urls import reverse

from parcours.accounts.enums import Role
from parcours.accounts.permissions import has_role, institutions_with_role, roles_of
from tests.factories import MembershipFactory


@pytest.mark.django_db
def test_staff_of_one_institution_gets_404_on_the_other(client, make_user, other_institution):
    engineer = make_user(Role.PEDAGOGICAL_ENGINEER)
    client.force_login(engineer)
    assert client.get(reverse("institution_detail", args=[other_institution.slug])).status_code == 404


@pytest.mark.django_db
def test_staff_sees_own_institution(client, make_user, institution):
    client.force_login(make_user(Role.DIRECTOR_OF_STUDIES))
    response = client.get(reverse("institution_detail", args=[institution.slug]))
    assert response.status_code == 200
    assert institution.name in response.content.decode()


@pytest.mark.django_db
def test_a_person_can_hold_several_roles_in_several_institutions(make_user, institution, other_institution):
    user = make_user(Role.STUDENT)
    MembershipFactory(user=user, institution=institution, role=Role.TEACHER)
    MembershipFactory(user=user, institution=other_institution, role=Role.PARTNER_REFERENT)
    assert roles_of(user, institution) == {Role.STUDENT, Role.TEACHER}
    assert roles_of(user) == {Role.STUDENT, Role.TEACHER, Role.PARTNER_REFERENT}
    assert has_role(user, Role.TEACHER, institution=institution)
    assert not has_role(user, Role.TEACHER, institution=other_institution)
    assert list(institutions_with_role(user, Role.PARTNER_REFERENT)) == [other_institution]


@pytest.mark.django_db
def test_api_scopes_institutions(client, make_user, institution, other_institution):
    client.force_login(make_user(Role.PEDAGOGICAL_ENGINEER))
    data = client.get("/api/accounts/institutions").json()
    assert [i["slug"] for i in data] == [institution.slug]


@pytest.mark.django_db
def test_api_requires_login(client):
    assert client.get("/api/accounts/me").status_code == 401
    assert client.get("/api/openapi.json").status_code == 200

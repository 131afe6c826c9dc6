import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def issuer(institution):
    from .factories import ensure_issuer

    return ensure_issuer(institution)


@pytest.fixture
def student(make_user):
    from parcours.accounts.enums import Role

    return make_user(
        Role.STUDENT, email="camille.laurent@example.org", first_name="Camille", last_name="Laurent"
    )

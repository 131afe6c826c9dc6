"""Schemathesis over every operation of the live OpenAPI schema: no 5xx, no response outside the schema.

Runs in-process against the WSGI application, authenticated with a personal access token of a user who
holds every role, so that each operation is reached past its permission checks.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    positive_data_acceptance,
)

from config.wsgi import application
from parcours.accounts.enums import Role

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Like Django's test client: the WSGI calls must not close the connection that holds the test transaction."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(world, institution):
    from parcours.accounts.models import Membership
    from parcours.security.services import token_create

    user = world["director"]
    for role in Role:
        Membership.objects.get_or_create(user=user, institution=institution, role=role)
    return token_create(user=user, name="schemathesis").plaintext


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_schema(case, token):
    # Business refusals (400/404/409) of schema-valid data are expected: only conformance is checked.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        excluded_checks=[
            positive_data_acceptance,
            negative_data_rejection,
            missing_required_header,
            ignored_auth,
        ],
    )

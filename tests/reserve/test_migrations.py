"""The rule transitions' « note » became the shared TransitionLog « comment »: the notes already written
are kept through the migration, both ways."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from parcours.reserve.models import RuleTransition
from tests.frameworks.factories import RecognitionRuleFactory

BEFORE = [("reserve", "0001_initial")]
AFTER = [("reserve", "0002_transition_log_base")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_notes_of_rule_transitions_are_kept():
    rule = RecognitionRuleFactory()
    RuleTransition.objects.create(rule=rule, to_status="approved", comment="Vu en conseil des études")
    try:
        old = migrate(BEFORE)
        assert old.get_model("reserve", "RuleTransition").objects.get(rule_id=rule.pk).note == (
            "Vu en conseil des études"
        )
        new = migrate(AFTER)
        assert new.get_model("reserve", "RuleTransition").objects.get(rule_id=rule.pk).comment == (
            "Vu en conseil des études"
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

"""Background work after a decision is signed or a jury session closed (idempotent: safe to run again)."""

from django.tasks import task

from . import outputs


@task()
def decision_outputs_task(*, decision_id: int) -> None:
    outputs.decision_outputs(decision_id)


@task()
def session_outputs_task(*, session_id: int) -> None:
    outputs.session_outputs(session_id)

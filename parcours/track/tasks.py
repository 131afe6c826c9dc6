"""Background work of the track, run through Django's tasks API after the requesting transaction commits."""

from __future__ import annotations

from django.tasks import task


@task()
def course_credential(enrolment_id: int) -> None:
    """Issue (passed) or revoke (no longer passed) the elective's credential of one enrolment."""
    from .outputs import course_outputs

    course_outputs(enrolment_id)


@task()
def award_outputs(award_id: int) -> None:
    """The mention's credential (or its revocation) and the refreshed diploma supplement."""
    from .outputs import award_outputs as run

    run(award_id)


@task()
def generate_supplement(supplement_id: int) -> str:
    from .services import supplement_generate

    return str(supplement_generate(supplement_id=supplement_id).document_public_id)


@task()
def run_supplement_batch(batch_id: int) -> None:
    from .services import supplement_batch_run

    supplement_batch_run(batch_id)

"""A worker killed in the middle of a job: the job runs again and produces no duplicate document or credential."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from parcours.recognition.outputs import decision_outputs
from tests.recognition.test_workflow import in_jury, sign

pytestmark = pytest.mark.django_db(transaction=True)


def test_interrupted_job_runs_again_without_duplicates(world, settings):
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from parcours.credentials.models import Credential
    from parcours.documents.models import Document

    call_command("credentials", "init-issuer", "--institution", world["institution"].slug, verbosity=0)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    request, session = in_jury(world)
    decision = sign(world, request, session)  # commits: the outputs job waits in the database queue
    job = DBTaskResult.objects.get(task_path__endswith="decision_outputs_task")
    assert job.status == TaskResultStatus.READY

    # A worker takes the job, does the work, and is killed before it can record success.
    job.claim("worker-that-died")
    decision_outputs(decision.pk)
    call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0, queue_name="*")
    DBTaskResult.objects.filter(pk=job.pk).update(started_at=timezone.now() - timedelta(hours=1))
    job.refresh_from_db()
    assert job.status == TaskResultStatus.RUNNING  # left behind by the dead worker

    call_command("requeue_stale_tasks", older_than=15)
    call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0, queue_name="*")
    job.refresh_from_db()
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert len(job.worker_ids) == 2

    documents = Document.objects.filter(source_type="recognition.decision", source_id=str(decision.pk))
    assert sorted(documents.values_list("kind", "language")) == [
        ("decision_letter", "en"),
        ("decision_letter", "fr"),
        ("recognition_attestation", "en"),
        ("recognition_attestation", "fr"),
    ]
    credentials = Credential.objects.filter(source_type="recognition.decision", source_id=str(decision.pk))
    assert credentials.count() == decision.competencies.count() == 1

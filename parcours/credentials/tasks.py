"""Background work of the credentials app, run through Django's tasks API after the transaction commits."""

from django.tasks import task


@task()
def run_batch(batch_id: int) -> None:
    from .batches import batch_run

    batch_run(batch_id)

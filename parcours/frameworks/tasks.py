"""Background work for frameworks (run by the tasks backend: immediate in the demo, a worker in production)."""

from django.tasks import task


@task()
def apply_framework_import(job_id: int) -> None:
    """Apply a previewed import (see ``services.framework_import_run``)."""
    from .services import framework_import_run

    framework_import_run(job_id)

from django.tasks import task

from .services import retention_enforce


@task()
def enforce_retention() -> dict:
    """Scheduled daily (cron or a scheduler calling `manage.py privacy retention`, or this task)."""
    return retention_enforce()

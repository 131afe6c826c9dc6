"""Background work of the partnership features, through Django's tasks API."""

from django.tasks import task


@task()
def purge_partners() -> dict:
    """Apply the retention periods: expire consents, delete unconfirmed and ended declarations."""
    from .services import partners_purge

    return partners_purge().as_dict()


@task()
def refresh_statistics() -> int:
    """Recompute the protected statistics the dashboards read."""
    from .statistics import snapshot_refresh

    return snapshot_refresh()

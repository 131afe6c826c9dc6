import pytest


@pytest.fixture(autouse=True)
def _fresh_statistics(settings):
    """Dashboards recompute their snapshot on every read, so a test sees the data it just created."""
    settings.PARTNERS = {"STATISTICS_MAX_AGE": 0}

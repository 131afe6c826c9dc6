import pytest


@pytest.fixture(autouse=True)
def _fresh_progress_cache():
    """Ids are reused after each test's rollback: never let a cohort computation outlive its test."""
    from parcours.track.progress import clear_cache

    clear_cache()
    yield
    clear_cache()

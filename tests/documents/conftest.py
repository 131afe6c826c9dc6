import pytest


@pytest.fixture(autouse=True)
def _lazy_static_files(settings):
    """WhiteNoise scans every static file (DSFR ships thousands) each time a test client starts, unless it
    autorefreshes; these tests serve no static file, so skip the ~1 s scan per test."""
    settings.WHITENOISE_AUTOREFRESH = True

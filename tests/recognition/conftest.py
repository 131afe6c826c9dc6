import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Service messages are checked in English here (the French catalogue is checked by make quality)."""
    with translation.override("en"):
        yield

"""The production entry points and the process-level helpers of parcours/runtime.py."""

import gc
import importlib
import io
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from parcours.runtime import paused_cyclic_gc


@pytest.fixture
def unfrozen():
    yield
    gc.unfreeze()


@pytest.mark.django_db
def test_wsgi_application_serves_and_freezes_the_startup_objects(unfrozen, settings):
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
    gc.unfreeze()
    wsgi = importlib.reload(importlib.import_module("config.wsgi"))
    assert gc.get_freeze_count() > 10_000  # Django, the settings, every view: out of the collector's passes

    environ = {"PATH_INFO": "/healthz", "wsgi.input": io.BytesIO()}
    setup_testing_defaults(environ)
    started = []
    # As Django's test client does: the request signals would close the test's connection, which runs
    # inside a transaction (not autocommit).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(wsgi.application(environ, lambda status, headers: started.append(status)))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert started == ["200 OK"], (started, body[:200])

    garbage = []
    garbage.append(garbage)  # a cycle made after the freeze is still collected
    del garbage
    assert gc.collect() >= 1


def test_paused_cyclic_gc_restores_the_collector():
    assert gc.isenabled()
    with paused_cyclic_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_cyclic_gc():
            pass
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()

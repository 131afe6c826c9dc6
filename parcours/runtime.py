"""Process-level helpers shared by the heavy computations (document layout, cohort progress)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector around a computation that allocates many short-lived objects.

    Nearly all of them are freed by reference counting; meanwhile the collector would run dozens of times,
    each pass also scanning the long-lived objects of a Django process (about 9 % of a diploma supplement's
    layout, 5–10 % of a cold cohort of 2,000, measured with py-spy). What is left over is collected as usual
    once the collector is enabled again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def freeze_startup_objects() -> int:
    """Leave what a started process holds for good out of the cyclic garbage collector's passes.

    Once Django is set up and the URL configuration imported (every view, form and API schema), the
    process holds about 250,000 objects that live as long as it does. Each full pass of the collector
    scans them all: about 150 ms, which fell on whatever request happened to trigger it (a cold cohort
    overview of 2,000 students then took 300–350 ms instead of 150). ``gc.freeze()`` moves them to a
    permanent generation that the collector no longer scans; what is allocated later is collected as
    usual. Called by ``config/wsgi.py`` and ``config/asgi.py`` once the application is loaded (before the
    fork when gunicorn runs with ``--preload``, which also keeps the shared pages shared). Returns the
    number of objects frozen.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every view, form and API schema)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()

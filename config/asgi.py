"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from parcours.runtime import freeze_startup_objects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()
freeze_startup_objects()  # see its docstring: full garbage collections no longer scan the startup objects

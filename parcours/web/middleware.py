"""Turn a database outage into a clean 503 page instead of a traceback."""

import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError) as exc:
            return self._unavailable(exc)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)) or type(exception) is DatabaseError:
            return self._unavailable(exception)
        return None

    @staticmethod
    def _unavailable(exc: Exception) -> HttpResponse:
        logger.error("Database unavailable: %s", exc)
        html = render_to_string("errors/503.html")
        response = HttpResponse(html, status=503)
        response["Retry-After"] = "30"
        return response

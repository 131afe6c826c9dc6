"""Turn a database outage into a clean 503 page instead of a traceback; refuse too large a body with a 413 and
NUL characters with a 400."""

import json
import logging

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from parcours.security.middleware import API_PREFIX

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


def _is_api(request) -> bool:
    """Whether the request is for the API, which answers in JSON."""
    return request.path.startswith(API_PREFIX)


def declared_body_length(request) -> int:
    """The body length the request declares (``Content-Length``); 0 when it declares none or not a number
    (Django then reads no body)."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _shown(name: str) -> str:
    """``name`` with each NUL shown as the symbol "␀", to name it in a message."""
    return name.replace("\x00", "\N{SYMBOL FOR NULL}")


def nul_character_in(items) -> str | None:
    """The name of the first parameter of ``items`` (a QueryDict) whose name or value holds a NUL character, or
    None. PostgreSQL refuses NUL in text, so such a value would otherwise end in a server error wherever a
    view reads the parameter itself (Django's form fields refuse it already)."""
    for name, values in items.lists():
        if "\x00" in name:
            return _shown(name)
        if any("\x00" in value for value in values):
            return name
    return None


def nul_path(value, path: tuple = ()) -> tuple | None:
    """The location, within parsed JSON, of the first string (value or key) holding a NUL character."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:
                return (*path, _shown(key))
            if (found := nul_path(item, (*path, key))) is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if (found := nul_path(item, (*path, index))) is not None:
                return found
    return None


#: The refusals, in English for the API (like its other messages) and translated for the pages.
NUL_IN_ADDRESS = gettext_noop("The address of the page contains a NUL character.")
NUL_IN_FIELD = gettext_noop("The field “%(name)s” contains a NUL character, which no text may contain.")
NUL_IN_HEADER = gettext_noop(
    "The header “%(name)s” of the request contains a NUL character, which no header may contain."
)


class DropNulCookiesMiddleware:
    """Drop the cookies whose name or value holds a NUL character, as if the browser had not sent them.

    A quoted cookie may carry one (``"\\000"``): the session middleware would look such a session key up
    and PostgreSQL would answer with an error, on every page, for as long as the browser keeps the cookie.
    Dropped rather than refused, so that the browser gets a fresh session instead of an error. Placed before
    the session middleware, which reads the cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cookies = request.COOKIES
        for name in [name for name, value in cookies.items() if "\x00" in name or "\x00" in value]:
            logger.warning("Dropped a cookie holding a NUL character: %s", name.replace("\x00", "\\0"))
            del cookies[name]
        return self.get_response(request)


class RejectNulCharactersMiddleware:
    """Answer 400, naming the parameter or header, to a request whose path, parameters or headers hold a NUL
    character.

    The path, the query string and the headers are checked for every request; the form fields of the pages
    once the CSRF check has read them; the JSON bodies of the API (a NUL can only come as the escape
    ``\\u0000``: a raw one is not JSON, and the API answers that itself). The API reads its form fields itself
    (``parcours.api.parser``). Uploaded file names need no check: Django drops their unprintable characters.
    The API answers in JSON, in English like its other messages.

    Headers: HTTP forbids NUL in a header's value (RFC 9110, section 5.5), and the login throttling stores
    the ``User-Agent`` and ``Accept`` of each failed or successful sign-in (django-axes): a NUL there was a
    server error on PostgreSQL. Cookies are left to :class:`DropNulCookiesMiddleware`, which runs earlier.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return self._refuse(request, NUL_IN_ADDRESS)
        if (name := nul_character_in(request.GET)) is not None:
            return self._refuse(request, NUL_IN_FIELD, name)
        if (name := self._nul_in_headers(request)) is not None:
            return self._refuse(request, NUL_IN_HEADER, name)
        if _is_api(request) and (location := self._nul_in_json_body(request)) is not None:
            return self._refuse(request, NUL_IN_FIELD, ".".join(str(part) for part in location))
        return self.get_response(request)

    @staticmethod
    def _nul_in_headers(request) -> str | None:
        for name, value in request.headers.items():
            if "\x00" in value and name != "Cookie":
                return name
        return None

    @staticmethod
    def _nul_in_json_body(request) -> tuple | None:
        if request.content_type != "application/json":
            return None
        try:
            body = request.body
        except SuspiciousOperation:  # too large: the API answers 413 when its view reads it
            return None
        if b"\\u0000" not in body:
            return None
        try:
            return nul_path(json.loads(body))
        except ValueError:  # not JSON: the API says so
            return None

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Only what the CSRF check has read (every form of the pages): a view exempt from it may refuse a body
        # before reading it, and reading it here would defeat that.
        if request.method != "POST" or _is_api(request) or "_post" not in request.__dict__:
            return None
        name = nul_character_in(request.POST)
        return None if name is None else self._refuse(request, NUL_IN_FIELD, name)

    def _refuse(self, request, message: str, name: str = "") -> HttpResponse:
        logger.warning("Refused a request with a NUL character: %s", request.path.replace("\x00", "\\0"))
        if _is_api(request):
            return JsonResponse({"detail": message % {"name": name}}, status=400)
        detail = _(message) % {"name": name}
        return HttpResponseBadRequest(render_to_string("errors/400.html", {"detail": detail}, request))


class RequestSizeLimitMiddleware:
    """Answer 413 to a request that announces a body larger than ``PARCOURS["MAX_REQUEST_BYTES"]``, before
    anything reads it (the CSRF check reads every form, files included, before the view runs: without this an
    upload of any size would be streamed to a temporary file first). A body without a length is not read by
    Django at all. The API answers in JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = declared_body_length(request)
        limit = settings.PARCOURS["MAX_REQUEST_BYTES"]
        if length <= limit:
            return self.get_response(request)
        logger.warning("Refused a request body of %d bytes: %s", length, request.path)
        megabytes = limit // (1024 * 1024)
        if _is_api(request):
            detail = f"The request body is too large (at most {megabytes} MB)."
            return JsonResponse({"detail": detail}, status=413)
        html = render_to_string("errors/413.html", {"megabytes": megabytes}, request)
        return HttpResponse(html, status=413)

"""Error pages in the product's layout. The 500 page renders without touching the database."""

from django.http import HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string
from django.views import defaults


def bad_request(request, exception):
    return defaults.bad_request(request, exception, template_name="errors/400.html")


def permission_denied(request, exception):
    return defaults.permission_denied(request, exception, template_name="errors/403.html")


def page_not_found(request, exception):
    return defaults.page_not_found(request, exception, template_name="errors/404.html")


def server_error(request) -> HttpResponse:
    return HttpResponseServerError(render_to_string("errors/500.html"))

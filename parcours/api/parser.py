"""The API's request parser: django-ninja's, refusing a form field that holds a NUL character with a 422 that
names it (the path, the query string and JSON bodies are checked earlier, by
``parcours.web.middleware.RejectNulCharactersMiddleware``; PostgreSQL refuses NUL in text)."""

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.errors import ValidationError
from ninja.parser import Parser

from parcours.web.middleware import NUL_IN_FIELD, nul_character_in


class NulRefusingParser(Parser):
    def parse_querydict(self, data: MultiValueDict, list_fields: list[str], request: HttpRequest) -> dict:
        if data is request.POST and (name := nul_character_in(data)) is not None:
            message = NUL_IN_FIELD % {"name": name}
            raise ValidationError([{"type": "string_nul_character", "loc": ["form", name], "msg": message}])
        return super().parse_querydict(data, list_fields, request)

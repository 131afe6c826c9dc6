"""Choose the interface language: French by default, whatever the browser says.

Order: the language chosen with the switch (cookie), then the logged-in user's preference, then
``LANGUAGE_CODE`` (French). The browser's Accept-Language is deliberately ignored: the platform is a
French public-service tool whose English version is chosen explicitly.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = dict(settings.LANGUAGES)

    def choose(self, request) -> str:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in self.available:
            return chosen
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in self.available:
            return user.language
        return settings.LANGUAGE_CODE

    def __call__(self, request):
        language = self.choose(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response

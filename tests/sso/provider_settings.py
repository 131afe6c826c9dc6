"""Settings of the test OpenID Connect provider (django-oauth-toolkit), run in a subprocess on loopback.

Nothing of the product is loaded: this is another site, the identity provider. Its RSA key, users and
clients come from the JSON file named by ``SSO_TEST_PROVIDER_CONFIG`` (written by the test).
"""

import json
import os
from pathlib import Path

CONFIG = json.loads(Path(os.environ["SSO_TEST_PROVIDER_CONFIG"]).read_text())

SECRET_KEY = "test-provider-only"  # noqa: S105  (a throwaway provider on 127.0.0.1)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.sso.provider_urls"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).parent / "provider_templates"],
        "OPTIONS": {"context_processors": ["django.template.context_processors.csrf"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": CONFIG["database"]}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USE_TZ = True
LOGIN_URL = "/accounts/login/"
SESSION_COOKIE_NAME = "provider_sessionid"
CSRF_COOKIE_NAME = "provider_csrftoken"

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": CONFIG["rsa_private_key"],
    "OAUTH2_VALIDATOR_CLASS": "tests.sso.provider_urls.ClaimsValidator",
    # ProConnect refuses PKCE parameters, institutional providers use them: accept both.
    "PKCE_REQUIRED": False,
    "SCOPES": {
        "openid": "OpenID Connect",
        "email": "E-mail address",
        "profile": "Names",
        "given_name": "First name (ProConnect)",
        "usual_name": "Last name (ProConnect)",
        "siret": "Establishment (ProConnect)",
        "uid": "Identifier at the identity provider (ProConnect)",
    },
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

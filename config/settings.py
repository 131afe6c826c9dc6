"""Parcours Réserviste settings: one module, driven by environment variables.

Embedded default (no variable set): SQLite under ``var/``, immediate tasks, console e-mail, files under
``var/``. Production: set ``DEBUG=false``, ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL`` (PostgreSQL),
``EMAIL_URL`` (SMTP) and ``TASKS_BACKEND=django_tasks_db.DatabaseBackend`` (run ``manage.py db_worker``).
See ``docs/deployment.md`` for the full list.
"""

import secrets
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
DEBUG = env.bool("DEBUG", default=False)
TESTING = "pytest" in sys.modules


def _secret_key() -> str:
    """Read the secret key from ``SECRET_KEY`` or ``SECRET_KEY_FILE``.

    Without either, only a debug or test process may fall back to a key generated into ``var/``;
    a production process refuses to start and names the variable.
    """
    if key := env.str("SECRET_KEY", default=""):
        return key
    if key_file := env.str("SECRET_KEY_FILE", default=""):
        return Path(key_file).read_text().strip()
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "The SECRET_KEY environment variable is required when DEBUG is off "
            "(or SECRET_KEY_FILE pointing to a file that holds it)."
        )
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # dsfr before django.forms: its templates for checkbox and radio options must win over Django's.
    "dsfr",
    "django.forms",
    "widget_tweaks",
    "django_htmx",
    "axes",
    "django_tasks_db",
    "parcours.accounts",
    "parcours.frameworks",
    "parcours.reserve",
    "parcours.portfolio",
    "parcours.recognition",
    "parcours.notifications",
    "parcours.credentials",
    "parcours.documents",
    "parcours.scheduling",
    "parcours.track",
    "parcours.partners",
    "parcours.audit",
    "parcours.privacy",
    "parcours.matching",
    "parcours.ops",
    "parcours.web",
    "parcours.api",
    "parcours.demo",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "parcours.security",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "parcours.web.middleware.DatabaseUnavailableMiddleware",
    "parcours.web.middleware.DropNulCookiesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "parcours.accounts.middleware.LanguageMiddleware",
    "parcours.web.middleware.RequestSizeLimitMiddleware",
    "parcours.web.middleware.RejectNulCharactersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "parcours.security.middleware.SecondFactorMiddleware",
    "parcours.security.middleware.PublicRateLimitMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "parcours" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dsfr.context_processors.site_config",
                "parcours.web.context_processors.navigation",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: DATABASE_URL, default SQLite under var/.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

# Login throttling (django-axes): lock a username+IP pair after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
# The same client address as the rate limits (honours RATE_LIMIT_TRUSTED_PROXIES behind a reverse proxy).
AXES_CLIENT_IP_CALLABLE = "parcours.security.ratelimit.axes_client_ip"

# Rate limits on everything reachable without an account (parcours/security/ratelimit.py, docs/security.md).
# Rates: "count/period" with period s, m, h, d, optionally multiplied ("30/10m"); an empty rate turns the
# scope off. Counted in the cache below: set CACHE_URL to a shared cache (the database with
# `dbcache://parcours_cache?max_entries=100000` and `manage.py createcachetable`, or Redis) for one limit
# per deployment rather than one per process.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://?max_entries=10000")}
RATE_LIMITS = {
    # Off in the test suite (tests/security/test_ratelimit.py turns it on).
    "ENABLED": env.bool("RATE_LIMIT_ENABLED", default=not TESTING),
    # Reverse proxies in front of the application that append to X-Forwarded-For (0: use REMOTE_ADDR).
    "TRUSTED_PROXIES": env.int("RATE_LIMIT_TRUSTED_PROXIES", default=0),
    "RATES": {
        # Every request of an anonymous client to a public page or API operation.
        "public": env.str("RATE_LIMIT_PUBLIC", default="120/m"),
        # Verifications (credential paste/upload, holder e-mail check, API, document copy), for everyone;
        # CREDENTIALS_VERIFY_RATE_LIMIT is the former name.
        "verify": env.str(
            "RATE_LIMIT_VERIFY", default=env.str("CREDENTIALS_VERIFY_RATE_LIMIT", default="30/m")
        ),
        # Password reset requests (each one sends an e-mail).
        "password-reset": env.str("RATE_LIMIT_PASSWORD_RESET", default="10/h"),
    },
}
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = True  # a cache miss between two calls never refuses anyone

# Internationalisation: French by default, complete English translation.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "parcours" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "parcours" / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"  # files are only served through views that check permissions
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "parcours.web.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING  # no static re-scan for every test client


# E-mail: console in the demo, SMTP in production (EMAIL_URL=smtp+tls://user:pass@host:587).
def _mailer(url_config: dict) -> dict:
    """Translate an EMAIL_URL (parsed by django-environ) into a Django 6.1 MAILERS entry."""
    keys = {
        "EMAIL_HOST": "host",
        "EMAIL_PORT": "port",
        "EMAIL_HOST_USER": "username",
        "EMAIL_HOST_PASSWORD": "password",
        "EMAIL_USE_TLS": "use_tls",
        "EMAIL_USE_SSL": "use_ssl",
        "EMAIL_FILE_PATH": "file_path",
    }
    backend = url_config["EMAIL_BACKEND"]
    options = {name: url_config[key] for key, name in keys.items() if url_config.get(key) not in (None, "")}
    if not backend.endswith("smtp.EmailBackend"):
        options = {k: v for k, v in options.items() if k == "file_path"}
    else:
        options["timeout"] = env.int("EMAIL_TIMEOUT", default=10)
    return {"BACKEND": backend, "OPTIONS": options}


MAILERS = {"default": _mailer(env.email_url("EMAIL_URL", default="consolemail://"))}
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Parcours Réserviste <no-reply@parcours.example.org>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Tasks: immediate by default; production uses django_tasks_db.DatabaseBackend and `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django.tasks.backends.immediate.ImmediateBackend")
    }
}

# Security defaults. Cookies are secure and HSTS is on whenever DEBUG is off.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])

DSFR_USE_INTEGRITY_CHECKSUMS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Product settings, all in one namespace.
PARCOURS = {
    "PRODUCT_NAME": "Parcours Réserviste",
    "DEMO_PASSWORD": "parcours-demo",
    # Largest evidence file accepted (bytes).
    "EVIDENCE_MAX_BYTES": env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024),
    # Largest request body accepted at all (bytes), refused before anything reads it: above every file limit
    # (evidence 10 MB, framework and copy 20 MB, calendar 25 MB) so that those give their own messages.
    "MAX_REQUEST_BYTES": env.int("MAX_REQUEST_BYTES", default=30 * 1024 * 1024),
    # Months a holder has to appeal a recognition decision (Code de l'éducation: 2 months by default).
    "APPEAL_MONTHS": env.int("APPEAL_MONTHS", default=2),
}


# Verifiable credentials (Open Badges 3.0), one namespace; see docs/credentials.md.
def _credentials_passphrase() -> str:
    """The passphrase that encrypts issuer private keys: CREDENTIALS_KEY_PASSPHRASE or a file holding it."""
    if value := env.str("CREDENTIALS_KEY_PASSPHRASE", default=""):
        return value
    if path := env.str("CREDENTIALS_KEY_PASSPHRASE_FILE", default=""):
        return Path(path).read_text().strip()
    return ""


CREDENTIALS = {
    # Required when DEBUG is off; a debug or test process derives one from SECRET_KEY.
    "KEY_PASSPHRASE": _credentials_passphrase(),
    # A process refuses to start (system check) without a usable issuer key.
    "REQUIRE_ISSUER_KEY": env.bool("CREDENTIALS_REQUIRE_ISSUER_KEY", default=not (DEBUG or TESTING)),
    # Credentials never expire unless set (days after issuance).
    "VALIDITY_DAYS": env.int("CREDENTIALS_VALIDITY_DAYS", default=0),
    # Bitstring Status List: entries per list (W3C minimum 131072), signed list lifetime, HTTP max-age.
    "STATUS_LIST_SIZE": env.int("CREDENTIALS_STATUS_LIST_SIZE", default=131072),
    "STATUS_LIST_VALIDITY_HOURS": env.int("CREDENTIALS_STATUS_LIST_VALIDITY_HOURS", default=24),
    "STATUS_LIST_MAX_AGE": env.int("CREDENTIALS_STATUS_LIST_MAX_AGE", default=300),
    # Public verification: time allowed to fetch another issuer's DID document or status list, largest
    # upload (rate limits: RATE_LIMITS above).
    "FETCH_TIMEOUT": env.float("CREDENTIALS_FETCH_TIMEOUT", default=5.0),
    "MAX_UPLOAD_BYTES": env.int("CREDENTIALS_MAX_UPLOAD_BYTES", default=512 * 1024),
    # Also sign each credential with a Data Integrity proof (eddsa-rdfc-2022; needs openbadgeslib[ldp]).
    "DATA_INTEGRITY": env.bool("CREDENTIALS_DATA_INTEGRITY", default=False),
    # Offer the illustrative batch source (demonstration competencies) on the batch page.
    "ILLUSTRATIVE_BATCH_SOURCE": env.bool("CREDENTIALS_ILLUSTRATIVE_BATCH_SOURCE", default=DEBUG or TESTING),
}


# Single sign-on (django-allauth, mounted under /sso/ for its SSO flows only; local sign-in and password
# reset stay with Django's views). Identity providers are configured in the admin site; see
# docs/security.md. AUTHENTICATION_BACKENDS is unchanged: allauth logs SSO users in through ModelBackend.
ACCOUNT_ADAPTER = "parcours.security.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env.str("SSO_HTTP_PROTOCOL", default="http" if DEBUG or TESTING else "https")
SOCIALACCOUNT_ADAPTER = "parcours.security.adapters.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = env.bool("SSO_MATCH_EMAIL", default=True)
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env.int("SSO_REQUESTS_TIMEOUT", default=10)
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"provider_class": "parcours.security.oidc.OIDCProvider"}}
OTP_TOTP_ISSUER = PARCOURS["PRODUCT_NAME"]


def _pem(name: str) -> str:
    """A PEM value from ``<name>`` or from the file named by ``<name>_FILE``."""
    if value := env.str(name, default=""):
        return value
    if path := env.str(f"{name}_FILE", default=""):
        return Path(path).read_text()
    return ""


SECURITY = {
    # Offer the identity providers on the sign-in page.
    "SSO_ENABLED": env.bool("SSO_ENABLED", default=True),
    # Create an account on first SSO sign-in (only when the affiliations map to a role).
    "SSO_CREATE_ACCOUNTS": env.bool("SSO_CREATE_ACCOUNTS", default=True),
    # Link an SSO identity to an existing account with the same (provider-verified) e-mail address.
    "SSO_MATCH_EMAIL": env.bool("SSO_MATCH_EMAIL", default=True),
    # SAML service provider: entity ID (default: each provider's metadata URL), signing key and certificate.
    "SAML_SP_ENTITY_ID": env.str("SAML_SP_ENTITY_ID", default=""),
    "SAML_SP_PRIVATE_KEY": _pem("SAML_SP_PRIVATE_KEY"),
    "SAML_SP_CERTIFICATE": _pem("SAML_SP_CERTIFICATE"),
    # Personal access tokens: active tokens per person, longest lifetime in days (0: no limit), and how
    # often the last-used date is written (seconds).
    "TOKEN_MAX_PER_USER": env.int("API_TOKEN_MAX_PER_USER", default=20),
    "TOKEN_MAX_DAYS": env.int("API_TOKEN_MAX_DAYS", default=0),
    "TOKEN_LAST_USED_RESOLUTION": env.int("API_TOKEN_LAST_USED_RESOLUTION", default=60),
    # Backup codes given with the second factor.
    "BACKUP_CODES": env.int("OTP_BACKUP_CODES", default=10),
}

"""The one settings module, configured from environment variables (see README.md)."""

from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django_countries.data import COUNTRIES

from avrr.client_address import parse_networks
from avrr.env import env_bool, env_int, env_list, env_str, env_time_zone
from avrr.money import env_amount, env_currencies

# Lets generic Django classes be subscripted in type hints at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-used-only-with-debug-on"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "avrr.admin_config.AvrrAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_countries",
    "django_celery_beat",
    "bootstrap",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "avrr",
    "cases",
    "cases.referrals",
    "cases.departure",
    "reintegration",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise, so that static files keep their long cache and need no policy.
    "csp.middleware.CSPMiddleware",
    "avrr.middleware.private_responses",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "avrr.middleware.TwoStepMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "avrr.urls"
WSGI_APPLICATION = "avrr.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "avrr.context_processors.navigation",
            ],
        },
    },
]

# Database: PostgreSQL in production, an SQLite file under var/ by default.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'avrr.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Short OLTP queries: JIT compilation costs more than it saves (docs/performance.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Users, passwords, sessions, login throttling.
AUTH_USER_MODEL = "avrr.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "avrr.backends.ActiveOrganisationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# A session ends after this many minutes without a request.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# In the database, never the cache: signing in and every page keep working while Redis is
# down (the same for the lock-outs below).
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# The proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated):
# the TLS proxy in front of the application. None by default: the connection's address.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
parse_networks(TRUSTED_PROXIES)

# Sign-in throttling (avrr/lockout.py): failures per client address, and per account from
# the addresses that failed on it, over the cool-off; tries while locked do not extend it.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "avrr.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "avrr.client_address.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Two-step verification (README, "Two-step verification"): the roles that must use it; the
# others may. Role values, comma-separated; `none` for no role.
OTP_REQUIRED_ROLES = env_list(
    "OTP_REQUIRED_ROLES", ["admin", "supervisor", "reintegration_officer"]
)
if OTP_REQUIRED_ROLES == ["none"]:
    OTP_REQUIRED_ROLES = []
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "RVA")

# Languages: French first, then English and Arabic (right-to-left).
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English"), ("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# One date (and date-time) format per language, the same on every page and in the admin.
FORMAT_MODULE_PATH = "avrr.formats"
TIME_ZONE = env_time_zone("TIME_ZONE", "Africa/Casablanca")
USE_TZ = True


# Laissez-passer requests still unanswered this many days after they were made are listed
# for a reminder to the embassy.
LPC_FOLLOW_UP_DAYS = env_int("LPC_FOLLOW_UP_DAYS", 14)


# Countries.
def env_country_codes(name: str, default: list[str]) -> list[str]:
    """ISO 3166-1 alpha-2 codes, comma-separated; `none` for no country at all."""
    codes = [code.upper() for code in env_list(name, default)]
    if codes == ["NONE"]:
        return []
    unknown = [code for code in codes if code not in COUNTRIES]
    if unknown:
        raise ImproperlyConfigured(
            f"Environment variable {name}: unknown country codes {', '.join(unknown)}"
            " (ISO 3166-1 alpha-2 expected, e.g. GN)"
        )
    return codes


# The programme's main nationalities, offered first wherever a nationality is chosen.
MAIN_NATIONALITIES = env_country_codes(
    "MAIN_NATIONALITIES", ["GN", "CI", "SN", "CM", "ML", "CG", "NG", "CD", "GM", "PH", "SD"]
)
# Countries no list offers, as a deployment's official usage requires: with the Moroccan
# Ministry of the Interior, Western Sahara is not a country (django-countries' setting).
COUNTRIES_OVERRIDE = dict.fromkeys(env_country_codes("COUNTRIES_EXCLUDED", ["EH"]))

# The currencies the pages offer first for an amount, in this order (any currency in use is
# accepted): DOMAIN.md, "Money and funding".
PROGRAMME_CURRENCIES = env_currencies("PROGRAMME_CURRENCIES", ["MAD", "USD", "EUR", "XOF", "GNF"])

# The per diem handed to each traveller on departure day unless said otherwise (amount and
# ISO 4217 code): 100 USD in the programme's procedure.
PER_DIEM_DEFAULT = env_amount("PER_DIEM_DEFAULT", "100 USD")

# What a spreadsheet upload may hold (avrr/spreadsheets.py), checked before it is parsed.
# An XLSX workbook is a zip: 2 MB of it can expand a thousandfold, so what it expands to is
# bounded too. A referral file of 500 rows is about 100 KB and expands to about 1 MB.
SPREADSHEET_LIMITS = {
    "max_bytes": 2 * 1024 * 1024,
    "max_uncompressed_bytes": 50 * 1024 * 1024,
    "max_member_bytes": 20 * 1024 * 1024,
    "max_compression_ratio": 100,
    "max_members": 100,
    "max_rows": 10_000,
    "max_columns": 100,
    "max_cell_chars": 10_000,
}

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"
# In production static files are collected with hashed names; in development and tests
# they are served straight from the apps.
STATIC_FILES_COLLECTED = env_bool("STATIC_FILES_COLLECTED", not DEBUG)
WHITENOISE_USE_FINDERS = not STATIC_FILES_COLLECTED
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_FILES_COLLECTED
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# E-mail.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds before a silent mail relay counts as failed: without it a hung relay held the
# worker for the task's whole time limit. The outbox tries the e-mail again later.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "avrr@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Redis and Celery. Without REDIS_URL, tasks run in-process when they are queued.
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Results are kept only for the callers that ask for them (ignore_result=False).
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 15 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 14 * 60)
# Every task is idempotent, so a task is acknowledged only once it has run: one whose worker
# dies (a child process killed, the machine restarted) is run again rather than lost.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Redis hands an unacknowledged task to another worker after this long. It must outlast the
# longest task (else a running task starts twice) but no more: it is how long a task whose
# worker was killed outright (kill -9) waits before it runs again. Retries wait at most
# 10 minutes (Celery's retry_backoff_max), less than this.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 5 * 60}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "purge-expired-sessions": {
        "task": "avrr.tasks.purge_expired_sessions",
        "schedule": 60 * 60,
    },
    # Hands the worker again what could not be queued (Redis down) or failed (mail relay
    # down): avrr/outbox.py.
    "redeliver-outbox": {
        "task": "avrr.tasks.redeliver_outbox",
        "schedule": 60,
    },
}


def redis_cache(url: str) -> dict[str, Any]:
    """The cache in Redis. Nothing on a request path needs it to answer: sessions and
    sign-in lock-outs are in the database, and the API's rate limits count there while
    Redis is down (avrr/throttling.py). A Redis that hangs rather than refuses is given up
    on after a second."""
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }


CACHES = {
    "default": (
        redis_cache(REDIS_URL)
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# REST API.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Keys first, so that a request without credentials is answered 401.
        "avrr.api_keys.ApiKeyAuthentication",
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: the bodies nest people in a case or a referral, which forms cannot carry.
    "DEFAULT_PARSER_CLASSES": ["avrr.parsers.BoundedJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "avrr.schema.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"referrals": env_str("REFERRAL_API_RATE", "120/hour")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AVRR case management API",
    "DESCRIPTION": (
        "Assisted Voluntary Return and Reintegration: cases, referrals and programme "
        "figures. Partner NGOs' tools authenticate with their organisation's key: "
        "`Authorization: Api-Key <key>`; people signed in to the site use their session."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Request bodies as their own components: without the read-only fields, and with the
    # texts that may not be blank marked so (minLength).
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Fields of one name with different choices ("status": of a case, of a laissez-passer
    # request…) each keep a stable component name.
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "cases.models.CaseStatus",
        "LpcStatusEnum": "cases.departure.models.LpcStatus",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Security. Behind a TLS-terminating proxy in production (see docker-compose.yml).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Django's defaults, stated: no referrer to other sites (a page's address holds the search
# made on it), and no window of another site keeps a handle on ours.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): only the site's own scripts and stylesheets, no
# inline script, style or event handler, no eval (htmx's is off in templates/base.html), no
# plugin, never in a frame. Bootstrap draws its icons (select arrows, check marks, the menu
# button) as data: SVG images. The API documentation relaxes it (avrr/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# No personal data in any log, at any level (avrr/log_filters.py): the filter sits on the
# loggers whose records carry a request, a template context or SQL values, and on every
# handler, so that what is printed is clean whichever logger it came from. A handler added
# here takes the filter too.
PERSONAL_DATA_LOGGERS = (
    "django.request",
    "django.security.csrf",
    "django.template",
    "django.db.backends",
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "avrr.log_filters.PersonalDataFilter"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["personal_data"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["personal_data"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's records go to the root's handler like every other: Django's own console
        # handler (with DEBUG) printed each of them a second time. (Its mail_admins handler
        # goes too: no ADMINS are set.)
        "django": {"handlers": [], "level": "INFO"},
        # runserver's request lines, in Django's format, once. Configuring "django" resets
        # its children, so this one is configured again as Django does.
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["personal_data"],
        },
        **{name: {"filters": ["personal_data"]} for name in PERSONAL_DATA_LOGGERS},
        # WeasyPrint (PDF letters and manifests) tells each step of each rendering at INFO.
        "weasyprint": {"level": "WARNING"},
    },
}

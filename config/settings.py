"""Settings for Timeline, read from the environment.

Defaults give a working, safe local install: SQLite, DEBUG off, a secret key generated on
first run and kept in the untracked file ``.secret_key``. ``make dev`` turns DEBUG on.
Production sets DATABASE_URL, ALLOWED_HOSTS and the HTTPS settings below (the README lists
them); ``manage.py check --deploy`` is clean with them. Every value is read through the
``env_*`` helpers, which refuse a malformed value with ImproperlyConfigured.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if not (value.isascii() and value.strip().isdigit()) or int(value) < minimum:
        raise ImproperlyConfigured(
            f"{name} must be a whole number of at least {minimum}, not {value!r}"
        )
    return int(value)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_header_pair(name: str) -> tuple[str, str] | None:
    """``HTTP_X_FORWARDED_PROTO,https``: the header a trusted proxy sets, and its value."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    parts = [part.strip() for part in value.split(",")]
    if len(parts) != 2 or not parts[0].startswith("HTTP_") or not parts[1]:
        raise ImproperlyConfigured(
            f"{name} must be a header and its value, like HTTP_X_FORWARDED_PROTO,https; "
            f"not {value!r}"
        )
    return parts[0], parts[1]


CACHE_BACKENDS = {
    "db": "lib.cache.DatabaseCache",  # Django's, each write one statement
    "file": "django.core.cache.backends.filebased.FileBasedCache",
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
}


def env_cache(name: str, default: str) -> dict:
    """The cache of ``db://table`` (a table in the database; ``migrate`` creates it),
    ``file:///absolute/folder`` (files on this machine) or ``locmem://`` (one process only)."""
    value = os.environ.get(name, "").strip() or default
    scheme, sep, location = value.partition("://")
    if not sep or scheme not in CACHE_BACKENDS:
        raise ImproperlyConfigured(
            f"{name} must be db://table, file:///absolute/folder or locmem://; not {value!r}"
        )
    if scheme == "db" and not location.isidentifier():
        raise ImproperlyConfigured(f"{name}: db:// needs a table name like timeline_cache")
    if scheme == "file" and not location.startswith("/"):
        raise ImproperlyConfigured(f"{name}: file:// needs an absolute folder, file:///var/...")
    return {
        "BACKEND": CACHE_BACKENDS[scheme],
        "LOCATION": location,
        # Counts of many filters and suggestions: entries beyond this are culled (a third).
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }


def secret_key(path: Path) -> str:
    """SECRET_KEY from the environment, else from ``path``, generated there on first run."""
    if key := os.environ.get("SECRET_KEY", "").strip():
        return key
    try:
        key = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        key = ""
    if not key:
        key = get_random_secret_key()
        # Readable by its owner only; O_EXCL: two processes starting at once keep one key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text(encoding="utf-8").strip()
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(key + "\n")
    return key


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key(Path(os.environ.get("SECRET_KEY_FILE", BASE_DIR / ".secret_key")))
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# HTTPS, from the environment (off by default: `make run` serves plain HTTP on 127.0.0.1).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SECURE_PROXY_SSL_HEADER = env_header_pair("SECURE_PROXY_SSL_HEADER")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # intcomma: "57,314 events"
    "django.contrib.postgres",
    "django_htmx",
    "template_partials",
    "csp",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "accounts",
    "sources",
    "events",
    "suggestions",
]

MIDDLEWARE = [
    # A request id for every log line (X-Request-ID, or a new one), answered in the response.
    "config.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files (htmx from django-htmx included) from STATIC_ROOT, compressed, cached.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy (the CSP block below)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # An empty 405 (GET on a form's target) becomes a page saying so.
    "config.middleware.MethodNotAllowedMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Bounded work: repeated parameters, q length, body size (checked before any view runs,
    # so before CSRF reads the body); a cancelled statement becomes a 503.
    "config.middleware.LimitsMiddleware",
    # Records who made each change to events, participants and citations.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Login throttling (django-axes): after the others, as its documentation asks.
    "axes.middleware.AxesMiddleware",
    # A read whose database connection dropped mid-request runs again on a new one.
    "config.middleware.ReconnectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Django's renderer, with a NUL in a value shown again as U+FFFD (lib.forms).
FORM_RENDERER = "lib.forms.Renderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.analyst",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=60,
        # A persistent connection the database dropped is replaced before a request uses it.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several worker processes share the file (`make run`): with the write-ahead log readers
    # never wait for a writer, a transaction that writes takes its lock when it begins (no
    # reader-turned-writer deadlock, "database is locked"), and a writer waits up to 20 s
    # for another instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
# The longest a web request's SQL statement may run on PostgreSQL before it is cancelled
# (the request then answers 503). Set only in the web process (config/wsgi.py sets
# TIMELINE_WEB_PROCESS): imports and other management commands are not limited.
STATEMENT_TIMEOUT_MS = env_int("STATEMENT_TIMEOUT_MS", 10_000, minimum=1)
WEB_PARALLEL_SETUP_COST = 10_000
if os.environ.get("TIMELINE_WEB_PROCESS") and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # parallel_setup_cost: a request's statements are small (an index walk over a window of
    # dates, one page of events); PostgreSQL's default cost (1,000) had it start parallel
    # workers for some of them, which doubled their time (15 -> 30 ms) on a server busy with
    # other requests. Most large counts become serial too: at a million events on two cores
    # they were no slower (README, "seventh round").
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={STATEMENT_TIMEOUT_MS} "
        f"-c parallel_setup_cost={WEB_PARALLEL_SETUP_COST}"
    )
# The time budget of a count not cached on the timeline and actor pages (events/counts.py):
# beyond it the page shows its events and says the counts are being computed, and a thread
# computes them. Only where the statement timeout above applies (the web process, PostgreSQL);
# 0 turns it off.
COUNTS_BUDGET_MS = (
    env_int("COUNTS_BUDGET_MS", 1500) if os.environ.get("TIMELINE_WEB_PROCESS") else 0
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The list indexes' INCLUDE columns serve PostgreSQL's index-only scans; SQLite builds the same
# indexes on their key columns alone, which is all it needs. Not a problem to warn about on
# every command there.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# One cache shared by every worker process (gunicorn runs several): by default a table in the
# database (``migrate`` creates it), so a count computed by one worker serves them all and the
# counts warmed after an import (load_timeline) are there for the first visitor.
CACHES = {"default": env_cache("CACHE_URL", "db://timeline_cache")}

# Every password set through a form, the admin or a command is checked by all four.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name
# from one address, sign-in is refused (429 with a page saying when to retry) for
# AXES_COOLOFF_MINUTES. A success resets the count.
AUTHENTICATION_BACKENDS = [
    "config.auth.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.auth.locked_out"
AXES_VERBOSE = False
# Behind N trusted proxies, the client's address is the Nth from the right of X-Forwarded-For.
AXES_IPWARE_PROXY_COUNT = env_int("AXES_IPWARE_PROXY_COUNT", 0) or None
if AXES_IPWARE_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
# --- Content-Security-Policy (django-csp; frontend) -----------------------------------------
# Scripts and styles come from our own static files only: no inline <script>, <style> or
# style="" anywhere in our templates (tests/test_csp.py checks every page), no 'unsafe-inline',
# no eval (htmx runs with allowEval off). A third-party page that needs an inline block (the
# API docs' Swagger UI) gets a per-response nonce from request.csp_nonce, which django-csp adds
# to the header only on responses that used it. data: images: the favicon and Swagger UI's icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF, csp.NONCE],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.NONE],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    },
}
# --- end of the Content-Security-Policy block -------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# History records are read by their record's id (events.history), never by date alone: no
# index on history_date (each history table's index cost every save, and a bulk load a sort).
SIMPLE_HISTORY_DATE_INDEX = False

# Sign in and out with django.contrib.auth's views under /accounts/.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "timeline"
LOGOUT_REDIRECT_URL = "timeline"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # collectstatic writes compressed copies beside each file; WhiteNoise serves them.
    # (No manifest: templates and tests work without a collectstatic run.)
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Tests and `make dev` find static files where they are, without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG

# Bounded work per request (config.middleware.LimitsMiddleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB of form fields or JSON; over it: 413
MAX_REQUEST_BODY = 8 * 1024 * 1024  # any body, uploads included
MAX_PARAMETER_REPEATS = 20  # e.g. ?actor=...&actor=...: more is a 400
MAX_PARAMETER_LENGTH = 1000  # characters of one query parameter value
MAX_Q_LENGTH = 200  # characters of a search (q)
JSON_MAX_DEPTH = 32  # nesting of API request bodies

# Errors with their tracebacks go to stderr: JSON lines in production (LOG_FORMAT=json, the
# default unless DEBUG), plain text for development; each line carries the request id.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR: {LOG_LEVEL!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.middleware.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        },
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        # 5xx with tracebacks (ERROR), 4xx (WARNING); not propagated twice.
        "django": {"handlers": ["stderr"], "level": LOG_LEVEL, "propagate": False},
        "timeline": {"handlers": ["stderr"], "level": LOG_LEVEL, "propagate": False},
        "axes": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}

FIXTURES_DIR = BASE_DIR / "fixtures"

# A form without its valid CSRF token: the site's page saying what to do.
CSRF_FAILURE_VIEW = "config.views.csrf_failure"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Every API error is JSON; nested JSON deeper than JSON_MAX_DEPTH is a 400.
    "EXCEPTION_HANDLER": "events.api.errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": ["events.api.errors.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "events.api.errors.ContentNegotiation",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "events.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_PERMISSION_CLASSES": ["accounts.access.IsAnalystOrReadOnly"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so unauthenticated writes get 401 with WWW-Authenticate: Token.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Timeline API",
    "DESCRIPTION": "Russia–Myanmar events, each with the verbatim quotes that prove it.\n\n"
    'Every error is JSON: `{"field": ["what is wrong and how to fix it"]}` or '
    '`{"detail": "..."}`, for 400, 401, 403, 404, 405 (a method the address does not '
    "offer), 412, 413, 415, 500 and 503. A query parameter may be repeated at most 20 times, "
    "`q` is at most 200 characters and other values 1,000 (else 400); a body is at most 2.5 MB "
    "(else 413) and JSON nests at most 32 levels (else 400).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the drf-spectacular-sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for the date precision, whichever field uses it (events, positions).
    "ENUM_NAME_OVERRIDES": {"PrecisionEnum": "lib.dates.Precision"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "events.api.schema.closed_bodies",
    ],
}

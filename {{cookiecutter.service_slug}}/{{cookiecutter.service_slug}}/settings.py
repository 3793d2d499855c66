"""Settings shared by every environment; each value comes from an environment variable.

`environments/{local,test,ci,production}.py` import this module and change only what differs.
Pick one with DJANGO_SETTINGS_MODULE. Defaults here are safe for development; production.py
removes the defaults of everything secret and stops with a message naming what is missing.
"""

import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

import django_stubs_ext
import environ
from csp.constants import NONE, SELF

from core import error_reporting, local_broker
from core.logging import JSON_FORMATTER

# Django's generic classes (ModelAdmin[Model], ...) take type arguments at run time too.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
# The service's name and description are defined once, in pyproject.toml.
with (BASE_DIR / "pyproject.toml").open("rb") as project_file:
    project = tomllib.load(project_file)
SERVICE_NAME = project["tool"]["service"]["name"]
SERVICE_DESCRIPTION = project["project"]["description"]

env = environ.Env()

# --- Core -----------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-development-key-never-use-in-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "csp",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "{{ cookiecutter.app_slug }}",
]

MIDDLEWARE = [
    # First: answers probes and scrapes before anything reads the Host header or redirects to
    # HTTPS, and counts every other request (core/metrics.py).
    "core.health.HealthCheckMiddleware",
    "core.metrics.MetricsMiddleware",
    "core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # API requests with a token skip the browser middleware below (core/token_api.py).
    "core.token_api.TokenApiMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a sign-in refused for too many failures into its answer (core/sign_in.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "{{ cookiecutter.service_slug }}.urls"
WSGI_APPLICATION = "{{ cookiecutter.service_slug }}.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.service",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}


def tune_database(database: dict[str, Any]) -> dict[str, Any]:
    """Persistent, health-checked connections; utf8mb4 and strict mode on MySQL."""
    database["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    database["CONN_HEALTH_CHECKS"] = True
    database["ATOMIC_REQUESTS"] = False
    if database["ENGINE"] == "django.db.backends.mysql":
        options = database.setdefault("OPTIONS", {})
        options.update(
            {
                "charset": "utf8mb4",
                "collation": "utf8mb4_unicode_ci",
                "init_command": "SET sql_mode='STRICT_TRANS_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,"
                "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
                "isolation_level": "read committed",
                "connect_timeout": env.int("DATABASE_CONNECT_TIMEOUT", default=2),
            }
        )
        database["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}
    elif database["ENGINE"] == "django.db.backends.sqlite3":
        # The web server and the worker share the file (`make run`): readers never wait for the
        # writer (WAL), a writer waits its turn (busy timeout) instead of failing at once, and a
        # transaction takes the write lock as it begins, so two never deadlock upgrading a read.
        options = database.setdefault("OPTIONS", {})
        options.setdefault("timeout", env.int("SQLITE_BUSY_TIMEOUT", default=20))
        options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL")
        options.setdefault("transaction_mode", "IMMEDIATE")
    return database


tune_database(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache -----------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
# With no broker named, a folder of this checkout is the broker (core/local_broker.py): `make run`
# starts a worker and beat beside the web server, and nothing needs a server.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL) or local_broker.URL
CELERY_BROKER_FOLDER = Path(env("CELERY_BROKER_FOLDER", default=str(BASE_DIR / ".broker")))
CACHE_URL = env("CACHE_URL", default=REDIS_URL)


def redis_cache(url: str) -> dict[str, Any]:
    """The shared cache on Redis; an outage is a cache miss (core/cache.py), never a failure."""
    return {
        "BACKEND": "core.cache.FailSoftRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "{{ cookiecutter.service_slug }}",
        "OPTIONS": {
            "socket_connect_timeout": 1,
            "socket_timeout": 1,
            "retry_seconds": env.float("CACHE_RETRY_SECONDS", default=5.0),
        },
    }


if CACHE_URL:
    CACHES = {"default": redis_cache(CACHE_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tasks go through the broker to a worker; the test settings run them eagerly instead.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="{{ cookiecutter.service_slug }}")
CELERY_TASK_ACKS_LATE = True  # a task is removed from the queue only once it has finished...
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # ...and goes back if its worker dies mid-run
CELERY_WORKER_PREFETCH_MULTIPLIER = env.int("CELERY_WORKER_PREFETCH_MULTIPLIER", default=1)
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=2)
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=100)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_IGNORE_RESULT = True  # state lives in the database, not in a result backend
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=3600)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=3300)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing gives up within about a second when the broker is down: the caller decides what an
# unpublished task means (a generation run stays queued for the reaper; see docs/operations.md).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.3,
    "interval_max": 0.5,
}
# Redis re-delivers an unacknowledged task after this long: keep it above the longest task.
# Each worker looks for such tasks every CELERY_RESTORE_INTERVAL seconds (one cheap ZRANGE);
# kombu's default throttle would stretch that to ten intervals.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT * 2),
    "unacked_restore_interval": env.int("CELERY_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": 2,
}
if local_broker.is_folder_broker(CELERY_BROKER_URL):
    CELERY_BROKER_TRANSPORT_OPTIONS = local_broker.transport_options(CELERY_BROKER_FOLDER)
    # Broadcasts (remote control) would leave a file per message for every worker that ever ran.
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False

# --- Auth, i18n, static -----------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Sign-in limits (core/sign_in.py): django-axes locks a username out from one address after
# repeated failures, for the sign-in page, the admin's and the token endpoint alike; its records
# live in the database (its database handler), not in the cache.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SIGN_IN_LOCKOUT_MINUTES", default=15))
# By username and address together: a guesser cannot lock a colleague out from elsewhere; the
# sign-in throttle (per address) slows guessing across many usernames.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # failures are kept; successful sign-ins are not a record here
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_address"
AXES_LOCKOUT_CALLABLE = "core.sign_in.locked_out"
# How many proxies in front of the service append to X-Forwarded-For (production: the ALB).
# Client addresses (lockout, throttles) are read from it only as far as these proxies vouch.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

# --- Content-Security-Policy (django-csp) ------------------------------------------------------
# Scripts and styles come only from our own static files: no inline code, no `unsafe-inline`.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an anonymous request gets 401 with `WWW-Authenticate: Token` (not a 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.token_auth.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "core.pagination.BoundedPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.exceptions.api_exception_handler",
    # Costly writes (core/throttling.py), per user; a view names its scope.
    "DEFAULT_THROTTLE_RATES": {
        "runs": env("THROTTLE_RUNS", default="30/hour"),
        "uploads": env("THROTTLE_UPLOADS", default="60/hour"),
        "sign_in": env("THROTTLE_SIGN_IN", default="30/minute"),  # per client address
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# API tokens (django-rest-knox): only a SHA-512 digest is stored; each expires (core/apis.py).
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env.int("API_TOKEN_DAYS", default=30)),
    "TOKEN_LIMIT_PER_USER": env.int("API_TOKENS_PER_USER", default=10),
    "AUTO_REFRESH": False,
}
# Seconds a token's record is kept in the shared cache, and in each process's memory
# (core/token_auth.py): a token deleted other than through the API, or a user made inactive, is
# still accepted that long; one revoked through the API, by other processes for the local time.
API_TOKEN_CACHE_SECONDS = env.int("API_TOKEN_CACHE_SECONDS", default=30)  # 0: no cache at all
API_TOKEN_LOCAL_SECONDS = env.int("API_TOKEN_LOCAL_SECONDS", default=5)  # 0: no local copy
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SERVICE_NAME} API",
    "DESCRIPTION": SERVICE_DESCRIPTION,
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},  # no third-party calls
}

# --- Logging ----------------------------------------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOG_FORMAT = env("LOG_FORMAT", default="console")  # "json" in production: one object per line
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logging.RequestIdFilter"}},
    "formatters": {
        "console": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": JSON_FORMATTER,
    },
    "handlers": {
        "default": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["default"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "celery": {"level": LOG_LEVEL},
        "axes.apps": {"level": "WARNING"},  # its start-up banner, in every command's output
    },
}

# --- Metrics and error reporting ---------------------------------------------------------------
# /metrics answers a direct loopback connection, and anyone else with this bearer token.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
# Celery workers serve their metrics on 127.0.0.1:<port> (0: not at all).
CELERY_METRICS_PORT = env.int("CELERY_METRICS_PORT", default=0)
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    error_reporting.start(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("SERVICE_RELEASE", default=""),
    )

# --- The application ------------------------------------------------------------------------
# Its own settings live with its code and are read from the environment the same way.
# SERVICE_HOME_LINKS: the application's pages the Hello page links to, [(text, URL name), ...]
# (the base plumbing names no application: the application's settings fill it in).
SERVICE_HOME_LINKS: list[tuple[str, str]] = []
from {{ cookiecutter.app_slug }}.settings import *  # noqa: E402, F403

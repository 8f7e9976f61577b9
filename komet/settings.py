"""Settings, read from the environment.

Every default makes `make run` work on one machine with no servers: SQLite, a Celery
broker kept in files under var/, e-mail printed to the console and the Cargo Master
sandbox on 127.0.0.1:8025. Production overrides live in komet/production.py.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KOMET_VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str | None = None) -> str:
    """Return an environment variable; a missing required one is named, never shown."""
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the environment variable {name}.")
    return value


def env_bool(name: str, default: bool) -> bool:
    return env(name, "1" if default else "0").strip().lower() in {
        "1",
        "true",
        "yes",
        "on",
    }


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
# Public on purpose, for `make run` and tests; komet/production.py refuses it.
DEVELOPMENT_SECRET_KEY = "django-insecure-development-key-for-make-run-only"  # noqa: S105
SECRET_KEY = env("DJANGO_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "companies",
    "vendors",
    "purchase_orders",
    "integrations",
    "api",
    "imports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "companies.middleware.CurrentCompanyMiddleware",
]

ROOT_URLCONF = "komet.urls"
WSGI_APPLICATION = "komet.wsgi.application"
ASGI_APPLICATION = "komet.asgi.application"

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
                "companies.context_processors.current_company",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'komet.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; IMMEDIATE makes a
    # writer wait for the lock instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not memory, so worker processes that tests start see the test data;
    # one per test run, so two runs side by side never share it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns while it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Imports (CSV and Excel uploads) larger than this are refused with a message.
IMPORT_MAX_BYTES = int(env("IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760

MAILERS = {
    "default": {
        "BACKEND": env(
            "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
        ),
    }
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "purchasing@komet.example.com")

# Cargo Master. Passwords are encrypted with Fernet keys from CARGO_MASTER_KEYS, a
# comma-separated list, newest first: new values use the first key, and values written
# with any listed key still read, so keys rotate by prepending one.
CARGO_MASTER_KEYS = env_list("CARGO_MASTER_KEYS")
CARGO_MASTER_URLS = {
    "sandbox": env("CARGO_MASTER_SANDBOX_URL", "http://127.0.0.1:8025"),
    "production": env("CARGO_MASTER_PRODUCTION_URL", "https://api.cargomaster.example"),
}
CARGO_MASTER_CONNECT_TIMEOUT = float(env("CARGO_MASTER_CONNECT_TIMEOUT", "3.05"))
CARGO_MASTER_READ_TIMEOUT = float(env("CARGO_MASTER_READ_TIMEOUT", "10"))

# Celery. Without REDIS_URL the broker is a folder of files, so `make run` needs no
# server; with it, Redis. The database is the source of truth for reservations, so
# results are not stored anywhere.
REDIS_URL = env("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    CELERY_BROKER_TRANSPORT = "komet.broker:Transport"  # see komet/broker.py
    (VAR_DIR / "broker").mkdir(parents=True, exist_ok=True)
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {"visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", "3600"))}
    if REDIS_URL
    else {
        "data_folder_in": str(VAR_DIR / "broker"),
        "data_folder_out": str(VAR_DIR / "broker"),
        "processed_folder": str(VAR_DIR / "broker-processed"),
        "control_folder": str(VAR_DIR / "broker-control"),
        "store_processed": False,
        "polling_interval": 0.1,
    }
)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = env(
    "CELERY_BEAT_SCHEDULE_FILENAME", str(VAR_DIR / "celerybeat-schedule")
)

REST_FRAMEWORK = {
    # Token first: its 401 carries `WWW-Authenticate: Bearer`. Sessions are the
    # browser's (same roles as the pages; CSRF enforced on writes).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.access.ScopedAccess"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Komet Cargo API",
    "DESCRIPTION": (
        "Vendors, catalog, purchase orders, Cargo Master reservations and box "
        "labels of one company. Authenticate with a company API token "
        "(`Authorization: Bearer <token>`, created in Setup > Settings > "
        "Integrations > Tokens), whose scopes alone decide what it may do; or, "
        "in a browser, with your session and your role. Errors always read "
        '`{"error": {"code", "message", "fields"}}`.'
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PurchaseOrderStatusEnum": "purchase_orders.models.Status",
        "ReservationStatusEnum": "integrations.models.ReservationStatus",
        "UnitTypeEnum": "purchase_orders.models.UnitType",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # urllib3 logs request lines at DEBUG; keep it quiet so no URL with a token in
        # a query string could ever reach a log.
        "urllib3": {"level": "WARNING"},
        # 403s and 404s are answered with a page and seen in the access log; only
        # server errors deserve a traceback here.
        "django.request": {"level": "ERROR"},
    },
}

# Reservations: the retry schedule (see integrations/retry.py) and the sweep that
# re-queues due or stranded work, so a lost broker message loses nothing.
CARGO_MASTER_RETRY_BASE_SECONDS = float(env("CARGO_MASTER_RETRY_BASE_SECONDS", "2"))
CARGO_MASTER_RETRY_MAX_SECONDS = float(env("CARGO_MASTER_RETRY_MAX_SECONDS", "600"))
RESERVATION_LEASE_SECONDS = int(env("RESERVATION_LEASE_SECONDS", "60"))
# A bulk send is queued in batches; a worker makes a batch's calls side by side.
RESERVATION_BATCH_SIZE = int(env("RESERVATION_BATCH_SIZE", "50"))
CARGO_MASTER_PARALLEL_CALLS = int(env("CARGO_MASTER_PARALLEL_CALLS", "16"))
RESERVATION_STRANDED_AFTER_SECONDS = int(
    env("RESERVATION_STRANDED_AFTER_SECONDS", "120")
)
CELERY_BEAT_SCHEDULE = {
    "reservations-sweep": {
        "task": "integrations.tasks.reservations_sweep",
        "schedule": float(env("RESERVATION_SWEEP_SECONDS", "30")),
    },
}

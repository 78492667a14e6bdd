"""Settings shared by every environment; everything that varies comes from the environment.

Without ``DATABASE_URL`` the app runs on SQLite under ``var/``; without ``REDIS_URL`` the cache is
in memory and Celery tasks run in-process, so the project starts on a machine with nothing else
installed. With both set it uses PostgreSQL, Redis and real Celery workers.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url

from cfipros.logs import logging_config
from cfipros.settings.env import env_bool, env_float, env_int, env_list, env_networks, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

# Public, so only for a developer's machine and tests: production settings refuse it.
DEVELOPMENT_SECRET_KEY = "insecure-local-development-key-change-me-in-production-0123456789"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "cfipros.apps.CfiprosConfig",
    "accounts",
    "extraction",
    "studyplans",
    "axes",
]

# The request id comes first so that every answer carries it; probes are answered before host
# validation and the HTTPS redirect; CORS headers go on every API answer, refusals included; a path
# or query string with a NUL byte or bytes that are not UTF-8 is refused before any view reads it.
MIDDLEWARE = [
    "cfipros.request_id.RequestIdMiddleware",
    "cfipros.client_address.ClientAddressMiddleware",
    "cfipros.probes.ProbeMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "cfipros.api.request_guard.MalformedRequestMiddleware",
    "cfipros.body_limits.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out admin login into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cfipros.urls"
WSGI_APPLICATION = "cfipros.wsgi.application"

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
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
else:
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(VAR_DIR / "cfipros.sqlite3")}
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One Redis serves every role unless a role is given its own: the cache (evictable, may persist)
# apart from the broker and file transit (no eviction, no persistence needed). docs/deployment.md
REDIS_URL = env_str("REDIS_URL")
CACHE_REDIS_URL = env_str("CACHE_REDIS_URL") or REDIS_URL
TRANSIT_REDIS_URL = env_str("TRANSIT_REDIS_URL") or REDIS_URL
if CACHE_REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
# The admin's password login (API users sign in through Clerk) locks out after repeated failures:
# an account after AXES_FAILURE_LIMIT failures from anywhere, an address after as many on any
# accounts, each for AXES_COOLOFF_TIME; the right password is refused meanwhile. docs/security.md
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("ADMIN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ADMIN_LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.admin_login_client_ip"
# Attempts are read and lifted with the axes_* management commands, not from the admin.
AXES_ENABLE_ADMIN = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Uploaded documents are never written anywhere: they are read in memory, and a request body larger
# than its path's cap is refused before anything is read (cfipros.body_limits): 2 MB, except the
# upload endpoints, capped by the named setting plus the multipart framing.
MAX_UPLOAD_FILE_BYTES = env_int("MAX_UPLOAD_FILE_BYTES", 15 * 1024 * 1024)
MAX_BATCH_FILES = env_int("MAX_BATCH_FILES", 30)
MAX_BATCH_BYTES = env_int("MAX_BATCH_BYTES", 100 * 1024 * 1024)
MAX_REQUEST_BODY_BYTES = env_int("MAX_REQUEST_BODY_BYTES", 2 * 1024 * 1024)
UPLOAD_BODY_CAPS = {"/api/v1/extractions": "MAX_UPLOAD_FILE_BYTES", "/api/v1/batches": "MAX_BATCH_BYTES"}
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_BATCH_BYTES + 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Reports: anonymous results live 24 h; the engine's ``review`` decides which ones staff review.
# Exam ids are compared through a keyed HMAC, never in clear.
ANONYMOUS_RESULT_TTL_HOURS = env_int("ANONYMOUS_RESULT_TTL_HOURS", 24)
EXAM_ID_HASH_KEY = env_str("EXAM_ID_HASH_KEY", SECRET_KEY)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ClerkJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "cfipros.api.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    # A view that searches or orders says so with its own backends, whose parameters state their
    # values in the contract and refuse others (the catalogue's); DRF's accept anything.
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "cfipros.api.schema.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "cfipros.api.problems.problem_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_RATES": {
        "extraction_anon": env_str("THROTTLE_EXTRACTION_ANON", "10/hour"),
        "extraction_user": env_str("THROTTLE_EXTRACTION_USER", "120/hour"),
        "batch_user": env_str("THROTTLE_BATCH_USER", "20/day"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # REMOTE_ADDR already holds the client (cfipros.client_address): DRF must not read
    # X-Forwarded-For a second time.
    "NUM_PROXIES": 0,
}

# The client of a request (per-IP throttles, the admin lockout): the socket's peer unless proxies
# sit in front. Count the proxies that append to X-Forwarded-For (NUM_PROXIES), or list their
# networks (TRUSTED_PROXIES, which wins when both are set); production requires one of them.
# cfipros.client_address resolves the client once per request into REMOTE_ADDR.
NUM_PROXIES = env_int("NUM_PROXIES", 0, minimum=0)
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

SPECTACULAR_SETTINGS = {
    "TITLE": "CFIPros API",
    "DESCRIPTION": "Airman Knowledge Test Report extraction, reports, batches and study plans.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVERS": [{"url": "https://api.cfipros.com", "description": "Production"}],
    # Swagger UI and ReDoc from the installed sidecar package, served with the static files: the
    # docs pages work offline and run no third-party script.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a ``status``; each choice set gets its own component name.
    "ENUM_NAME_OVERRIDES": {
        "BatchStatusEnum": "extraction.models.Batch.Status",
        "BatchFileStatusEnum": "extraction.models.BatchFile.Status",
        "ReportStatusEnum": "extraction.models.Report.Status",
        "StudyPlanStatusEnum": "studyplans.models.StudyPlan.Status",
        "UserRoleEnum": "accounts.models.User.Role",
        "MembershipRoleEnum": "accounts.models.Membership.Role",
    },
}

# Clerk identity (RS256 session JWTs) and webhooks (Svix signatures).
CLERK_JWKS_URL = env_str("CLERK_JWKS_URL")
CLERK_ISSUER = env_str("CLERK_ISSUER")
CLERK_AUTHORIZED_PARTIES = env_list("CLERK_AUTHORIZED_PARTIES")
CLERK_WEBHOOK_SECRET = env_str("CLERK_WEBHOOK_SECRET")
CLERK_JWT_LEEWAY_SECONDS = env_int("CLERK_JWT_LEEWAY_SECONDS", 5)
CLERK_JWKS_CACHE_SECONDS = env_int("CLERK_JWKS_CACHE_SECONDS", 3600)
CLERK_JWKS_REFETCH_COOLDOWN_SECONDS = env_int("CLERK_JWKS_REFETCH_COOLDOWN_SECONDS", 300)
# Seconds past CLERK_JWKS_CACHE_SECONDS that keys are still trusted while Clerk cannot be reached.
CLERK_JWKS_MAX_STALE = env_int("CLERK_JWKS_MAX_STALE", 3600)
CLERK_WEBHOOK_TOLERANCE_SECONDS = env_int("CLERK_WEBHOOK_TOLERANCE_SECONDS", 300)

# CORS for browser front ends on other origins: bearer tokens only, so no credentials (cookies)
# are allowed, and the headers a client needs to read are exposed.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS") or CLERK_AUTHORIZED_PARTIES
CORS_ALLOW_CREDENTIALS = False
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "if-none-match",
    "x-request-id",
)
CORS_EXPOSE_HEADERS = (
    "Location",
    "Retry-After",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "Content-Disposition",
    "X-Request-ID",
    "ETag",
)
CORS_PREFLIGHT_MAX_AGE = env_int("CORS_PREFLIGHT_MAX_AGE", 3600)

# Celery: a real broker when one is named, otherwise tasks run in-process.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# Workers log through Django's LOGGING (redaction, request and task ids), not Celery's own setup.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A message a dead worker held comes back after the visibility timeout; the sweep that returns it
# runs every interval x throttle seconds (kombu's default is 10 x 10).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 120),
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 10),
}
# Periodic jobs (run ``celery -A cfipros beat``); each app's start-up registers its task modules.
CELERY_BEAT_SCHEDULE = {
    "purge-expired-results": {"task": "extraction.purge_expired_reports", "schedule": 3600.0},
    "queue-due-webhook-deliveries": {"task": "accounts.queue_due_webhook_deliveries", "schedule": 30.0},
    "purge-webhook-deliveries": {"task": "accounts.purge_webhook_deliveries", "schedule": 3600.0},
}

# National statistics (docs/statistics.md): the public tables are recomputed at most every
# STATISTICS_CACHE_SECONDS, which bounds how long a stored report takes to show in them; the
# picture behind a report's codes and a plan's priorities may be older.
STATISTICS_CACHE_SECONDS = 5
STATISTICS_PICTURE_CACHE_SECONDS = 300
# The sums of the days before today, which new reports never change, kept until a change to one
# of those days (a deletion, an opt-out, a correction) moves their version on; at most this long.
STATISTICS_PAST_CACHE_SECONDS = 600

# Batches: each file's bytes wait for a worker in Redis for at most the transit TTL. The hard time
# limit stays below the visibility timeout so a slow file is not handed to a second worker.
BATCH_TRANSIT_TTL_SECONDS = env_int("BATCH_TRANSIT_TTL_SECONDS", 1800)
# A user's files waiting in transit, in bytes: beyond it a new batch is refused (429) until
# earlier files are read, so one user cannot fill the transit Redis everyone shares.
MAX_TRANSIT_BYTES_PER_USER = env_int("MAX_TRANSIT_BYTES_PER_USER", MAX_BATCH_BYTES)
BATCH_TASK_SOFT_TIME_LIMIT = env_int("BATCH_TASK_SOFT_TIME_LIMIT", 90)
BATCH_TASK_TIME_LIMIT = env_int("BATCH_TASK_TIME_LIMIT", 110)
BATCH_TASK_MAX_RETRIES = env_int("BATCH_TASK_MAX_RETRIES", 5)
BATCH_TASK_MAX_ATTEMPTS = env_int("BATCH_TASK_MAX_ATTEMPTS", 3)
BATCH_TASK_QUEUE = env_str("BATCH_TASK_QUEUE")

# Outgoing webhooks (docs/webhooks.md). Attempts time out after WEBHOOKS_TIMEOUT_SECONDS; a failed
# one is retried after WEBHOOKS_RETRY_BASE_SECONDS * 2^(n-1), capped at WEBHOOKS_RETRY_MAX_SECONDS,
# with jitter, up to WEBHOOKS_MAX_ATTEMPTS attempts; an endpoint is disabled after
# WEBHOOKS_MAX_CONSECUTIVE_FAILURES failed attempts in a row. WEBHOOKS_ALLOW_PRIVATE (development
# and tests only) admits http and private or loopback addresses.
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", False)
WEBHOOKS_SECRET_KEY = env_str("WEBHOOKS_SECRET_KEY")
WEBHOOKS_TIMEOUT_SECONDS = env_float("WEBHOOKS_TIMEOUT_SECONDS", 5.0)
WEBHOOKS_RETRY_BASE_SECONDS = env_float("WEBHOOKS_RETRY_BASE_SECONDS", 30.0)
WEBHOOKS_RETRY_MAX_SECONDS = env_float("WEBHOOKS_RETRY_MAX_SECONDS", 3600.0)
WEBHOOKS_MAX_ATTEMPTS = env_int("WEBHOOKS_MAX_ATTEMPTS", 10, minimum=1)
WEBHOOKS_MAX_CONSECUTIVE_FAILURES = env_int("WEBHOOKS_MAX_CONSECUTIVE_FAILURES", 30, minimum=1)
WEBHOOKS_MAX_ENDPOINTS = env_int("WEBHOOKS_MAX_ENDPOINTS", 10, minimum=1)
WEBHOOKS_TASK_QUEUE = env_str("WEBHOOKS_TASK_QUEUE")
# A retry due sooner is queued with a countdown; a later one waits in the table for the sweep
# (every 30 s), since Redis would hand a message held past its visibility timeout to another worker.
WEBHOOKS_COUNTDOWN_MAX_SECONDS = env_float("WEBHOOKS_COUNTDOWN_MAX_SECONDS", 60.0)
# Finished delivery attempts are kept this long (the deliveries list and the admin), then purged.
WEBHOOKS_DELIVERY_RETENTION_DAYS = env_int("WEBHOOKS_DELIVERY_RETENTION_DAYS", 30, minimum=1)

# Optional vision-model fallback for low-confidence extractions; off unless a key is set.
OPENAI_API_KEY = env_str("OPENAI_API_KEY")
OPENAI_BASE_URL = env_str("OPENAI_BASE_URL")
OPENAI_MODEL = env_str("OPENAI_MODEL", "gpt-4o-mini")
OPENAI_TIMEOUT_SECONDS = env_float("OPENAI_TIMEOUT_SECONDS", 20.0)
OPENAI_DAILY_CALL_CAP = env_int("OPENAI_DAILY_CALL_CAP", 200)
# Each user's calls a day (anonymous uploads share one count), so no one uses up everyone's.
OPENAI_USER_DAILY_CALL_CAP = env_int("OPENAI_USER_DAILY_CALL_CAP", 20)
# Anonymous uploaders consented to nothing: their documents go to the model only when this says so.
VISION_FALLBACK_ANONYMOUS = env_bool("VISION_FALLBACK_ANONYMOUS", False)
EXTRACTION_FALLBACK_THRESHOLD = env_float("EXTRACTION_FALLBACK_THRESHOLD", 0.8)

# "json" (one object per line, for a log collector) or "plain"; see cfipros.logs.
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)

"""Test settings: the real PostgreSQL and Redis of the machine unless the environment names others."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cfipros")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")

from cfipros.settings.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CLERK_ISSUER = "https://clerk.test.cfipros.local"
CLERK_AUTHORIZED_PARTIES = ["https://app.cfipros.test"]
CORS_ALLOWED_ORIGINS = CLERK_AUTHORIZED_PARTIES
CLERK_WEBHOOK_SECRET = "whsec_dGVzdC13ZWJob29rLXNlY3JldC0wMTIzNDU2Nzg5"  # noqa: S105
# Webhook retries follow at once in tests; the schedule itself is tested on its own.
WEBHOOKS_RETRY_BASE_SECONDS = 0.0

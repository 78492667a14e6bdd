"""Production: debug off, HTTPS enforced, JSON logs, and nothing essential left to a default.

This is the default of every entry point but ``manage.py`` (WSGI, ASGI, Celery workers and beat),
so a process started without configuration refuses to start, naming what is missing, instead of
serving with the public development key.
"""

from cfipros.logs import logging_config
from cfipros.settings.base import *  # noqa: F403
from cfipros.settings.base import DEVELOPMENT_SECRET_KEY
from cfipros.settings.env import env_bool, env_float, env_int, env_list, env_str, require_env

# Behind the TLS proxy production assumes, the client's address must be found on purpose (see
# cfipros.client_address): NUM_PROXIES=0 says no proxy is in front, and is a choice too.
require_env(
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "NUM_PROXIES|TRUSTED_PROXIES",
    settings_module=__name__,
)

SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
# Exam ids are hashed with their own key when one is set, else with SECRET_KEY; never the public one.
EXAM_ID_HASH_KEY = env_str("EXAM_ID_HASH_KEY") or SECRET_KEY
if DEVELOPMENT_SECRET_KEY in (SECRET_KEY, EXAM_ID_HASH_KEY):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY or EXAM_ID_HASH_KEY is the public development key: set a secret.")

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOG_FORMAT = env_str("LOG_FORMAT", "json")
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)  # noqa: F405

SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    from cfipros.sentry import init_sentry

    init_sentry(
        SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        release=env_str("SENTRY_RELEASE"),
        traces_sample_rate=env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0),
    )

"""gunicorn settings for ``make run``, ``make serve`` and production.

``gunicorn -c gunicorn.conf.py cfipros.wsgi:application``; every value can be overridden from the
environment (docs/deployment.md) or on the command line.
"""

import os

from cfipros.logs import logging_config


def _cpu_count() -> int:
    """Cores this process may run on (a container's CPU set, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


bind = [os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")]
# One process per core: extraction (PDF parsing, OCR) is CPU-bound work inside the request, so
# more processes than cores add memory (each loads the OCR models) without adding throughput.
workers = int(os.environ.get("WEB_CONCURRENCY") or _cpu_count())
worker_class = "sync"
# An OCR'd photo may take several seconds on a busy core; a worker silent for longer is stuck.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On SIGTERM (a deploy or a scale-in) requests in flight get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# The request line is left to the application: gunicorn's own cap (4094 bytes by default, 8190 at
# most: a larger value is clamped to it) answers a longer URL with a plain-text 414 instead of the
# API's problem+json, while the API bounds what it reads from a URL itself (a search is at most
# 200 characters, else 422). 0 lifts gunicorn's cap; the proxy in front bounds the line's size
# (docs/catalogue.md, "Search").
limit_request_line = int(os.environ.get("GUNICORN_LIMIT_REQUEST_LINE", "0"))
# Recycle workers now and then, staggered, so slow growth of a long-lived process stays bounded.
# Each recycle leaves the worker's slot empty until the master's next tick (up to a second,
# measured 0.3-1.4 s), so the interval is counted in tens of thousands of requests: a worker
# answering catalogue reads at several hundred a second would otherwise be gone a second in every
# two or three (docs/performance.md, Catalogue).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "10000"))
# The application is imported once, in the master, and every worker is forked from it, so a worker
# recycled above starts at once instead of importing Django and building the ACS catalogue again
# (about 1.5 s of CPU: at catalogue-read rates, workers recycled every second or two would spend
# most of a core on it). cfipros.wsgi closes the connections it opened, so no worker inherits one.
# HUP then reloads the configuration but not the code: a deploy restarts the master.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() not in ("0", "false", "no")

# The access log leaves out query strings (%(U)s is the path alone): searches and filters stay
# out of the logs, and share tokens in paths are redacted by the log filter. The response's
# X-Request-ID becomes the line's request_id field (cfipros.logs).
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()

# gunicorn's own lines go through the project's handler: JSON in production, plain text under
# local or test settings, redacted either way.
_settings_module = os.environ.get("DJANGO_SETTINGS_MODULE", "cfipros.settings.production")
_default_format = "json" if _settings_module.endswith(".production") else "plain"
logconfig_dict = logging_config(os.environ.get("LOG_FORMAT", _default_format), loglevel.upper())

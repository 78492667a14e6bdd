"""Developer machine: debug on by default, everything else from the environment.

Chosen explicitly (``manage.py`` and ``make run`` do), it needs no configuration at all; every
other entry point defaults to production settings.
"""

from cfipros.settings.base import *  # noqa: F403
from cfipros.settings.env import env_bool, env_list

DEBUG = env_bool("DEBUG", True)

# A front end served by its own development server on any localhost port may call the API.
CORS_ALLOWED_ORIGIN_REGEXES = env_list(
    "CORS_ALLOWED_ORIGIN_REGEXES", r"^https?://(localhost|127\.0\.0\.1)(:\d+)?$"
)

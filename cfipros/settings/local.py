"""Developer machine: debug on by default, everything else from the environment."""

from cfipros.settings.base import *  # noqa: F403
from cfipros.settings.env import env_bool

DEBUG = env_bool("DEBUG", True)

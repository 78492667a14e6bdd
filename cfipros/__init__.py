"""CFIPros project package: settings, root URLs and the Celery application."""

from cfipros.celery import app as celery_app

__all__ = ("celery_app",)

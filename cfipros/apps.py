"""The project package as an app, so that Django's start-up loads the Celery application."""

from django.apps import AppConfig


class CfiprosConfig(AppConfig):
    name = "cfipros"
    verbose_name = "CFIPros"

    def ready(self) -> None:
        """Bind ``shared_task`` to the project's Celery app in every process that sets Django up.

        Importing it here rather than in ``cfipros/__init__.py`` keeps ``import cfipros`` free of
        side effects: the Celery module chooses production settings when it is the entry point.
        """
        from cfipros import celery  # noqa: F401

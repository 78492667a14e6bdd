from django.apps import AppConfig


class ExtractionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "extraction"

    def ready(self) -> None:
        """Register the signal receivers and the Celery tasks of every concern.

        Celery's autodiscovery looks for ``<app>.tasks`` only; the tasks live with their concern
        (``batches/tasks.py``, ``reports/tasks.py``), so every process that sets Django up (web,
        worker, beat) imports them here instead of through a ``CELERY_IMPORTS`` list.
        """
        from extraction import signals  # noqa: F401
        from extraction.batches import tasks as batch_tasks  # noqa: F401
        from extraction.reports import tasks as report_tasks  # noqa: F401

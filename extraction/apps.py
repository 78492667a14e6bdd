from django.apps import AppConfig


class ExtractionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "extraction"

    def ready(self) -> None:
        from extraction import signals  # noqa: F401  (registers the receivers)

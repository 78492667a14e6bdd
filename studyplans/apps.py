from django.apps import AppConfig


class StudyplansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "studyplans"

    def ready(self) -> None:
        """Register the receivers of what accounts announces (a person's export)."""
        from studyplans import signals  # noqa: F401

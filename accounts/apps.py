"""Identity: users mirrored from Clerk, organizations (flight schools) and memberships."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"

    def ready(self) -> None:
        # Registers the OpenAPI extension describing Clerk bearer authentication.
        from accounts import schema  # noqa: F401

        # The outgoing webhook task (Celery discovers only ``accounts.tasks``).
        from accounts.outgoing import tasks  # noqa: F401

        # Plans and quota records in the admin (a concern of their own, beside accounts.admin).
        from accounts.plans import admin  # noqa: F401

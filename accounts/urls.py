"""API routes of this app, mounted under /api/v1/ (no trailing slashes)."""

from django.urls import URLPattern, URLResolver, path

from accounts.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("me", views.MeView.as_view(), name="me"),
    path("me/export", views.MeExportView.as_view(), name="me-export"),
    path("webhooks/clerk", views.ClerkWebhookView.as_view(), name="clerk-webhook"),
]

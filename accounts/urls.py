"""API routes of this app, mounted under /api/v1/ (no trailing slashes)."""

from django.urls import URLPattern, URLResolver, path, re_path
from rest_framework.routers import SimpleRouter

from accounts.api import usage, views
from accounts.api.cohorts.views import CohortViewSet
from accounts.api.links.views import (
    TOKEN_PATTERN,
    InvitationAcceptView,
    InvitationDeclineView,
    InvitationViewSet,
    LinkViewSet,
)
from accounts.api.webhook_endpoints.views import WebhookEndpointViewSet

router = SimpleRouter(trailing_slash=False)
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("links", LinkViewSet, basename="link")
router.register("cohorts", CohortViewSet, basename="cohort")
router.register("webhook-endpoints", WebhookEndpointViewSet, basename="webhook-endpoint")

urlpatterns: list[URLPattern | URLResolver] = [
    path("me", views.MeView.as_view(), name="me"),
    path("me/usage", usage.MeUsageView.as_view(), name="me-usage"),
    path("me/export", views.MeExportView.as_view(), name="me-export"),
    path("webhooks/clerk", views.ClerkWebhookView.as_view(), name="clerk-webhook"),
    re_path(
        rf"^invitations/(?P<token>{TOKEN_PATTERN})/accept$",
        InvitationAcceptView.as_view(),
        name="invitation-accept",
    ),
    re_path(
        rf"^invitations/(?P<token>{TOKEN_PATTERN})/decline$",
        InvitationDeclineView.as_view(),
        name="invitation-decline",
    ),
    *router.urls,
]

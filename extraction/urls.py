"""API routes of this app, mounted under /api/v1/."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from extraction.api.catalog import AcsElementViewSet

router = SimpleRouter(trailing_slash=False)
router.register("acs-codes", AcsElementViewSet, basename="acs-code")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]

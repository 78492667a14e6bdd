"""Root URL configuration: the versioned API, its schema and docs, health probes, the admin.

The probes are answered by ``cfipros.probes.ProbeMiddleware`` before routing; they stay listed
here so that ``reverse`` and the tests' client find them.
"""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from cfipros.api import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/schema", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path(
        "api/redoc",
        SpectacularRedocView.as_view(url_name="schema", template_name="cfipros/redoc.html"),
        name="redoc",
    ),
    path("api/v1/", include("accounts.urls")),
    path("api/v1/", include("extraction.urls")),
    path("api/v1/", include("studyplans.urls")),
]

handler400 = "cfipros.api.problems.handler400"
handler403 = "cfipros.api.problems.handler403"
handler404 = "cfipros.api.problems.handler404"
handler500 = "cfipros.api.problems.handler500"

"""API routes of this app, mounted under /api/v1/."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from extraction.api.analytics.views import CohortAnalyticsView, CohortExportView
from extraction.api.batches.views import BatchViewSet
from extraction.api.catalog.views import AcsElementViewSet
from extraction.api.organizations.views import OrganizationAnalyticsView
from extraction.api.reports.views import ClaimResultView, ExtractionView, ReportViewSet, SharedResultView
from extraction.api.statistics.views import NationalCodesView, NationalExamsView

router = SimpleRouter(trailing_slash=False)
router.register("acs-codes", AcsElementViewSet, basename="acs-code")
router.register("reports", ReportViewSet, basename="report")
router.register("batches", BatchViewSet, basename="batch")

urlpatterns: list[URLPattern | URLResolver] = [
    *router.urls,
    path("cohorts/<int:pk>/analytics", CohortAnalyticsView.as_view(), name="cohort-analytics"),
    path("cohorts/<int:pk>/export", CohortExportView.as_view(), name="cohort-export"),
    path("extractions", ExtractionView.as_view(), name="extraction-create"),
    path(
        "organizations/<int:pk>/analytics", OrganizationAnalyticsView.as_view(), name="organization-analytics"
    ),
    path("results/<str:share_token>", SharedResultView.as_view(), name="result-detail"),
    path("results/<str:share_token>/claim", ClaimResultView.as_view(), name="result-claim"),
    path("stats/codes", NationalCodesView.as_view(), name="stats-codes"),
    path("stats/exams", NationalExamsView.as_view(), name="stats-exams"),
]

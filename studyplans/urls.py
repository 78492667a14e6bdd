"""API routes of this app, mounted under /api/v1/ (no trailing slashes)."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from studyplans.api.endorsements.views import ReportEndorsementView
from studyplans.api.plans.views import StudyPlanViewSet
from studyplans.api.students.views import StudentViewSet

router = SimpleRouter(trailing_slash=False)
router.register("study-plans", StudyPlanViewSet, basename="study-plan")
router.register("students", StudentViewSet, basename="student")

urlpatterns: list[URLPattern | URLResolver] = [
    *router.urls,
    path("reports/<uuid:report_id>/endorsement", ReportEndorsementView.as_view(), name="report-endorsement"),
]

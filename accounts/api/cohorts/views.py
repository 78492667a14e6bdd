"""``/api/v1/cohorts``: an instructor's or a school admin's named groups of their students."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.cohorts.serializers import CohortSerializer, CohortWriteSerializer
from accounts.cohorts import selectors, services
from accounts.models import Cohort, User
from accounts.plans.services import entitlement_check
from cfipros.api.problems import problem_response

NOT_FOUND = problem_response("The caller has no cohort with this id")
INVALID = problem_response("A field is invalid")
REFUSED = problem_response(
    "A student is not one the caller teaches (`not_your_students`), or the caller's plan has no "
    "cohorts (`plan_required`, with `required_plan`)"
)


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


@extend_schema_view(
    list=extend_schema(summary="The caller's cohorts, by name"),
    create=extend_schema(
        summary="Make a cohort of some of the caller's students",
        request=CohortWriteSerializer,
        responses={201: CohortSerializer, 403: REFUSED, 422: INVALID},
    ),
    retrieve=extend_schema(summary="One cohort", responses={200: CohortSerializer, 404: NOT_FOUND}),
    partial_update=extend_schema(
        summary="Rename a cohort or replace its students",
        request=CohortWriteSerializer(partial=True),
        responses={200: CohortSerializer, 403: REFUSED, 404: NOT_FOUND, 422: INVALID},
    ),
    destroy=extend_schema(
        summary="Delete a cohort (the students stay)",
        responses={204: OpenApiResponse(description="Deleted."), 404: NOT_FOUND},
    ),
)
@extend_schema(tags=["cohorts"])
class CohortViewSet(viewsets.GenericViewSet):
    # JSON only: a form would carry a cohort's thousand student ids as a thousand fields, past
    # Django's cap on form fields (413), though the contract allows them.
    parser_classes = [JSONParser]
    serializer_class = CohortSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list[type] = []  # no search or ordering: a fixed order, documented as such
    lookup_value_regex = "[0-9]{1,18}"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Cohort]:
        if getattr(self, "swagger_fake_view", False) or not isinstance(self.request.user, User):
            return Cohort.objects.none()
        return selectors.cohorts_of(self.request.user)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        return self.get_paginated_response(CohortSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        entitlement_check(_user(request), "cohorts")
        wanted = CohortWriteSerializer(data=request.data)
        wanted.is_valid(raise_exception=True)
        cohort = services.cohort_create(owner=_user(request), **wanted.validated_data)
        location = reverse("cohort-detail", kwargs={"pk": cohort.pk})
        return Response(
            CohortSerializer(cohort).data, status=status.HTTP_201_CREATED, headers={"Location": location}
        )

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        cohort = selectors.cohort_get(user=_user(request), cohort_id=int(pk or 0))
        return Response(CohortSerializer(cohort).data)

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        cohort = selectors.cohort_get(user=_user(request), cohort_id=int(pk or 0))
        entitlement_check(_user(request), "cohorts")
        wanted = CohortWriteSerializer(data=request.data, partial=True)
        wanted.is_valid(raise_exception=True)
        cohort = services.cohort_update(cohort=cohort, **wanted.validated_data)
        return Response(CohortSerializer(cohort).data)

    def destroy(self, request: Request, pk: str | None = None) -> Response:
        services.cohort_delete(cohort=selectors.cohort_get(user=_user(request), cohort_id=int(pk or 0)))
        return Response(status=status.HTTP_204_NO_CONTENT)

"""``/api/v1/webhook-endpoints``: where a school's or an instructor's systems hear of CFIPros events."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle

from accounts.api.webhook_endpoints.serializers import (
    WebhookDeliverySerializer,
    WebhookEndpointCreateSerializer,
    WebhookEndpointSerializer,
    WebhookEndpointUpdateSerializer,
    WebhookEndpointWithSecretSerializer,
)
from accounts.models import User, WebhookEndpoint
from accounts.outgoing import selectors, services
from cfipros.api.problems import problem_response

UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
NOT_FOUND = problem_response("The caller manages no webhook endpoint with this id")
INVALID = problem_response(
    "A field is invalid, or the URL is refused (`webhook_url_not_https`, `webhook_url_forbidden_address`, "
    "`webhook_url_unresolvable`, `webhook_url_invalid`)"
)
FORBIDDEN = problem_response(
    "The caller may not register endpoints (`webhook_role_required`, `not_organization_admin`) or their "
    "plan has no batches (`plan_required`)"
)


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


class WebhookTestThrottle(UserRateThrottle):
    """A ping is an outgoing request on the caller's behalf: a few a minute are plenty."""

    scope = "webhook_test"
    rate = "30/hour"


@extend_schema_view(
    list=extend_schema(
        summary="The webhook endpoints the caller manages (their own and their organizations')"
    ),
    create=extend_schema(
        summary="Register a webhook endpoint; the answer carries its secret, shown only this once",
        request=WebhookEndpointCreateSerializer,
        responses={201: WebhookEndpointWithSecretSerializer, 403: FORBIDDEN, 422: INVALID},
    ),
    retrieve=extend_schema(
        summary="One webhook endpoint", responses={200: WebhookEndpointSerializer, 404: NOT_FOUND}
    ),
    partial_update=extend_schema(
        summary="Change an endpoint's URL, events or description, or enable or disable it",
        request=WebhookEndpointUpdateSerializer,
        responses={200: WebhookEndpointSerializer, 404: NOT_FOUND, 422: INVALID},
    ),
    destroy=extend_schema(
        summary="Delete a webhook endpoint and its delivery history",
        responses={204: OpenApiResponse(description="Deleted."), 404: NOT_FOUND},
    ),
)
@extend_schema(tags=["webhooks"])
class WebhookEndpointViewSet(viewsets.GenericViewSet):
    parser_classes = [JSONParser]
    serializer_class = WebhookEndpointSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list[type] = []  # a fixed order, newest first
    lookup_value_regex = UUID_PATTERN
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[WebhookEndpoint]:
        if getattr(self, "swagger_fake_view", False) or not isinstance(self.request.user, User):
            return WebhookEndpoint.objects.none()
        return selectors.webhook_endpoints_managed_by(self.request.user)

    def _endpoint(self, request: Request, pk: str | None) -> WebhookEndpoint:
        return selectors.webhook_endpoint_get(user=_user(request), endpoint_id=UUID(pk))

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        return self.get_paginated_response(WebhookEndpointSerializer(page, many=True).data)

    def create(self, request: Request) -> Response:
        wanted = WebhookEndpointCreateSerializer(data=request.data)
        wanted.is_valid(raise_exception=True)
        endpoint, secret = services.webhook_endpoint_create(user=_user(request), **wanted.validated_data)
        location = reverse("webhook-endpoint-detail", kwargs={"pk": endpoint.pk})
        body = WebhookEndpointWithSecretSerializer(endpoint, context={"secret": secret}).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        return Response(WebhookEndpointSerializer(self._endpoint(request, pk)).data)

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        endpoint = self._endpoint(request, pk)
        wanted = WebhookEndpointUpdateSerializer(data=request.data, partial=True)
        wanted.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_update(endpoint=endpoint, **wanted.validated_data)
        return Response(WebhookEndpointSerializer(endpoint).data)

    def destroy(self, request: Request, pk: str | None = None) -> Response:
        services.webhook_endpoint_delete(endpoint=self._endpoint(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Replace the endpoint's secret; the answer carries the new one, shown only this once",
        request=None,
        responses={200: WebhookEndpointWithSecretSerializer, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, pk: str | None = None) -> Response:
        endpoint = self._endpoint(request, pk)
        secret = services.webhook_endpoint_rotate_secret(endpoint=endpoint)
        return Response(WebhookEndpointWithSecretSerializer(endpoint, context={"secret": secret}).data)

    @extend_schema(
        summary="Send a `ping` to the endpoint (even a disabled one); not retried",
        request=None,
        responses={
            202: WebhookDeliverySerializer,
            404: NOT_FOUND,
            429: problem_response("Too many pings this hour"),
        },
    )
    @action(detail=True, methods=["post"], throttle_classes=[WebhookTestThrottle])
    def test(self, request: Request, pk: str | None = None) -> Response:
        delivery = services.webhook_endpoint_ping(endpoint=self._endpoint(request, pk))
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Every delivery attempt to the endpoint, newest first",
        responses={200: WebhookDeliverySerializer(many=True), 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, pk: str | None = None) -> Response:
        endpoint = self._endpoint(request, pk)
        page = self.paginate_queryset(selectors.webhook_deliveries_of(endpoint))
        assert page is not None
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(
        summary="Send a delivery's message again, under the same webhook-id, from attempt 1",
        request=None,
        responses={
            202: WebhookDeliverySerializer,
            404: problem_response("No such endpoint, or no such delivery to it"),
            409: problem_response(
                "The delivery has not finished (`delivery_in_progress`) or the endpoint is disabled "
                "(`webhook_endpoint_disabled`)"
            ),
        },
    )
    @action(detail=True, methods=["post"], url_path=rf"deliveries/(?P<delivery_id>{UUID_PATTERN})/replay")
    def replay(self, request: Request, pk: str | None = None, delivery_id: str = "") -> Response:
        endpoint = self._endpoint(request, pk)
        delivery = selectors.webhook_delivery_get(endpoint=endpoint, delivery_id=UUID(delivery_id))
        replay = services.webhook_delivery_replay(delivery=delivery)
        return Response(WebhookDeliverySerializer(replay).data, status=status.HTTP_202_ACCEPTED)

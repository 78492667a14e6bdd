"""HTTP endpoints of identity: the signed-in user, and the Clerk webhook receiver."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import MeSerializer, WebhookAckSerializer
from accounts.models import User
from accounts.selectors import user_with_organizations
from accounts.webhooks.services import clerk_webhook_receive

PROBLEM = "An `application/problem+json` body."


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_retrieve",
        summary="The signed-in user and their organizations",
        responses={200: MeSerializer, 401: OpenApiResponse(description=PROBLEM)},
        tags=["identity"],
    )
    def get(self, request: Request) -> Response:
        assert isinstance(request.user, User)
        return Response(MeSerializer(user_with_organizations(request.user)).data)


class ClerkWebhookView(APIView):
    """Receives Clerk's Svix-signed deliveries; the signature is the only authentication, so no
    session (and hence no CSRF token) is involved."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="clerk_webhook",
        summary="Receive a Clerk webhook delivery (Svix-signed)",
        description=(
            "Mirrors `user.*`, `organization.*` and `organizationMembership.*` events. Requires the "
            "`svix-id`, `svix-timestamp` and `svix-signature` headers; other event types are "
            "acknowledged with `applied: false`. A delivery id already applied (a replay, or a "
            "retry whose answer was lost) is acknowledged with `duplicate: true` and applies nothing."
        ),
        request={"application/json": OpenApiTypes.OBJECT},
        responses={
            200: WebhookAckSerializer,
            401: OpenApiResponse(description="Unsigned, badly signed or stale delivery. " + PROBLEM),
            409: OpenApiResponse(description="This svix-id is still being processed. " + PROBLEM),
            422: OpenApiResponse(description="The body is not a usable Clerk event. " + PROBLEM),
            503: OpenApiResponse(description="The webhook secret is not configured. " + PROBLEM),
        },
        auth=[],
        tags=["identity"],
    )
    def post(self, request: Request) -> Response:
        receipt = clerk_webhook_receive(
            body=request.body,
            message_id=request.headers.get("svix-id"),
            timestamp=request.headers.get("svix-timestamp"),
            signature=request.headers.get("svix-signature"),
        )
        return Response(WebhookAckSerializer(receipt).data)

"""HTTP endpoints of identity: the signed-in user, their export and erasure, and the Clerk webhook
receiver."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from accounts.api.serializers import (
    MeExportSerializer,
    MeSerializer,
    MeUpdateSerializer,
    WebhookAckSerializer,
)
from accounts.exports import user_export_stream
from accounts.models import User
from accounts.selectors import user_with_organizations
from accounts.services import user_erase_self, user_statistics_preference_set
from accounts.webhooks.services import clerk_webhook_receive

PROBLEM = "An `application/problem+json` body."


class MeView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]  # a preference is a JSON boolean, never a form's "false"

    @extend_schema(
        operation_id="me_retrieve",
        summary="The signed-in user and their organizations",
        responses={200: MeSerializer, 401: OpenApiResponse(description=PROBLEM)},
        tags=["identity"],
    )
    def get(self, request: Request) -> Response:
        assert isinstance(request.user, User)
        return Response(MeSerializer(user_with_organizations(request.user)).data)

    @extend_schema(
        operation_id="me_partial_update",
        summary="Change the signed-in user's preferences",
        description=(
            "`contribute_to_statistics: false` leaves the user's reports out of the national "
            "statistics (`/api/v1/stats/...`), those already counted included; `true` counts them "
            "again. Answers the user as `GET` does."
        ),
        request=MeUpdateSerializer,
        responses={200: MeSerializer, 401: OpenApiResponse(description=PROBLEM)},
        tags=["identity"],
    )
    def patch(self, request: Request) -> Response:
        assert isinstance(request.user, User)
        body = MeUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if "contribute_to_statistics" in body.validated_data:
            user_statistics_preference_set(
                user=request.user, contribute=body.validated_data["contribute_to_statistics"]
            )
        return Response(MeSerializer(user_with_organizations(request.user)).data)

    @extend_schema(
        operation_id="me_destroy",
        summary="Erase the signed-in user's account and personal data",
        description=(
            "Deactivates the account and blanks every personal field CFIPros holds about the user: "
            "their email and names, the applicant name, FTN, applicant id, exam id and site of "
            "their reports, the names of their batch files; their memberships are removed. Results "
            "(scores, codes) and study plans stay, without identity. Tokens for the account are "
            "refused from then on. The Clerk account itself is deleted through Clerk. Staff "
            "accounts are removed by another administrator."
        ),
        responses={
            204: OpenApiResponse(description="Erased."),
            401: OpenApiResponse(description=PROBLEM),
            403: OpenApiResponse(description="A staff account. " + PROBLEM),
        },
        tags=["identity"],
    )
    def delete(self, request: Request) -> Response:
        assert isinstance(request.user, User)
        user_erase_self(user=request.user)
        return Response(status=204)


class MeExportThrottle(UserRateThrottle):
    """An export reads everything a person has; a few an hour is plenty for a person."""

    scope = "me_export"
    rate = "20/hour"


class MeExportView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [MeExportThrottle]

    @extend_schema(
        operation_id="me_export",
        summary="Everything CFIPros holds about the signed-in user, as one JSON document",
        description=(
            "The profile with its organizations, every report the user owns with its codes, every "
            "batch with its files, every study plan with its items and progress. Streamed as it is "
            "read (no pagination: the document is complete), as an attachment. Share tokens are "
            "left out: they are live links, not data about the user."
        ),
        responses={
            200: MeExportSerializer,
            401: OpenApiResponse(description=PROBLEM),
            429: OpenApiResponse(description="Too many exports this hour. " + PROBLEM),
        },
        tags=["identity"],
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        assert isinstance(request.user, User)
        response = StreamingHttpResponse(user_export_stream(request.user), content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="cfipros-export.json"'
        response["Cache-Control"] = "no-store"
        return response


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

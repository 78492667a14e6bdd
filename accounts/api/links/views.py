"""Invitations and links between instructors and students.

- ``POST|GET /api/v1/invitations``: invite, list the invitations one sent or received.
- ``POST /api/v1/invitations/{token}/accept|decline``: answer one.
- ``GET /api/v1/links``, ``DELETE /api/v1/links/{id}``: the caller's links; either side ends one.
"""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.links.serializers import InvitationCreateSerializer, InvitationSerializer, LinkSerializer
from accounts.links import selectors, services
from accounts.models import Invitation, Link, User
from cfipros.api.problems import problem_response

TOKEN_PATTERN = r"[A-Za-z0-9_-]{32,64}"  # noqa: S105  # the shape of a token, not a secret


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


@extend_schema_view(
    list=extend_schema(
        summary="Invitations the caller sent or received, newest first",
        description="Received: answered by the caller, or addressed to the caller's email.",
        responses={
            200: InvitationSerializer(many=True),
            422: problem_response("A page parameter is invalid"),
        },
    ),
    create=extend_schema(
        summary="Invite an instructor or a student",
        description=(
            "`as: instructor` invites a student (the caller must be an instructor); `as: student` "
            "invites an instructor. The invitation lasts 7 days; its token is what the other "
            "person accepts or declines."
        ),
        request=InvitationCreateSerializer,
        responses={
            201: InvitationSerializer,
            403: problem_response("`as: instructor` from an account that is not an instructor's"),
            422: problem_response("A field is invalid"),
        },
    ),
)
@extend_schema(tags=["links"])
class InvitationViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = InvitationSerializer
    permission_classes = [IsAuthenticated]
    # JSON only: a form could repeat ``email``, and DRF would quietly keep the last one.
    parser_classes = [JSONParser]
    filter_backends: list[type] = []  # no search or ordering: a fixed order, documented as such

    def get_queryset(self) -> QuerySet[Invitation]:
        if getattr(self, "swagger_fake_view", False) or not isinstance(self.request.user, User):
            return Invitation.objects.none()
        return selectors.invitations_of(self.request.user)

    def get_serializer_context(self) -> dict[str, object]:
        return {**super().get_serializer_context(), "user": self.request.user}

    def create(self, request: Request) -> Response:
        wanted = InvitationCreateSerializer(data=request.data)
        wanted.is_valid(raise_exception=True)
        invitation = services.invitation_create(
            inviter=_user(request),
            inviter_as=wanted.validated_data["inviter_as"],
            email=wanted.validated_data.get("email") or "",
        )
        body = InvitationSerializer(invitation, context={"user": request.user}).data
        return Response(body, status=status.HTTP_201_CREATED)


ANSWER_ERRORS = {
    403: problem_response("Addressed to another email, or an instructor is needed and the caller is not one"),
    404: problem_response("No invitation has this token"),
    409: problem_response("The caller's own invitation, or the two are already linked"),
    410: problem_response("The invitation has expired or was already answered"),
}


class InvitationAcceptView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="invitations_accept",
        summary="Accept an invitation: the two become linked",
        request=None,
        responses={201: LinkSerializer, **ANSWER_ERRORS},
        tags=["links"],
    )
    def post(self, request: Request, token: str) -> Response:
        link = services.invitation_accept(token=token, user=_user(request))
        return Response(LinkSerializer(link).data, status=status.HTTP_201_CREATED)


class InvitationDeclineView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="invitations_decline",
        summary="Decline an invitation",
        request=None,
        responses={200: InvitationSerializer, **ANSWER_ERRORS},
        tags=["links"],
    )
    def post(self, request: Request, token: str) -> Response:
        invitation = services.invitation_decline(token=token, user=_user(request))
        return Response(InvitationSerializer(invitation, context={"user": request.user}).data)


@extend_schema_view(
    list=extend_schema(
        summary="The caller's links, as instructor or as student, newest first",
        responses={200: LinkSerializer(many=True), 422: problem_response("A page parameter is invalid")},
    ),
    destroy=extend_schema(
        summary="End a link",
        description="Either side ends it, at once: the instructor no longer sees the student's data.",
        responses={
            204: OpenApiResponse(description="Ended."),
            404: problem_response("The caller has no link with this id"),
        },
    ),
)
@extend_schema(tags=["links"])
class LinkViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = LinkSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list[type] = []  # no search or ordering: a fixed order, documented as such
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self) -> QuerySet[Link]:
        if getattr(self, "swagger_fake_view", False) or not isinstance(self.request.user, User):
            return Link.objects.none()
        return selectors.links_of(self.request.user)

    def destroy(self, request: Request, pk: str | None = None) -> Response:
        services.link_end(link_id=int(pk or 0), user=_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

"""Representations of invitations and links."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.links.selectors import invitation_status
from accounts.models import Invitation, Link, User
from cfipros.api.fields import ClosedSerializer


def person_name(user: User) -> str:
    """What the other side of a link sees of a person: their name, else their email."""
    return user.get_full_name() or user.email or user.username


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.SerializerMethodField()
    # A user signed up without an address has an empty one, as the contract says (no format then).
    email = serializers.EmailField(read_only=True, allow_blank=True)

    def get_name(self, user: User) -> str:
        return person_name(user)


class InvitationCreateSerializer(ClosedSerializer):
    as_ = serializers.ChoiceField(
        source="inviter_as",
        choices=[Invitation.Side.INSTRUCTOR, Invitation.Side.STUDENT],
        help_text="The caller's side: `instructor` invites a student, `student` invites an instructor.",
    )
    email = serializers.EmailField(
        required=False, allow_blank=True, help_text="Only this address may answer, when given."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # ``as`` is a Python keyword: the field is declared as ``as_`` and named ``as`` on the wire.
        self.fields["as"] = self.fields.pop("as_")


class InvitationSerializer(serializers.ModelSerializer):
    """``token`` is shown to the inviter and to the addressed person only, while it can be answered."""

    status = serializers.SerializerMethodField()
    token = serializers.SerializerMethodField()
    email = serializers.EmailField(
        read_only=True, allow_blank=True, help_text="The only address that may answer; empty for anyone."
    )
    inviter = PersonSerializer(read_only=True)
    invitee = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "token",
            "inviter",
            "inviter_as",
            "email",
            "invitee",
            "status",
            "created_at",
            "expires_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=Invitation.Status.choices))
    def get_status(self, invitation: Invitation) -> str:
        return invitation_status(invitation)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_token(self, invitation: Invitation) -> str | None:
        user = self.context.get("user")
        if user is None or invitation_status(invitation) != Invitation.Status.PENDING:
            return None
        if invitation.inviter_id == user.pk or (invitation.email and invitation.email == user.email.lower()):
            return invitation.token
        return None


class LinkSerializer(serializers.ModelSerializer):
    instructor = PersonSerializer(read_only=True)
    student = PersonSerializer(read_only=True)

    class Meta:
        model = Link
        fields = ["id", "instructor", "student", "status", "created_at", "ended_at"]
        read_only_fields = fields

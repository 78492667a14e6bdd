"""Representations of the signed-in user and webhook acknowledgements."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts.models import Membership, User
from cfipros.api.fields import ClosedSerializer, StrictBooleanField


class MeOrganizationSerializer(serializers.Serializer):
    """One organization of the user, with the user's role in it (built from a Membership)."""

    id = serializers.IntegerField(source="organization.id", read_only=True)
    name = serializers.CharField(source="organization.name", read_only=True)
    role = serializers.ChoiceField(choices=Membership.Role.choices, read_only=True)


class MeSerializer(serializers.ModelSerializer):
    organizations = MeOrganizationSerializer(source="memberships", many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "clerk_id", "email", "role", "organizations", "contribute_to_statistics"]
        read_only_fields = fields
        extra_kwargs = {
            "contribute_to_statistics": {
                "help_text": "Whether the user's reports count in the national statistics (anonymously)."
            }
        }


class MeUpdateSerializer(ClosedSerializer):
    # An empty body changes nothing and is refused; the contract says so.
    request_schema_extra = {"additionalProperties": False, "minProperties": 1}

    contribute_to_statistics = StrictBooleanField(
        required=False,
        help_text="false takes the user's reports out of the national statistics, those on file "
        "included; true puts them back.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError("Send contribute_to_statistics.")
        return attrs


class WebhookAckSerializer(serializers.Serializer):
    """What a delivery did: ``applied`` is false for event types this service does not mirror and
    for a ``duplicate`` (a delivery id already applied, acknowledged so Svix stops retrying it)."""

    type = serializers.CharField()
    applied = serializers.BooleanField()
    duplicate = serializers.BooleanField()


class MeExportProfileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    clerk_id = serializers.CharField(allow_null=True)
    email = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    role = serializers.ChoiceField(choices=User.Role.choices)
    date_joined = serializers.DateTimeField()
    contribute_to_statistics = serializers.BooleanField(
        help_text="Whether the user's reports count in the national statistics."
    )
    organizations = serializers.ListField(child=serializers.DictField())
    links = serializers.ListField(
        child=serializers.DictField(), help_text="Links with instructors or students."
    )
    invitations = serializers.ListField(
        child=serializers.DictField(), help_text="Invitations sent or received, without their tokens."
    )
    cohorts = serializers.ListField(
        child=serializers.DictField(), help_text="Cohorts the user keeps as an instructor: names and sizes."
    )
    webhook_endpoints = serializers.ListField(
        child=serializers.DictField(),
        help_text="Webhook endpoints the user registered for themselves, without their secrets.",
    )


class MeExportSerializer(serializers.Serializer):
    """The shape of ``GET /api/v1/me/export`` (documentation only: the body is streamed)."""

    format = serializers.CharField(help_text="cfipros-export/1")
    exported_at = serializers.DateTimeField()
    profile = MeExportProfileSerializer()
    reports = serializers.ListField(
        child=serializers.DictField(), help_text="Every report the user owns, with its codes."
    )
    batches = serializers.ListField(
        child=serializers.DictField(), help_text="Every batch the user uploaded, with its files."
    )
    study_plans = serializers.ListField(
        child=serializers.DictField(), help_text="Every study plan the user owns, with items and progress."
    )

"""Representations of the signed-in user and webhook acknowledgements."""

from __future__ import annotations

from rest_framework import serializers

from accounts.models import Membership, User


class MeOrganizationSerializer(serializers.Serializer):
    """One organization of the user, with the user's role in it (built from a Membership)."""

    id = serializers.IntegerField(source="organization.id", read_only=True)
    name = serializers.CharField(source="organization.name", read_only=True)
    role = serializers.ChoiceField(choices=Membership.Role.choices, read_only=True)


class MeSerializer(serializers.ModelSerializer):
    organizations = MeOrganizationSerializer(source="memberships", many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "clerk_id", "email", "role", "organizations"]
        read_only_fields = fields


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

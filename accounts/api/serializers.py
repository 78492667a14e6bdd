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

"""Representations of outgoing webhook endpoints and their deliveries."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import WebhookDelivery, WebhookEndpoint
from accounts.outgoing.addresses import MAX_URL_LENGTH
from accounts.outgoing.events import EVENT_TYPES
from cfipros.api.fields import (
    ClosedSerializer,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    matches,
)

NO_NUL = matches(r"^[^\u0000]*$", "Give text without NUL characters.")
# What accounts.outgoing.addresses.url_parts reads: http(s), a host name or IPv4 address (no user
# name, no IPv6 literal), an optional port, then a path and query of the characters RFC 3986
# allows there (others percent-encoded), without a fragment.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_PORT = r"(?:[0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
_URI_CHAR = r"(?:[A-Za-z0-9\-._~:/?@!$&'()*+,;=]|%[0-9A-Fa-f]{2})"
URL_PATTERN = rf"^https?://{_LABEL}(?:\.{_LABEL})*\.?(?::{_PORT})?(?:[/?]{_URI_CHAR}*)?$"


def _url_field(**kwargs: Any) -> serializers.CharField:
    return StrictCharField(
        trim_whitespace=False,
        max_length=MAX_URL_LENGTH,
        validators=[matches(URL_PATTERN, "Give an https URL with a host name or IPv4 address.")],
        help_text="An https URL on a public address (see docs/webhooks.md).",
        **kwargs,
    )


def _events_field(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_TYPES),
        min_length=1,
        max_length=len(EVENT_TYPES),
        **kwargs,
    )


def _description_field() -> serializers.CharField:
    return StrictCharField(
        trim_whitespace=False, max_length=500, allow_blank=True, required=False, validators=[NO_NUL]
    )


class WebhookEndpointCreateSerializer(ClosedSerializer):
    url = _url_field()
    events = _events_field()
    description = _description_field()
    organization_id = StrictIntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        help_text="Register for this organization (its admins only); leave out for your own account.",
    )


class WebhookEndpointUpdateSerializer(ClosedSerializer):
    url = _url_field(required=False)
    events = _events_field(required=False)
    description = _description_field()
    enabled = StrictBooleanField(
        required=False, help_text="true enables a disabled endpoint again and clears its failure count."
    )


class WebhookEndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_TYPES))

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "events",
            "organization_id",
            "enabled",
            "disabled_at",
            "disabled_reason",
            "consecutive_failures",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    """The endpoint with its signing secret: only in the answers that make a secret."""

    secret = serializers.SerializerMethodField()

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "pattern": "^whsec_[A-Za-z0-9+/=]+$"})
    def get_secret(self, endpoint: WebhookEndpoint) -> str:
        return str(self.context["secret"])


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "message_id",
            "event_type",
            "trigger",
            "attempt",
            "status",
            "response_status",
            "latency_ms",
            "error",
            "created_at",
            "attempted_at",
            "next_retry_at",
        ]
        read_only_fields = fields

"""Admin for people, schools and memberships.

Identity fields mirrored from Clerk are read-only here (Clerk is the source of truth and the next
webhook would overwrite an edit). Related objects are picked with autocomplete widgets and loaded
with ``select_related``, so no page issues a query per row or renders every user in a drop-down.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from accounts.models import (
    Invitation,
    Link,
    LinkEvent,
    Membership,
    Organization,
    User,
    WebhookDelivery,
    WebhookEndpoint,
)
from accounts.outgoing.services import webhook_endpoint_update
from accounts.plans.selectors import organizations_with_seats, seat_use_annotated


class _MembershipInline(admin.TabularInline):
    """Memberships shown on a user or an organization. The other side is read-only (rendered from
    ``select_related``, where an editable picker would cost a query per row); memberships are
    added from the Membership page, and normally arrive from Clerk."""

    model = Membership
    extra = 0
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class UserMembershipInline(_MembershipInline):
    fk_name = "user"
    fields = ["organization", "role", "clerk_id", "created_at"]
    readonly_fields = ["organization", "clerk_id", "created_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).select_related("organization", "user")


class OrganizationMembershipInline(_MembershipInline):
    fk_name = "organization"
    fields = ["user", "role", "clerk_id", "created_at"]
    readonly_fields = ["user", "clerk_id", "created_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).select_related("user", "organization")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["email", "clerk_id", "username", "role", "is_staff", "is_active", "date_joined"]
    list_filter = ["role", "is_staff", "is_active", "is_superuser"]
    search_fields = ["email", "clerk_id", "username", "first_name", "last_name"]
    ordering = ["-date_joined"]
    readonly_fields = ["clerk_id", "deleted_at", "last_login", "date_joined", "clerk_plan"]
    inlines = [UserMembershipInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Identity", {"fields": ("clerk_id", "email", "first_name", "last_name", "role", "deleted_at")}),
        ("Plan", {"fields": ("clerk_plan", "plan_override")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "email", "role", "password1", "password2")}),
    )


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "clerk_id", "member_count", "seat_use", "created_at"]
    search_fields = ["name", "clerk_id"]
    readonly_fields = ["clerk_id", "created_at", "updated_at", "clerk_plan"]
    inlines = [OrganizationMembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organization]:
        queryset = super().get_queryset(request).annotate(member_total=Count("memberships", distinct=True))
        return organizations_with_seats(queryset)

    @admin.display(description="Members", ordering="member_total")
    def member_count(self, organization: Any) -> int:
        return int(organization.member_total)

    @admin.display(description="Seats taken")
    def seat_use(self, organization: Any) -> str:
        """Instructors and admins against the plan's seats; ``OVER`` flags a school Clerk gave more
        seats than it pays for (the webhook records them, see ``seat_take_from_clerk``)."""
        use = seat_use_annotated(organization)
        if not use.planned:
            return f"{use.taken} (no plan)"
        if use.seats is None:
            return f"{use.taken} (no limit)"
        return f"{use.taken} / {use.seats}{' OVER' if use.over else ''}"


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role"]
    list_select_related = ["user", "organization"]
    search_fields = ["user__email", "user__clerk_id", "organization__name", "organization__clerk_id"]
    autocomplete_fields = ["user", "organization"]
    readonly_fields = ["clerk_id", "created_at"]


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Invitations, links and their events change only through the API's services, each change
    audited; staff read them here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(_ReadOnlyAdmin):
    # The token is a live key to the invitation: staff never need it, so it is not shown.
    list_display = ["inviter", "inviter_as", "email", "invitee", "status", "created_at", "expires_at"]
    list_filter = ["status", "inviter_as"]
    list_select_related = ["inviter", "invitee"]
    search_fields = ["inviter__email", "invitee__email", "email"]
    exclude = ["token"]


@admin.register(Link)
class LinkAdmin(_ReadOnlyAdmin):
    list_display = ["instructor", "student", "status", "created_at", "ended_at", "ended_by"]
    list_filter = ["status"]
    list_select_related = ["instructor", "student", "ended_by"]
    search_fields = ["instructor__email", "student__email"]


@admin.register(LinkEvent)
class LinkEventAdmin(_ReadOnlyAdmin):
    """The audit log of invitations and links."""

    list_display = ["created_at", "kind", "actor", "invitation", "link"]
    list_filter = ["kind"]
    list_select_related = ["actor", "invitation__inviter", "link__instructor", "link__student"]
    search_fields = ["actor__email"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Endpoints are registered through the API (their secret is shown once, there). Staff may
    disable or enable one, through the service, which also clears its failure count; the URL is not
    editable here, so it never skips the address check."""

    list_display = ["url", "organization", "owner", "enabled", "consecutive_failures", "created_at"]
    list_filter = ["enabled"]
    list_select_related = ["organization", "owner"]
    search_fields = ["url", "organization__name", "owner__email"]
    fields = [
        "url",
        "organization",
        "owner",
        "created_by",
        "description",
        "events",
        "enabled",
        "disabled_at",
        "disabled_reason",
        "consecutive_failures",
        "created_at",
        "updated_at",
    ]
    readonly_fields = [
        "url",
        "organization",
        "owner",
        "created_by",
        "description",
        "events",
        "disabled_at",
        "disabled_reason",
        "consecutive_failures",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        enabled = bool(obj.enabled)
        obj.refresh_from_db(fields=["enabled"])
        webhook_endpoint_update(endpoint=obj, enabled=enabled)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(_ReadOnlyAdmin):
    """Every attempt, as the receiver answered it; the body holds ids and codes only."""

    list_display = [
        "created_at",
        "endpoint",
        "event_type",
        "message_id",
        "attempt",
        "status",
        "response_status",
        "latency_ms",
        "next_retry_at",
    ]
    list_filter = ["status", "event_type", "trigger"]
    list_select_related = ["endpoint"]
    search_fields = ["message_id", "endpoint__url"]

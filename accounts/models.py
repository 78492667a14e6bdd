"""Local mirror of Clerk identities; Clerk stays the source of truth for sign-in."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person. ``clerk_id`` is Clerk's ``sub``; staff created locally for the admin may have none."""

    class Role(models.TextChoices):
        STUDENT = "student", "Student"
        CFI = "cfi", "Certificated flight instructor"
        SCHOOL_ADMIN = "school_admin", "School administrator"

    clerk_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    email = models.EmailField(blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STUDENT)
    # Set when Clerk reports the user deleted: the row stays (it owns reports and plans) but is
    # deactivated and scrubbed, and later, out-of-order user events for it are ignored.
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Clerk's ``updated_at`` (ms since the epoch) of the last event applied: older deliveries,
    # which Clerk may send late or out of order, do not overwrite newer data.
    clerk_updated_at = models.BigIntegerField(null=True, blank=True, editable=False)
    # The plan code Clerk's ``public_metadata.plan`` names; ``plan_override`` (staff) wins over it.
    clerk_plan = models.CharField(max_length=32, blank=True, editable=False)
    plan_override = models.ForeignKey(
        "Plan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Whether this user's reports count in the anonymised national statistics (opt-out, not in).
    contribute_to_statistics = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.email or self.clerk_id or self.username


class Organization(models.Model):
    """A flight school or club, mirrored from a Clerk organization."""

    clerk_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    clerk_updated_at = models.BigIntegerField(null=True, blank=True, editable=False)
    clerk_plan = models.CharField(max_length=32, blank=True, editable=False)
    plan_override = models.ForeignKey(
        "Plan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role inside one organization; drives who may see whose reports and plans."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Administrator"
        INSTRUCTOR = "instructor", "Instructor"
        STUDENT = "student", "Student"
        # A Clerk role we do not know: such a member neither sees the school's students nor is seen.
        OTHER = "other", "Other (no access)"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STUDENT)
    clerk_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    clerk_updated_at = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="unique_membership"),
        ]
        indexes = [models.Index(fields=["organization", "role"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.role})"


class ClerkTombstone(models.Model):
    """What remains of an organization or membership deleted in Clerk, so a late event cannot revive it.

    Clerk retries and reorders deliveries: an ``organizationMembership.updated`` may arrive after the
    ``.deleted``. The row itself is deleted (so nothing that reads memberships has to skip dead ones)
    and this record keeps its Clerk id, when it went and the ``updated_at`` the deletion carried; an
    event for that id is applied only if it is newer. Users need none: their row stays, with
    ``deleted_at``.
    """

    class Kind(models.TextChoices):
        ORGANIZATION = "organization", "Organization"
        MEMBERSHIP = "membership", "Membership"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    clerk_id = models.CharField(max_length=64)
    deleted_at = models.DateTimeField()
    # Clerk's ``updated_at`` (ms since the epoch) in the deletion event; null when it carried none,
    # and then no later event for this id is newer.
    clerk_updated_at = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "clerk_id"], name="unique_clerk_tombstone")]

    def __str__(self) -> str:
        return f"deleted {self.kind} {self.clerk_id}"


class Invitation(models.Model):
    """An offer to link an instructor and a student, reached by its token; the other side answers it.

    ``inviter_as`` says which side the inviter takes: an instructor invites a student, or a student
    invites an instructor. ``email``, when given, is the only address that may answer. A pending
    invitation past ``expires_at`` reads as expired; no job has to flip it.
    """

    class Side(models.TextChoices):
        INSTRUCTOR = "instructor", "Instructor"
        STUDENT = "student", "Student"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Expired"

    token = models.CharField(max_length=64, unique=True)
    inviter = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations_sent")
    inviter_as = models.CharField(max_length=16, choices=Side.choices)
    email = models.EmailField(blank=True)
    invitee = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations_answered"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["inviter", "-created_at"]), models.Index(fields=["email"])]

    def __str__(self) -> str:
        return f"invitation from {self.inviter} as {self.inviter_as} ({self.status})"


class Link(models.Model):
    """An instructor's read access to a student's reports, plans and endorsement drafts.

    Made by accepting an invitation, ended by either side; an ended link stays as history.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    instructor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="student_links")
    student = models.ForeignKey(User, on_delete=models.CASCADE, related_name="instructor_links")
    invitation = models.ForeignKey(Invitation, on_delete=models.SET_NULL, null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["instructor", "student"],
                condition=models.Q(status="active"),
                name="unique_active_link",
            ),
        ]
        indexes = [models.Index(fields=["instructor", "status"]), models.Index(fields=["student", "status"])]

    def __str__(self) -> str:
        return f"{self.instructor} teaches {self.student} ({self.status})"


class LinkEvent(models.Model):
    """The audit trail of invitations and links: who did what, when. Written by the services only."""

    class Kind(models.TextChoices):
        INVITED = "invited", "Invited"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        ENDED = "ended", "Link ended"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    invitation = models.ForeignKey(Invitation, on_delete=models.SET_NULL, null=True, related_name="events")
    link = models.ForeignKey(Link, on_delete=models.SET_NULL, null=True, related_name="events")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} by {self.actor} at {self.created_at:%Y-%m-%d %H:%M}"


class Cohort(models.Model):
    """A class an instructor or a school admin follows as one: a name and some of their students.

    Only students the owner still teaches (``accounts.links.selectors.students_of``) count in a
    cohort's figures; a student whose link ended drops out of them without being removed here.
    """

    name = models.CharField(max_length=200)
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="cohorts")
    students = models.ManyToManyField(User, related_name="cohort_memberships", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["owner", "name"])]

    def __str__(self) -> str:
        return self.name


class Plan(models.Model):
    """A tier and its limits, as data: operators (and tests) change a limit here, never in code.

    An empty limit is no limit. ``rank`` orders the plans, so a member of an organization gets the
    better of their own plan and the organization's, and a refusal can name the cheapest plan that
    would allow the request.
    """

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=100)
    rank = models.PositiveSmallIntegerField(unique=True, help_text="Higher is better.")
    extractions_per_day = models.PositiveIntegerField(null=True, blank=True)
    saved_reports_per_month = models.PositiveIntegerField(null=True, blank=True)
    files_per_batch = models.PositiveIntegerField(default=0)
    batched_documents_per_month = models.PositiveIntegerField(null=True, blank=True)
    seats = models.PositiveIntegerField(
        null=True, blank=True, help_text="Instructor seats of an organization."
    )
    feature_batch = models.BooleanField("batch access", default=False)
    feature_cohorts = models.BooleanField("cohort dashboard", default=False)
    feature_exports = models.BooleanField("exports", default=False)
    feature_analytics = models.BooleanField("analytics", default=False)

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name


class QuotaUsage(models.Model):
    """How much of a counter a subject used in one period: the record behind the Redis counters.

    ``subject`` is ``user:<pk>`` or ``ip:<hash of the client network>`` (no address is stored).
    """

    subject = models.CharField(max_length=80)
    counter = models.CharField(max_length=32)
    period_start = models.DateField()
    used = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject", "counter", "period_start"], name="unique_quota_usage"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.counter} {self.period_start}: {self.used}"


class WebhookEndpoint(models.Model):
    """A school's or an instructor's HTTPS receiver of CFIPros events (Standard Webhooks).

    Owned by exactly one of an organization (managed by its admins) or a user (themselves). The
    signing secret is stored encrypted (``accounts.outgoing.signing``) and shown only when made.
    ``consecutive_failures`` counts failed attempts since the last success; past
    ``WEBHOOKS_MAX_CONSECUTIVE_FAILURES`` the endpoint is disabled until its owner enables it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=500, blank=True)
    events = models.JSONField(default=list)
    secret_encrypted = models.TextField(editable=False)
    enabled = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organization__isnull=True, owner__isnull=False)
                | models.Q(organization__isnull=False, owner__isnull=True),
                name="webhook_endpoint_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One attempt to deliver one message to one endpoint.

    A message (``message_id``, the ``webhook-id`` header, and its ``body``) is retried as new rows
    with the next ``attempt`` number, so the list of an endpoint's deliveries shows every try; a
    replay starts again from attempt 1 under the same message id, so a receiver can de-duplicate.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class Trigger(models.TextChoices):
        EVENT = "event", "Event"
        RETRY = "retry", "Retry"
        REPLAY = "replay", "Replay"
        TEST = "test", "Test ping"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    message_id = models.CharField(max_length=40)
    event_type = models.CharField(max_length=40)
    body = models.TextField()
    trigger = models.CharField(max_length=8, choices=Trigger.choices, default=Trigger.EVENT)
    attempt = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    attempted_at = models.DateTimeField(null=True, blank=True)
    next_retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-attempt"]
        indexes = [
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_endpoint"),
            models.Index(fields=["message_id"], name="webhook_delivery_message"),
        ]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event_type} {self.message_id} attempt {self.attempt} ({self.status})"

"""Writes on invitations and links; each one leaves a ``LinkEvent`` behind it.

The instructor side of a link must be an instructor (a CFI or a school administrator): a link
opens a student's whole history to them, so it is never made with a fellow student.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone

from accounts.models import Invitation, Link, LinkEvent, User
from cfipros.errors import Conflict, Forbidden, Gone, NotFound

INVITATION_LIFETIME = dt.timedelta(days=7)
# 32 random bytes: 43 url-safe characters.
TOKEN_BYTES = 32
INSTRUCTOR_ROLES = frozenset({User.Role.CFI, User.Role.SCHOOL_ADMIN})


def user_is_instructor(user: User) -> bool:
    return user.role in INSTRUCTOR_ROLES


def _require_instructor(user: User, detail: str) -> None:
    if not user_is_instructor(user):
        raise Forbidden(detail, code="not_an_instructor")


def invitation_create(*, inviter: User, inviter_as: str, email: str = "") -> Invitation:
    """A pending invitation from ``inviter``, valid seven days; the token is the only key to it."""
    if inviter_as == Invitation.Side.INSTRUCTOR:
        _require_instructor(inviter, "Only an instructor invites a student as their instructor.")
    with transaction.atomic():
        invitation = Invitation.objects.create(
            token=secrets.token_urlsafe(TOKEN_BYTES),
            inviter=inviter,
            inviter_as=inviter_as,
            email=email.strip().lower(),
            expires_at=timezone.now() + INVITATION_LIFETIME,
        )
        LinkEvent.objects.create(kind=LinkEvent.Kind.INVITED, actor=inviter, invitation=invitation)
    return invitation


def _pending_for(*, token: str, user: User) -> Invitation:
    """The invitation ``user`` may answer, locked; raises on one's own, a used or an expired one."""
    invitation = Invitation.objects.select_for_update().select_related("inviter").filter(token=token).first()
    if invitation is None:
        raise NotFound("No invitation has this token.", code="invitation_not_found")
    if invitation.inviter_id == user.pk:
        raise Conflict(
            "This is your own invitation; the person you invite answers it.", code="own_invitation"
        )
    if invitation.status != Invitation.Status.PENDING:
        raise Gone(f"This invitation was already {invitation.status}.", code="invitation_used")
    if invitation.expires_at <= timezone.now():
        raise Gone("This invitation has expired; ask for a new one.", code="invitation_expired")
    if invitation.email and invitation.email != (user.email or "").strip().lower():
        raise Forbidden("This invitation was sent to another address.", code="invitation_addressed_elsewhere")
    return invitation


def invitation_accept(*, token: str, user: User) -> Link:
    """Accept the invitation behind ``token``: an active link between inviter and ``user``."""
    with transaction.atomic():
        invitation = _pending_for(token=token, user=user)
        if invitation.inviter_as == Invitation.Side.INSTRUCTOR:
            instructor, student = invitation.inviter, user
        else:
            _require_instructor(user, "This invitation asks for an instructor; your account is not one.")
            instructor, student = user, invitation.inviter
        if Link.objects.filter(instructor=instructor, student=student, status=Link.Status.ACTIVE).exists():
            raise Conflict("You are already linked.", code="already_linked")
        now = timezone.now()
        invitation.status = Invitation.Status.ACCEPTED
        invitation.invitee = user
        invitation.answered_at = now
        invitation.save(update_fields=["status", "invitee", "answered_at"])
        link = Link.objects.create(instructor=instructor, student=student, invitation=invitation)
        LinkEvent.objects.create(kind=LinkEvent.Kind.ACCEPTED, actor=user, invitation=invitation, link=link)
    return link


def invitation_decline(*, token: str, user: User) -> Invitation:
    with transaction.atomic():
        invitation = _pending_for(token=token, user=user)
        invitation.status = Invitation.Status.DECLINED
        invitation.invitee = user
        invitation.answered_at = timezone.now()
        invitation.save(update_fields=["status", "invitee", "answered_at"])
        LinkEvent.objects.create(kind=LinkEvent.Kind.DECLINED, actor=user, invitation=invitation)
    return invitation


def link_end(*, link_id: int, user: User) -> Link:
    """End a link ``user`` is a side of, at once; ending an ended link changes nothing."""
    with transaction.atomic():
        link = Link.objects.select_for_update().filter(pk=link_id).first()
        if link is None or user.pk not in (link.instructor_id, link.student_id):
            raise NotFound("You have no link with this id.", code="link_not_found")
        if link.status == Link.Status.ACTIVE:
            link.status = Link.Status.ENDED
            link.ended_at = timezone.now()
            link.ended_by = user
            link.save(update_fields=["status", "ended_at", "ended_by"])
            LinkEvent.objects.create(kind=LinkEvent.Kind.ENDED, actor=user, link=link)
    return link

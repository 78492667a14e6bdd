"""A person's data as one JSON document, streamed: their profile, then what each app holds.

Accounts is the lowest app and knows nothing of reports or plans, so the sections come from the
receivers of ``user_export_requested`` (extraction: reports, batches; studyplans: study plans),
in the order the apps are installed. Each section's rows are produced lazily, a chunk of rows per
query, so an export costs a fixed number of queries per chunk whatever its size and never holds
the whole document in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count
from django.utils import timezone

from accounts.links.selectors import invitation_status, invitations_of, links_of
from accounts.models import User, WebhookEndpoint
from accounts.selectors import user_with_organizations
from accounts.signals import user_export_requested

EXPORT_FORMAT = "cfipros-export/1"
# Rows are joined into pieces of about this many characters before they are sent.
PIECE_CHARS = 64 * 1024


@dataclass(frozen=True)
class ExportSection:
    """One top-level key of the export: ``name`` and a lazy iterable of JSON-ready rows."""

    name: str
    rows: Iterable[dict[str, Any]]


def user_export_profile(user: User) -> dict[str, Any]:
    """What the account itself holds about the person: their organizations, their links with
    instructors or students, the invitations they sent or received (without tokens, which are
    live keys), the cohorts they keep as an instructor (names and sizes), and the webhook
    endpoints they registered for themselves (without secrets)."""
    user = user_with_organizations(user)
    return {
        "id": user.pk,
        "clerk_id": user.clerk_id,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
        "date_joined": user.date_joined,
        "contribute_to_statistics": user.contribute_to_statistics,
        "organizations": [
            {"id": m.organization_id, "name": m.organization.name, "role": m.role, "since": m.created_at}
            for m in user.memberships.all()
        ],
        "links": [
            {
                "id": link.pk,
                "instructor": link.instructor.email or link.instructor.username,
                "student": link.student.email or link.student.username,
                "status": link.status,
                "created_at": link.created_at,
                "ended_at": link.ended_at,
            }
            for link in links_of(user)
        ],
        "invitations": [
            {
                "id": invitation.pk,
                "sent_by_you": invitation.inviter_id == user.pk,
                "inviter_as": invitation.inviter_as,
                "email": invitation.email,
                "status": invitation_status(invitation),
                "created_at": invitation.created_at,
                "expires_at": invitation.expires_at,
            }
            for invitation in invitations_of(user)
        ],
        "cohorts": [
            {
                "id": cohort.pk,
                "name": cohort.name,
                "students": cohort.student_count,
                "created_at": cohort.created_at,
            }
            for cohort in user.cohorts.annotate(student_count=Count("students")).order_by("created_at", "pk")
        ],
        "webhook_endpoints": [
            {
                "id": endpoint.pk,
                "url": endpoint.url,
                "description": endpoint.description,
                "events": endpoint.events,
                "enabled": endpoint.enabled,
                "created_at": endpoint.created_at,
            }
            for endpoint in WebhookEndpoint.objects.filter(owner=user).order_by("created_at", "pk")
        ],
    }


def user_export_sections(user: User) -> list[ExportSection]:
    """The sections the apps contribute, in the order the apps are installed."""
    sections: list[ExportSection] = []
    for receiver, answer in user_export_requested.send(sender=User, user=user):
        answers: Any = answer
        for section in answers if isinstance(answers, list) else [answers]:
            if not isinstance(section, ExportSection):
                raise TypeError(f"{receiver!r} answered {section!r}, not an ExportSection")
            sections.append(section)
    return sections


def _encode(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


def user_export_stream(user: User) -> Iterator[str]:
    """The export of ``user`` as pieces of one JSON object, produced as they are read."""
    head = {"format": EXPORT_FORMAT, "exported_at": timezone.now(), "profile": user_export_profile(user)}
    buffer = [_encode(head)[:-1]]
    size = len(buffer[0])
    for section in user_export_sections(user):
        buffer.append(f", {_encode(section.name)}: [")
        for index, row in enumerate(section.rows):
            piece = ("" if index == 0 else ", ") + _encode(row)
            buffer.append(piece)
            size += len(piece)
            if size >= PIECE_CHARS:
                yield "".join(buffer)
                buffer, size = [], 0
        buffer.append("]")
    buffer.append("}")
    yield "".join(buffer)

"""Accepting a batch: the limits, the rows, the bytes in transit and one queued task per file.

Intake is the first step of a batch's one-way flow, intake -> :mod:`~extraction.batches.tasks`
-> :mod:`~extraction.batches.processing`: it queues tasks and records a file that cannot be
queued as failed, and never processes a file itself.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from accounts.models import User
from cfipros.errors import Invalid, QuotaExceeded, TooLarge, Unavailable
from extraction.batches import processing, tasks, transit
from extraction.models import Batch, BatchFile

logger = logging.getLogger(__name__)

NAME_MAX_LENGTH = 255


@dataclass(frozen=True, slots=True)
class IncomingFile:
    """One uploaded file; ``data`` may be a view of the request's own buffer (nothing is copied)."""

    name: str
    data: transit.Payload


def batch_check_limits(sizes: Sequence[int]) -> None:
    """Refuse anything but 1..MAX_BATCH_FILES files within the per-file and total caps.

    Raises :class:`~cfipros.errors.Invalid` for the count, :class:`~cfipros.errors.TooLarge` for a size.
    """
    max_files = int(settings.MAX_BATCH_FILES)
    max_file = int(settings.MAX_UPLOAD_FILE_BYTES)
    max_total = int(settings.MAX_BATCH_BYTES)
    if not sizes:
        raise Invalid(f"Send between 1 and {max_files} files in the field `files`.", code="no_files")
    if len(sizes) > max_files:
        raise Invalid(
            f"A batch holds at most {max_files} files; {len(sizes)} were sent.", code="too_many_files"
        )
    oversized = [index for index, size in enumerate(sizes) if size > max_file]
    if oversized:
        raise TooLarge(
            f"File {oversized[0] + 1} is larger than {max_file // (1024 * 1024)} MB.", code="file_too_large"
        )
    if sum(sizes) > max_total:
        raise TooLarge(
            f"The files add up to more than {max_total // (1024 * 1024)} MB.", code="batch_too_large"
        )


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]+")


def batch_file_clean_name(raw: str, position: int) -> str:
    """The last path segment of a client-supplied name, printable and at most 255 characters."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub("", name).strip()
    if len(name) > NAME_MAX_LENGTH:
        _stem, dot, ext = name.rpartition(".")
        keep = ext if dot and len(ext) <= 10 else ""
        name = name[: NAME_MAX_LENGTH - len(keep) - 1] + "." + keep if keep else name[:NAME_MAX_LENGTH]
    return name or f"file-{position + 1}"


# Retry-After of a refusal for bytes in flight: files take seconds to minutes each.
TRANSIT_QUOTA_RETRY_SECONDS = 60


def transit_bytes_in_flight(owner: User) -> int:
    """Bytes of ``owner``'s files that wait in transit: no outcome yet, younger than the TTL."""
    since = timezone.now() - timedelta(seconds=int(settings.BATCH_TRANSIT_TTL_SECONDS))
    waiting = BatchFile.objects.filter(
        batch__owner=owner,
        status__in=(BatchFile.Status.PENDING, BatchFile.Status.PROCESSING),
        created_at__gt=since,
    )
    return int(waiting.aggregate(total=Sum("size"))["total"] or 0)


def batch_check_in_flight(*, owner: User, incoming: int) -> None:
    """Refuse a batch that would take ``owner`` past ``MAX_TRANSIT_BYTES_PER_USER`` in transit.

    The transit Redis is shared by everyone; one user's uploads must not fill it. Call inside the
    transaction that creates the batch, after locking the owner, so two uploads cannot both fit.
    """
    cap = int(settings.MAX_TRANSIT_BYTES_PER_USER)
    if transit_bytes_in_flight(owner) + incoming > cap:
        raise QuotaExceeded(
            f"Your files waiting to be read would exceed {cap // (1024 * 1024)} MB; send this batch "
            "once earlier ones have been processed.",
            code="transit_quota",
            retry_after=TRANSIT_QUOTA_RETRY_SECONDS,
        )


def batch_create(*, owner: User, files: Sequence[IncomingFile]) -> Batch:
    """Accept a batch: rows for the batch and its files, bytes to transit, one task per file.

    Tasks are queued only after the rows are committed, so a worker never looks for a file
    that is not there yet; the bytes are in transit before the commit for the same reason.
    Raises :class:`~cfipros.errors.QuotaExceeded` when the owner has too many bytes in flight.
    """
    batch_check_limits([len(f.data) for f in files])
    with transaction.atomic():
        # One intake at a time per owner, so two uploads cannot both fit under the cap.
        User.objects.select_for_update().only("pk").get(pk=owner.pk)
        batch_check_in_flight(owner=owner, incoming=sum(len(f.data) for f in files))
        batch = Batch.objects.create(owner=owner, total_files=len(files))
        rows = BatchFile.objects.bulk_create(
            BatchFile(batch=batch, position=i, name=batch_file_clean_name(f.name, i), size=len(f.data))
            for i, f in enumerate(files)
        )
        payloads = {row.id: f.data for row, f in zip(rows, files, strict=True)}
        try:
            transit.put_many(payloads)
        except Exception as exc:
            transit.discard_quietly(list(payloads))
            raise Unavailable(
                "Batches cannot be accepted right now; try again shortly.", code="queue_unavailable"
            ) from exc
        # Largest first: big files are the scans and photos that need OCR, and starting them
        # early keeps one worker from finishing a long file alone at the end of the batch.
        largest_first = sorted(rows, key=lambda row: (-row.size, row.position))
        transaction.on_commit(partial(batch_files_dispatch, [row.id for row in largest_first]))
    logger.info("batch %s accepted with %d files", batch.pk, len(files))
    return batch


def batch_files_dispatch(file_ids: Sequence[UUID]) -> None:
    """Queue one task per file; a file whose task cannot be queued fails rather than waits forever."""
    queue = settings.BATCH_TASK_QUEUE or None
    for file_id in file_ids:
        try:
            tasks.process_batch_file.apply_async(args=[str(file_id)], queue=queue)
        except BrokerError:
            logger.exception("could not queue batch file %s", file_id)
            processing.batch_file_fail(
                file_id,
                processing.QUEUE_UNAVAILABLE,
                "The file could not be queued for processing; upload it again.",
            )

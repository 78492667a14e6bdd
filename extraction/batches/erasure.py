"""What an erased person's batches keep: their results and counts, not the names of the files.

Batch files are often named after the applicant (``doe-jane.pdf``), so erasure blanks every name,
and the bytes of files not yet processed leave transit at once instead of waiting for their TTL;
their tasks then fail as expired and store nothing.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction

from accounts.models import User
from extraction.batches import transit
from extraction.models import BatchFile


def batch_files_erase_personal(*, owner: User) -> int:
    """Blank the names of ``owner``'s batch files and drop the bytes of unfinished ones; returns
    how many names changed."""
    files = BatchFile.objects.filter(batch__owner=owner)
    unfinished = list(
        files.exclude(status__in=[BatchFile.Status.SUCCEEDED, BatchFile.Status.FAILED]).values_list(
            "pk", flat=True
        )
    )
    if unfinished:
        transaction.on_commit(partial(transit.discard_quietly, unfinished))
    return files.exclude(name="").update(name="")

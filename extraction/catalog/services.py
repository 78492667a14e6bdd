"""Writes to the ACS catalogue besides the file loader: a staff correction, and the version stamp.

Every write to the elements ends with :func:`acs_catalog_version_bump`: catalogue answers carry an
ETag and are cached under the stamp, so a write that skipped it would be served stale.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from cfipros.errors import Invalid
from extraction.catalog.selectors import acs_catalog_version_forget
from extraction.models import AcsCatalogVersion, AcsElement

# The texts staff may correct; the code and the parts derived from it are the loader's alone.
EDITABLE_FIELDS: tuple[str, ...] = ("area_title", "task_title", "description", "topic", "exam_codes")


def acs_catalog_version_bump() -> str:
    """A new stamp for the catalogue, written in the caller's transaction; returns it."""
    stamp = secrets.token_hex(8)
    AcsCatalogVersion.objects.update_or_create(pk=1, defaults={"stamp": stamp})
    acs_catalog_version_forget()
    transaction.on_commit(acs_catalog_version_forget)
    return stamp


@transaction.atomic
def acs_element_update(*, element: AcsElement, data: Mapping[str, Any]) -> AcsElement:
    """Correct an element's texts (not its code), and bump the catalogue's version if one changed.

    Compared with the stored row, not with ``element``, which a form may already have changed.
    """
    unknown = sorted(set(data) - set(EDITABLE_FIELDS))
    if unknown:
        raise Invalid(f"Not an editable catalogue field: {', '.join(unknown)}.", code="invalid_field")
    stored = AcsElement.objects.select_for_update().values(*EDITABLE_FIELDS).get(pk=element.pk)
    changed = [name for name, value in data.items() if stored[name] != value]
    for name, value in data.items():
        setattr(element, name, value)
    if changed:
        element.save(update_fields=changed)
        acs_catalog_version_bump()
    return element

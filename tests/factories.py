"""Catalogue rows for tests that need a few elements rather than the whole shipped catalogue.

The parts of an element that follow from its code (prefix, area, task, type, number, letter) are
taken from the code with the loader's own grammar, so a test names only what it cares about.
"""

from __future__ import annotations

from extraction.catalog.loader import DOCUMENT_TITLES
from extraction.engine.grammar import ACS_CODE_RE
from extraction.models import AcsDocument, AcsElement


def acs_element(
    code: str,
    *,
    area_title: str,
    task_title: str,
    description: str,
    document: AcsDocument | None = None,
    exam_codes: list[str] | None = None,
) -> AcsElement:
    """Store one element, in its prefix's document (created when missing)."""
    match = ACS_CODE_RE.match(code)
    assert match is not None, f"not an ACS code: {code}"
    prefix = match["prefix"]
    if document is None:
        document, _ = AcsDocument.objects.get_or_create(
            prefix=prefix, defaults={"title": DOCUMENT_TITLES[prefix]}
        )
    return AcsElement.objects.create(
        document=document,
        code=code,
        prefix=prefix,
        area=match["area"],
        area_title=area_title,
        task=match["task"],
        task_title=task_title,
        element_type=match["type"],
        number=int(match["number"]),
        sub_letter=match["sub"],
        description=description,
        exam_codes=exam_codes or [],
    )

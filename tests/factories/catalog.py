"""Catalogue rows for tests that need a few elements rather than the whole shipped catalogue.

The parts of an element that follow from its code (prefix, area, task, type, number, letter) are
taken from the code with the loader's own grammar, so a test names only what it cares about.
"""

from __future__ import annotations

import re
from typing import Any

import factory
from factory.django import DjangoModelFactory

from extraction.catalog.loader import DOCUMENT_TITLES
from extraction.engine.grammar import ACS_CODE_RE
from extraction.models import AcsDocument, AcsElement


def _parts(code: str) -> re.Match[str]:
    match = ACS_CODE_RE.match(code)
    assert match is not None, f"not an ACS code: {code}"
    return match


def _document(element: Any) -> AcsDocument:
    prefix = _parts(element.code)["prefix"]
    document, _ = AcsDocument.objects.get_or_create(
        prefix=prefix, defaults={"title": DOCUMENT_TITLES[prefix]}
    )
    return document


class AcsElementFactory(DjangoModelFactory[AcsElement]):
    """One element, stored in its prefix's document (created when missing)."""

    class Meta:
        model = AcsElement

    code = "PA.I.A.K1"
    document = factory.LazyAttribute(_document)
    prefix = factory.LazyAttribute(lambda e: _parts(e.code)["prefix"])
    area = factory.LazyAttribute(lambda e: _parts(e.code)["area"])
    area_title = factory.LazyAttribute(lambda e: f"Area {e.area}")
    task = factory.LazyAttribute(lambda e: _parts(e.code)["task"])
    task_title = factory.LazyAttribute(lambda e: f"Task {e.task}")
    element_type = factory.LazyAttribute(lambda e: _parts(e.code)["type"])
    number = factory.LazyAttribute(lambda e: int(_parts(e.code)["number"]))
    sub_letter = factory.LazyAttribute(lambda e: _parts(e.code)["sub"])
    description = factory.LazyAttribute(lambda e: f"Description of {e.code}.")
    exam_codes = factory.LazyFunction(list)


def acs_element(
    code: str,
    *,
    area_title: str,
    task_title: str,
    description: str,
    document: AcsDocument | None = None,
    exam_codes: list[str] | None = None,
) -> AcsElement:
    """An element with the titles a test shows (the factory with the fields named)."""
    fields: dict[str, Any] = {"document": document} if document is not None else {}
    return AcsElementFactory(
        code=code,
        area_title=area_title,
        task_title=task_title,
        description=description,
        exam_codes=exam_codes or [],
        **fields,
    )

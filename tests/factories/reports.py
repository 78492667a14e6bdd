"""What the engine returns (``ExtractionResult``) and the stored reports made of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import factory
from factory.django import DjangoModelFactory

from extraction.engine import CodeDetail, ExtractionResult
from extraction.models import AcsElement, Report, ReportCode


def code_detail(
    code: str, confidence: float = 0.99, raw: str | None = None, description: str = ""
) -> CodeDetail:
    """The engine's detail of one code; area and task are read from an ACS code's parts."""
    parts = code.split(".")
    area, task = (parts[1], parts[2]) if len(parts) == 4 else ("", "")
    return CodeDetail(code, description, area, task, parts[-1][:1] or "K", confidence, raw or code)


class ExtractionResultFactory(factory.Factory[ExtractionResult]):
    """A confident read of a Private Pilot report; ``codes_detail`` follows ``codes``."""

    class Meta:
        model = ExtractionResult

    applicant_name = "JANE Q DOE"
    ftn = "A1234567"
    exam_id = "EXAM-0001"
    exam_code = "PAR"
    exam_title = "Private Pilot Airplane (PAR)"
    exam_date = "2026-03-14"
    exam_site = "SOME TESTING CENTER"
    score = 82
    grade = "PASS"
    take = 1
    expiration_date = "2028-03-31"
    code_kind = "acs"
    codes = factory.LazyFunction(lambda: ["PA.I.A.K1", "PA.I.B.K2"])
    codes_detail = factory.LazyAttribute(lambda r: [code_detail(c) for c in r.codes])
    confidence = 0.98


class ReportFactory(DjangoModelFactory[Report]):
    """A stored report of ``owner`` (None: anonymous, without identity); ``codes=[...]`` stores its
    codes in print order, each linked to the catalogue element of that code when one is stored."""

    class Meta:
        model = Report
        skip_postgeneration_save = True

    owner: Any = factory.SubFactory("tests.factories.accounts.UserFactory")
    applicant_name = factory.LazyAttribute(lambda r: "Jane Q Student" if r.owner is not None else "")
    exam_code = "PAR"
    exam_title = "Private Pilot Airplane"
    exam_date = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=20))
    score = 80
    grade = "PASS"
    take = 1
    code_kind = "acs"

    @factory.post_generation
    def codes(self, create: bool, extracted: Sequence[str] | None, **kwargs: Any) -> None:
        if not create or not extracted:
            return
        elements = {e.code: e for e in AcsElement.objects.filter(code__in=list(extracted))}
        ReportCode.objects.bulk_create(
            [
                ReportCode(report=self, code=code, element=elements.get(code), raw=code, position=position)
                for position, code in enumerate(extracted)
            ]
        )


class ReportCodeFactory(DjangoModelFactory[ReportCode]):
    class Meta:
        model = ReportCode

    report = factory.SubFactory(ReportFactory)
    code = "PA.I.A.K1"
    raw = factory.LazyAttribute(lambda c: c.code)
    position = factory.Sequence(int)

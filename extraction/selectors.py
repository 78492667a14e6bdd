"""Read queries of the extraction app, grouped by what they read."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Case, F, IntegerField, Prefetch, QuerySet, Value, When
from django.db.models.expressions import OrderBy

from accounts.models import User
from accounts.selectors import owners_visible_to
from extraction.acs_grammar import ACS_CODE_RE
from extraction.engine.data.exams import EXAM_PREFIXES, EXAM_TITLES
from extraction.models import CURRENT_EDITION, AcsElement, Report, ReportCode

# ---------------------------------------------------------------------------------------------
# ACS catalogue
# ---------------------------------------------------------------------------------------------

KNOWN_EXAM_CODES: tuple[str, ...] = tuple(sorted(set(EXAM_PREFIXES) | set(EXAM_TITLES)))

_LOOSE_CODE_RE = re.compile(
    r"^([A-Za-z]{2})[.-]([IVXivx]{1,4})[.-]([A-Za-z])[.-]([KRSkrs])(\d{1,2})([A-Za-z]?)$"
)

# Ordering keys the API accepts, each expanded to a full, deterministic catalogue order.
ORDERING_KEYS: tuple[str, ...] = ("code", "prefix", "area", "task")


def _int_to_roman(number: int) -> str:
    out = ""
    for value, numeral in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            out += numeral
            number -= value
    return out


# Area numerals as a SQL rank, so IX sorts after VIII: every canonical numeral the code grammar
# allows ([IVX]{1,4}: at most four letters); anything else sorts last.
_AREA_RANK = Case(
    *[When(area=numeral, then=Value(n)) for n in range(1, 40) if len(numeral := _int_to_roman(n)) <= 4],
    default=Value(99),
    output_field=IntegerField(),
)


def normalize_acs_code(raw: str) -> str | None:
    """``pa.i.c.k2a`` or ``pa-i-c-k2a`` -> ``PA.I.C.K2a``; ``None`` when it cannot be an ACS code.

    Every part is upper-cased except the trailing sub-element letter, which ACS codes print in
    lower case.
    """
    match = _LOOSE_CODE_RE.match(raw.strip())
    if match is None:
        return None
    prefix, area, task, kind, number, sub = match.groups()
    code = f"{prefix.upper()}.{area.upper()}.{task.upper()}.{kind.upper()}{number}{sub.lower()}"
    return code if ACS_CODE_RE.match(code) else None


def acs_elements() -> QuerySet[AcsElement]:
    """All catalogue elements in catalogue order (prefix, area numeral, task, type, number)."""
    return order_acs_elements(AcsElement.objects.all(), [])


def get_acs_element(code: str, edition: str | None = None) -> AcsElement | None:
    """The element for a code in any accepted spelling; the current edition wins when several exist."""
    normalized = normalize_acs_code(code)
    if normalized is None:
        return None
    queryset = AcsElement.objects.filter(code=normalized)
    if edition:
        queryset = queryset.filter(edition=edition)
    preferred = Case(
        When(edition=CURRENT_EDITION, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return queryset.order_by(preferred, "-pk").first()


def filter_by_exam(queryset: QuerySet[AcsElement], exam_code: str) -> QuerySet[AcsElement]:
    """Elements whose ``exam_codes`` list contains ``exam_code``.

    JSON containment (``@>``, which a GIN index can serve) where the database has it; elsewhere
    (SQLite) a match on the quoted string inside the stored JSON text, exact because test codes
    are letters and digits only.
    """
    exam_code = exam_code.upper()
    if connection.features.supports_json_field_contains:
        return queryset.filter(exam_codes__contains=[exam_code])
    return queryset.filter(exam_codes__icontains=f'"{exam_code}"')


def order_acs_elements(queryset: QuerySet[AcsElement], keys: Sequence[str]) -> QuerySet[AcsElement]:
    """Apply ordering keys (``code``, ``-area``, ...) on top of the natural catalogue order.

    Area numerals sort by value (IX after VIII, not after IV), element numbers numerically, so a
    page boundary never depends on string collation.
    """
    natural: list[str] = [
        "prefix",
        "area_rank",
        "task",
        "element_type",
        "number",
        "sub_letter",
        "edition",
        "pk",
    ]
    ordering: list[OrderBy] = []
    used: set[str] = set()
    for key in keys:
        descending = key.startswith("-")
        name = key.lstrip("-")
        columns = natural if name == "code" else ["area_rank" if name == "area" else name]
        for column in columns:
            if column not in used:
                used.add(column)
                ordering.append(_order_by(column, descending))
    ordering.extend(_order_by(column, False) for column in natural if column not in used)
    if "area_rank" not in queryset.query.annotations:
        queryset = queryset.annotate(area_rank=_AREA_RANK)
    return queryset.order_by(*ordering)


def _order_by(column: str, descending: bool) -> OrderBy:
    return F(column).desc() if descending else F(column).asc()


# ---------------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------------


def _with_codes(queryset: QuerySet[Report]) -> QuerySet[Report]:
    """Codes and their catalogue elements in one extra query, whatever the number of reports."""
    codes = ReportCode.objects.select_related("element").order_by("position")
    return queryset.prefetch_related(Prefetch("codes", queryset=codes))


def reports_visible_to(user: User) -> QuerySet[Report]:
    """Reports ``user`` may read (see ``owners_visible_to``), newest first, codes prefetched.

    Anonymous results have no owner and are never listed; they are reached by share token only.
    """
    return _with_codes(Report.objects.filter(owner__in=owners_visible_to(user)).order_by("-created_at", "pk"))


def report_by_share_token(token: str) -> Report | None:
    """The report behind a share link, expired or not (the caller decides what expiry means)."""
    return _with_codes(Report.objects.filter(share_token=token)).first()


def report_with_codes(pk: Any) -> Report:
    return _with_codes(Report.objects.filter(pk=pk)).get()

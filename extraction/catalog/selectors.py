"""Read queries of the ACS catalogue: listing, ordering, filtering by exam, one element by code."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.db.models.expressions import OrderBy

from cfipros.errors import NotFound
from extraction.engine import EXAM_PREFIXES, EXAM_TITLES
from extraction.engine.grammar import int_to_roman, normalize_acs_code
from extraction.models import CURRENT_EDITION, AcsElement

KNOWN_EXAM_CODES: tuple[str, ...] = tuple(sorted(set(EXAM_PREFIXES) | set(EXAM_TITLES)))

# Ordering keys the API accepts, each expanded to a full, deterministic catalogue order.
ORDERING_KEYS: tuple[str, ...] = ("code", "prefix", "area", "task")


# Area numerals as a SQL rank, so IX sorts after VIII: every canonical numeral the code grammar
# allows ([IVX]{1,4}: at most four letters); anything else sorts last.
_AREA_RANK = Case(
    *[When(area=numeral, then=Value(n)) for n in range(1, 40) if len(numeral := int_to_roman(n)) <= 4],
    default=Value(99),
    output_field=IntegerField(),
)


def acs_elements_list() -> QuerySet[AcsElement]:
    """All catalogue elements in catalogue order (prefix, area numeral, task, type, number)."""
    return acs_elements_order(AcsElement.objects.all(), [])


def acs_element_get(code: str, edition: str | None = None) -> AcsElement:
    """The element for a code in any accepted spelling; the current edition wins when several exist."""
    normalized = normalize_acs_code(code)
    element = None if normalized is None else _acs_element_find(normalized, edition)
    if element is None:
        in_edition = f" in edition {edition!r}" if edition else ""
        raise NotFound(f"No ACS element with code {code!r}{in_edition}.")
    return element


def _acs_element_find(normalized: str, edition: str | None) -> AcsElement | None:
    queryset = AcsElement.objects.filter(code=normalized)
    if edition:
        queryset = queryset.filter(edition=edition)
    preferred = Case(
        When(edition=CURRENT_EDITION, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return queryset.order_by(preferred, "-pk").first()


def acs_elements_filter_exam(queryset: QuerySet[AcsElement], exam_code: str) -> QuerySet[AcsElement]:
    """Elements whose ``exam_codes`` list contains ``exam_code``.

    JSON containment (``@>``, which a GIN index can serve) where the database has it; elsewhere
    (SQLite) a match on the quoted string inside the stored JSON text, exact because test codes
    are letters and digits only.
    """
    exam_code = exam_code.upper()
    if connection.features.supports_json_field_contains:
        return queryset.filter(exam_codes__contains=[exam_code])
    return queryset.filter(exam_codes__icontains=f'"{exam_code}"')


def acs_elements_order(queryset: QuerySet[AcsElement], keys: Sequence[str]) -> QuerySet[AcsElement]:
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

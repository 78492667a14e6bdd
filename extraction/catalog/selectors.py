"""Read queries of the ACS catalogue: listing, search, ordering, filtering by exam, one element by
code, and the version stamp its cached answers are keyed on."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence

from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce, Concat, NullIf, StrIndex, Upper

from cfipros.errors import Invalid, NotFound
from extraction.engine import EXAM_PREFIXES, EXAM_TITLES
from extraction.engine.grammar import int_to_roman, normalize_acs_code
from extraction.models import CURRENT_EDITION, AcsCatalogVersion, AcsElement

KNOWN_EXAM_CODES: tuple[str, ...] = tuple(sorted(set(EXAM_PREFIXES) | set(EXAM_TITLES)))

# Ordering keys the API accepts, each expanded to a full, deterministic catalogue order.
ORDERING_KEYS: tuple[str, ...] = ("code", "prefix", "area", "task")


# Area numerals as a SQL rank, so IX sorts after VIII: the numeral's place in the list of every
# canonical numeral the code grammar allows ([IVX]{1,4}: at most four letters), found with one
# string search (STRPOS on PostgreSQL, INSTR on SQLite); anything else sorts last. A CASE with a
# branch per numeral would say the same at several times the cost to build, plan and run.
_NUMERALS = "," + ",".join(n for n in map(int_to_roman, range(1, 40)) if len(n) <= 4) + ","
_SEARCHED_PREFIX = "searched_prefix"
_AREA_RANK = Coalesce(
    NullIf(StrIndex(Value(_NUMERALS), Concat(Value(","), "area", Value(","))), Value(0)),
    Value(len(_NUMERALS)),
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
    prefix = _SEARCHED_PREFIX if _SEARCHED_PREFIX in queryset.query.annotations else "prefix"
    natural: list[str] = [
        prefix,
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
        columns = natural if name == "code" else [{"area": "area_rank", "prefix": prefix}.get(name, name)]
        for column in columns:
            if column not in used:
                used.add(column)
                ordering.append(_order_by(column, descending))
    ordering.extend(_order_by(column, False) for column in natural if column not in used)
    if "area_rank" not in queryset.query.annotations:
        queryset = queryset.alias(area_rank=_AREA_RANK)
    return queryset.order_by(*ordering)


def _order_by(column: str, descending: bool) -> OrderBy:
    return F(column).desc() if descending else F(column).asc()


# --- Search ---------------------------------------------------------------------------------------

# A search is a few words, each matched as a substring: more words narrow nothing a person types,
# and longer ones are not words. The caps bound the work one request can ask for; the contract
# states them as the parameter's maxLength and SEARCH_PATTERN, which accepts exactly the searches
# search_terms_parse does.
SEARCH_MAX_LENGTH = 200
SEARCH_MAX_TERMS = 8
SEARCH_MAX_TERM_LENGTH = 40
# (?![\s\S]) is the end of the text in both ECMAScript and Python; Python's $ would also match
# before a final newline.
_END = r"(?![\s\S])"
_WORD = rf"[^ ,\x00-\x1f\x7f]{{1,{SEARCH_MAX_TERM_LENGTH}}}"
SEARCH_PATTERN = rf"^[ ,]*(?:{_WORD}(?:[ ,]+|{_END})){{0,{SEARCH_MAX_TERMS}}}{_END}"
_SEARCH_SEPARATORS = re.compile(r"[ ,]+")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def search_terms_parse(raw: str) -> list[str]:
    """The distinct words of a search (split on spaces and commas), or ``Invalid`` past a cap.

    The length is checked before anything is split, so a search of any size costs the same to
    refuse. Control characters (a NUL byte, a tab) belong to no word, and PostgreSQL cannot even
    hold a NUL in a string.
    """
    if len(raw) > SEARCH_MAX_LENGTH:
        raise _search_invalid(f"A search is at most {SEARCH_MAX_LENGTH} characters; this one has {len(raw)}.")
    if _CONTROL_CHARACTERS.search(raw):
        raise _search_invalid("A search cannot contain control characters.")
    terms = [term for term in _SEARCH_SEPARATORS.split(raw) if term]
    if len(terms) > SEARCH_MAX_TERMS:
        raise _search_invalid(f"A search has at most {SEARCH_MAX_TERMS} words; this one has {len(terms)}.")
    if any(len(term) > SEARCH_MAX_TERM_LENGTH for term in terms):
        raise _search_invalid(f"A search word is at most {SEARCH_MAX_TERM_LENGTH} characters.")
    return list(dict.fromkeys(terms))


def _search_invalid(message: str) -> Invalid:
    return Invalid(message, code="invalid_search", errors={"search": [message]})


def acs_elements_search(queryset: QuerySet[AcsElement], terms: Sequence[str]) -> QuerySet[AcsElement]:
    """Elements whose code or description contains every term, case-insensitively.

    Each term is ``UPPER(column) LIKE UPPER('%term%')`` on both vendors, so PostgreSQL and SQLite
    answer alike. On PostgreSQL the trigram GIN indexes of migration 0004 serve a term of three
    characters or more without reading the table; SQLite, which has none, scans a table small
    enough (15,443 rows) for ``make run``.
    """
    for term in terms:
        queryset = queryset.filter(Q(code__icontains=term) | Q(description__icontains=term))
    # Sorting a search on an expression of the prefix (the same order: prefixes are upper case)
    # keeps PostgreSQL from walking the prefix index in search of a page of matches, a plan it
    # favours for a LIMIT and that reads thousands of rows (8-25 ms) where the trigram bitmap and
    # a sort of the matches take about one (acs_elements_order uses it).
    return queryset.alias(**{_SEARCHED_PREFIX: Upper("prefix")})


def acs_elements_searched(queryset: QuerySet[AcsElement]) -> bool:
    """Whether ``acs_elements_search`` narrowed ``queryset`` (its pages are planned differently)."""
    return _SEARCHED_PREFIX in queryset.query.annotations


# --- Version -------------------------------------------------------------------------------------

# How long a process trusts the stamp it last read: a catalogue load is seen by every worker within
# this time, and the busiest catalogue reads cost no query for it.
VERSION_MEMO_SECONDS = 1.0
_version_memo: dict[str, tuple[float, str]] = {}


def acs_catalog_version_get() -> str:
    """The stamp of the catalogue's current content; it changes whenever an element does."""
    now = time.monotonic()
    memo = _version_memo.get(connection.alias)
    if memo is not None and memo[0] > now:
        return memo[1]
    stamp = AcsCatalogVersion.objects.filter(pk=1).values_list("stamp", flat=True).first() or "initial"
    _version_memo[connection.alias] = (now + VERSION_MEMO_SECONDS, stamp)
    return stamp


def acs_catalog_version_forget() -> None:
    """Drop this process's memo, so the next read sees a stamp just written."""
    _version_memo.clear()

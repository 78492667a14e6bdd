"""The grammar of ACS codes (``PA.I.C.K2a``), PLT codes (``PLT012``) and area numerals.

One module, free of Django, read by the engine, the catalogue loader and API filters, the batch
summary, the study-plan algorithm and the admin, so that every part of the project agrees on
what a code is.
"""

from __future__ import annotations

import re

# The parts of a code that the API also accepts alone, as filters.
PREFIX_PATTERN = r"[A-Z]{2}"
AREA_PATTERN = r"[IVX]{1,4}"
TASK_PATTERN = r"[A-Z]"

# The canonical spelling, with named groups.
ACS_CODE_RE = re.compile(
    rf"^(?P<prefix>{PREFIX_PATTERN})\.(?P<area>{AREA_PATTERN})\.(?P<task>{TASK_PATTERN})\."
    r"(?P<type>[KRS])(?P<number>\d{1,2})(?P<sub>[a-z]?)$"
)
# Any letter case, dots or dashes between the parts: what a user may type into a filter.
ACS_LOOSE_RE = re.compile(
    r"^([A-Za-z]{2})[.-]([IVXivx]{1,4})[.-]([A-Za-z])[.-]([KRSkrs])(\d{1,2})([A-Za-z]?)$"
)
# Any letter case, dots only: what a printed report may hold once its characters are read.
ACS_ANYCASE_RE = re.compile(r"^([A-Za-z]{2})\.([IVXivx]{1,4})\.([A-Za-z])\.([KRSkrs])(\d{1,2})([A-Za-z]?)$")
# Knowledge-test learning statement codes printed on reports from before the ACS.
PLT_CODE_RE = re.compile(r"^PLT\d{3}$")

_NUMERALS = {"I": 1, "V": 5, "X": 10}


def acs_code_from_parts(prefix: str, area: str, task: str, kind: str, number: str, sub: str) -> str:
    """The canonical code: upper case except the sub-element letter, the number without zeros."""
    return f"{prefix.upper()}.{area.upper()}.{task.upper()}.{kind.upper()}{int(number)}{sub.lower()}"


def normalize_acs_code(raw: str, *, dashes: bool = True) -> str | None:
    """``pa.i.c.k2a`` or ``pa-i-c-k2a`` -> ``PA.I.C.K2a``; ``None`` when it cannot be an ACS code.

    ``dashes=False`` accepts dots only, as the engine does for characters read off a page.
    """
    match = (ACS_LOOSE_RE if dashes else ACS_ANYCASE_RE).match(raw.strip())
    if match is None:
        return None
    code = acs_code_from_parts(*match.groups())
    return code if ACS_CODE_RE.match(code) else None


def roman_value(numeral: str) -> int:
    """The value of an area numeral (``IX`` -> 9); letters that are not numerals count 0."""
    values = [_NUMERALS.get(ch, 0) for ch in numeral.upper()]
    return sum(-v if v < w else v for v, w in zip(values, [*values[1:], 0][: len(values)], strict=True))


def int_to_roman(number: int) -> str:
    """The numeral for a positive area number (9 -> ``IX``)."""
    out = ""
    for value, numeral in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            out += numeral
            number -= value
    return out

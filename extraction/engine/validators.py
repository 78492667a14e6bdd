"""Whether a text is a possible value of a field: the typed checks that keep a word of a
heading or of another field's value from being taken for a value (a date must parse as a date, a
score as a percentage, a name must look like ``LAST, FIRST``)."""

from __future__ import annotations

import re
from collections.abc import Callable

from . import fields as F
from . import titles as T
from .layout import SEGMENT_GAP

Validator = Callable[[str], bool]


def _is_name(v: str) -> bool:
    """Names are printed ``LAST, FIRST M``, or at least as two words: one word is no name."""
    letters = sum(ch.isalpha() for ch in v)
    if letters < 2 or letters < 0.6 * len(v.replace(" ", "")) or F.parse_date(v) is not None:
        return False
    if any(word.isdigit() for word in v.split()):
        return False  # a number standing alone is no part of a name (``Examiner 13``)
    if "(" in v or ")" in v:
        return False  # a label's own hint (``(LAST, FIRST MI) - SMITH, ANA``), not a name
    return "," in v or len(v.split()) >= 2


def _is_ftn(v: str) -> bool:
    value = F.clean_ftn(v)
    return value is not None and 7 <= len(value) <= 10 and value[0].isalpha()


def _is_applicant_id(v: str) -> bool:
    return F.clean_digits(v, min_len=4) is not None or _is_ftn(v)


def _is_exam_id(v: str) -> bool:
    token = re.sub(r"[\s-]", "", v.split(SEGMENT_GAP)[0])
    return F.clean_digits(v, min_len=6) is not None and sum(ch.isdigit() for ch in token) >= 0.7 * len(token)


def _is_title(v: str) -> bool:
    """A title names its test code in parentheses (OCR may lose them; a known title still
    gives the code): a heading or a remark is no title."""
    if sum(ch.isalpha() for ch in v) < 4 or F.parse_date(v) is not None:
        return False
    return T.clean_title(v)[1] is not None


def _is_date(v: str) -> bool:
    return F.parse_date(v) is not None


def _is_site(v: str) -> bool:
    """Test site IDs are codes with digits (``DH85884``): words alone are a garbled label."""
    token = re.sub(r"[^0-9A-Za-z]", "", v.split(SEGMENT_GAP)[0])
    return 3 <= len(token) <= 14 and any(ch.isdigit() for ch in token) and F.parse_date(v) is None


def _is_score(v: str) -> bool:
    """A percentage as printed (``94``, ``94%``, ``94.0 %``), or a stated absence (``N/A``)."""
    text = v.split(SEGMENT_GAP)[0].strip()
    score, conf = F.parse_score(text)
    return score is not None or (conf >= 0.9 and bool(text) and F.parse_grade(text) is None)


def _is_grade(v: str) -> bool:
    return F.parse_grade(v) is not None


def _is_take(v: str) -> bool:
    """A number of one or two digits; letters OCR gives for digits count only beside a digit
    or as a lone glyph (``l``), never as a word (``Try``)."""
    text = v.split(SEGMENT_GAP)[0].strip()
    return (
        F.parse_take(v) is not None
        and len(text) <= 4
        and (len(text) == 1 or any(ch.isdigit() for ch in text))
    )


VALIDATORS: dict[str, Validator] = {
    "applicant_name": _is_name,
    "ftn": _is_ftn,
    "applicant_id": _is_applicant_id,
    "exam_id": _is_exam_id,
    "exam_title": _is_title,
    "exam_date": _is_date,
    "exam_site": _is_site,
    "score": _is_score,
    "grade": _is_grade,
    "take": _is_take,
    "expiration_date": _is_date,
}

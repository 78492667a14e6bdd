"""The words a report's template prints whatever it reports, and what text is made only of them.

Labels, test titles and codes, month names, grades and the agency's heading lines carry no
value copied from the applicant's record. OCR reads a piece once more from another framing to
doubt a confident misreading of a copied value (a name, an FTN, an exam ID, a test site); a
piece of template words, dates and short numbers holds none and is read once.
"""

from __future__ import annotations

import calendar
import re
from functools import lru_cache

from .data.exams import EXAM_TITLES
from .labels import vocabulary

_GRADES = ("PASS", "PASSED", "FAIL", "FAILED", "SATISFACTORY", "UNSATISFACTORY", "SAT", "UNSAT")
_AGENCY = (
    "U.S. DEPARTMENT OF TRANSPORTATION FEDERAL AVIATION ADMINISTRATION AIRMAN KNOWLEDGE TEST "
    "REPORT RESULTS SCORE AM PM AT NONE"
)
# Short words a template prints; any other word of one or two letters may be an initial or a
# short name (``NG, LI``).
_SHORT = frozenset({"U", "S", "OF", "AM", "PM", "ID", "NO", "AT", "ON", "BY", "IN", "OR", "TO", "A"})
_TOKEN = re.compile(r"[A-Za-z0-9]+")
_LETTERS = re.compile(r"[A-Za-z]+")
# A run of digits this long or longer may be an identifier (an exam ID, an applicant ID).
_IDENTIFIER_DIGITS = 5


@lru_cache(maxsize=1)
def form_words() -> frozenset[str]:
    words: set[str] = set(vocabulary().words())
    for code, title in EXAM_TITLES.items():
        words.add(code)
        words.update(_LETTERS.findall(title.upper()))
    words.update(m.upper() for m in (*calendar.month_name, *calendar.month_abbr) if m)
    words.update(("SEPT", *_GRADES, *_LETTERS.findall(_AGENCY)))
    return frozenset(w for w in words if len(w) > 2 or w in _SHORT)


def may_hold_copied_value(text: str) -> bool:
    """Whether ``text`` has a word no template prints, a word of letters and digits (``GE6091``,
    ``A54C8AFF``) or a digit run as long as an identifier's."""
    known = form_words()
    for token in _TOKEN.findall(text):
        if token.isdigit():
            if len(token) >= _IDENTIFIER_DIGITS:
                return True
        elif not token.isalpha() or token.upper() not in known:
            return True
    return False

"""Header fields of an AKTR: labels found in rows, values cleaned and normalized.

Labels vary between providers and years, so each field has a list of label spellings.
A label counts when a colon-like mark follows it, or when it opens a segment and the value
sits in the next segment (table layouts whose colon OCR lost). Values are cleaned with
field-specific rules, including the OCR confusions that are safe for that field.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .data.exams import DEFAULT_VALIDITY_MONTHS, EXAM_PREFIXES, EXAM_TITLES, VALIDITY_MONTHS
from .layout import Row

LABELS: dict[str, tuple[str, ...]] = {
    "applicant_name": (
        "APPLICANT NAME",
        "NAME OF APPLICANT",
        "EXAMINEE NAME",
        "CANDIDATE NAME",
        "STUDENT NAME",
        "APPLICANT",
        "NAME",
    ),
    "ftn": ("FAA TRACKING NUMBER (FTN)", "FAA TRACKING NUMBER", "FAA TRACKING NO", "TRACKING NUMBER", "FTN"),
    "applicant_id": (
        "APPLICANT ID NUMBER",
        "APPLICANT ID NO",
        "APPLICANT ID",
        "APPLICANT I.D.",
        "STUDENT ID",
        "CANDIDATE ID",
    ),
    "exam_id": (
        "EXAM ID NUMBER",
        "EXAM ID",
        "TEST ID",
        "EXAMINATION ID",
        "EXAM ID NO",
        "TEST ID NO",
        "EXAM NUMBER",
        "TEST NUMBER",
    ),
    "exam_title": (
        "EXAM TITLE",
        "TEST TITLE",
        "EXAM NAME",
        "TEST NAME",
        "EXAMINATION",
        "KNOWLEDGE TEST",
        "EXAM",
        "TEST",
    ),
    "exam_date": (
        "EXAM DATE",
        "TEST DATE",
        "DATE OF EXAM",
        "DATE OF TEST",
        "EXAMINATION DATE",
        "DATE TAKEN",
        "DATE OF EXAMINATION",
        "TESTING DATE",
        "DATE",
    ),
    "exam_site": (
        "EXAM SITE ID",
        "EXAM SITE",
        "TEST SITE ID",
        "TEST SITE",
        "TESTING SITE",
        "TESTING CENTER",
        "TEST CENTER",
        "SITE ID",
        "SITE",
    ),
    "score": ("EXAM SCORE", "TEST SCORE", "SCORE"),
    "grade": ("EXAM GRADE", "TEST GRADE", "GRADE", "TEST RESULT", "EXAM RESULT", "RESULT", "PASS/FAIL"),
    "take": ("TAKE NUMBER", "TAKE NO", "ATTEMPT NUMBER", "ATTEMPT NO", "ATTEMPT", "TAKE"),
    "expiration_date": (
        "EXPIRATION DATE",
        "EXPIRY DATE",
        "EXPIRATION",
        "EXPIRES",
        "VALID UNTIL",
        "VALID THROUGH",
    ),
}

_LABEL_TO_FIELD = {label: name for name, labels in LABELS.items() for label in labels}
_ALTERNATION = "|".join(
    re.escape(lbl).replace(r"\ ", r"\s+") for lbl in sorted(_LABEL_TO_FIELD, key=len, reverse=True)
)
# A label: not inside a word and followed by a colon-like mark; or, without the mark, alone at
# the start of a row or of a segment with its value in the next segment (OCR drops colons).
_LABEL_RE = re.compile(
    rf"(?<![A-Za-z0-9])(?P<label>{_ALTERNATION})\s*[:;]"
    rf"|(?:^|(?<=   ))(?P<bare>{_ALTERNATION})(?=\s{{3,}}|\s*$)",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")

MONTHS = {m.upper(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.upper(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["SEPT"] = 9


_LABEL_ONLY = re.compile(rf"\s*(?:{_ALTERNATION})\s*[:;]?\s*", re.IGNORECASE)


def is_label_only(text: str) -> bool:
    """A row that is one field label and nothing else (its value missing or on the next row)."""
    return _LABEL_ONLY.fullmatch(text) is not None


@dataclass(slots=True)
class LabelHit:
    field: str
    row: int
    value: str
    start: int


def find_labels(rows: Sequence[Row]) -> list[LabelHit]:
    """Every label occurrence with the raw text up to the next label on the same row."""
    hits: list[LabelHit] = []
    for r, row in enumerate(rows):
        text = row.text
        matches = list(_LABEL_RE.finditer(text))
        for i, m in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            label = _SPACES.sub(" ", (m.group("label") or m.group("bare")).upper())
            hits.append(LabelHit(_LABEL_TO_FIELD[label], r, text[m.end() : end].strip(" :;\t"), m.start()))
    return hits


# --------------------------------------------------------------------------- value cleaners

_DIGIT_FIX = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "D": "0",
        "Q": "0",
        "I": "1",
        "l": "1",
        "|": "1",
        "i": "1",
        "L": "1",
        "!": "1",
        "S": "5",
        "s": "5",
        "B": "8",
        "Z": "2",
        "z": "2",
        "G": "6",
        "b": "6",
        "g": "9",
        "q": "9",
        "T": "7",
    }
)
_ALNUM_UPPER_FIX = str.maketrans({"O": "0", "Q": "0", "I": "1", "|": "1", "l": "1"})


_CASE_ALIKE = frozenset("cosuvwxzi")  # lower case drawn like its capital (i: a capital I's dot slip)


def clean_name(raw: str, *, ocr: bool = False) -> str | None:
    value = _SPACES.sub(" ", raw).strip(" .,:;_-")
    value = re.sub(r"\s*,\s*", ", ", value)
    if ocr:
        value = _capitalize_slips(value)
    return value or None


def _capitalize_slips(name: str) -> str:
    """Reports print names in capitals: a lone lower-case letter OCR gave one is a case slip.

    Only letters whose two cases look alike are raised, and only in a name read in capitals
    at least four in five times (a name printed in mixed case is left as read).
    """
    letters = [ch for ch in name if ch.isalpha()]
    lower = [ch for ch in letters if ch.islower()]
    if not lower or len(lower) * 5 > len(letters) or any(ch not in _CASE_ALIKE for ch in lower):
        return name
    return name.upper()


def clean_ftn(raw: str) -> str | None:
    token = re.sub(r"[^0-9A-Za-z|]", "", raw.split("   ")[0])
    if not token:
        return None
    # FTNs use neither I, O nor Q: OCR readings of those are digits.
    return token.upper().translate(_ALNUM_UPPER_FIX)


_FTN_SHAPE = re.compile(r"^[A-Z][A-Z0-9]{7}$")
_SHORT_LABEL = re.compile(r"(?P<label>[A-Za-z]{2,4})\s*[:;]?(?:\s+(?P<value>\S+))?")


def find_misread_ftn(rows: Sequence[Row]) -> tuple[int, str] | None:
    """Row and FTN of a header pair whose short ``FTN`` label OCR misread (``FN``, ``ETN``).

    Only asked when no label found the FTN: the label must be one edit from ``FTN`` and the
    value must have an FTN's shape (a letter and seven letters or digits), so that a code row
    or another field cannot pass for it.
    """
    for r, row in enumerate(rows):
        segments = [seg.strip() for seg in row.text.split("   ") if seg.strip()]
        for i, segment in enumerate(segments):
            m = _SHORT_LABEL.fullmatch(segment)
            if not m or _levenshtein(m.group("label").upper(), "FTN", 1) > 1:
                continue
            raw = m.group("value") or (segments[i + 1] if i + 1 < len(segments) else "")
            value = clean_ftn(raw)
            if value and _FTN_SHAPE.match(value):
                return r, value
    return None


def clean_digits(raw: str, min_len: int = 1) -> str | None:
    token = re.sub(r"[\s.,'`-]", "", raw.split("   ")[0])
    token = token.translate(_DIGIT_FIX)
    m = re.search(r"\d+", token)
    if not m or len(m.group(0)) < min_len:
        return None
    return m.group(0)


def clean_site(raw: str) -> str | None:
    token = re.sub(r"[^0-9A-Za-z|]", "", raw.split("   ")[0]).upper()
    if not token:
        return None
    m = re.match(r"^([A-Z0-9|]{2})([A-Z0-9|]+)$", token)
    if m and len(token) >= 5:
        head = m.group(1).translate(str.maketrans("01|58", "OIISB"))
        tail = (
            m.group(2).translate(_DIGIT_FIX) if re.fullmatch(r"[0-9OQDILSBZG|]+", m.group(2)) else m.group(2)
        )
        return head + tail
    return token


# The test code in parentheses at the end of the title; OCR may turn a parenthesis into a
# bracket or a brace, or lose one of the two.
_TITLE_CODE = re.compile(
    r"[(\[{]\s*(?P<code>[A-Z0-9]{3})\s*[)\]}]?\s*$|(?<=\s)(?P<open>[A-Z0-9]{3})\s*[)\]}]\s*$"
)
_BARE_CODE = re.compile(r"(?<=\s)(?P<code>[A-Z]{3})$")  # both parentheses lost


def clean_title(raw: str) -> tuple[str | None, str | None, float]:
    """(title as printed, test code, confidence). OCR readings close to a known title are snapped."""
    value = _SPACES.sub(" ", raw).strip(" .,:;_")
    if not value:
        return None, None, 0.0
    m = (
        _TITLE_CODE.search(value)
        or re.search(r"\(\s*(?P<code>[A-Za-z0-9]{3})\s*\)", value)
        or _known_bare_code(value)
    )
    code = None
    conf = 1.0
    if m:
        groups = m.groupdict()
        code = (groups.get("code") or groups["open"]).upper().translate(str.maketrans("0158", "OISB"))
        name = value[: m.start()].strip()
        if not re.fullmatch(r"\(\s*\w{3}\s*\)\s*", m.group(0)):
            conf = 0.95  # a parenthesis misread or lost
    else:
        name = value
        conf = 0.6
    known = EXAM_TITLES.get(code or "")
    if known is None:
        # No code in parentheses, or one misread by a letter: a known title gives the code.
        for c, t in EXAM_TITLES.items():
            if _similar(name, t) and (code is None or _levenshtein(code, c, 1) <= 1):
                code, known, conf = c, t, min(conf, 0.8)
                break
    if known is not None and name != known:
        if _similar(name, known):
            name, conf = known, min(conf, 0.95)
        else:
            conf = min(conf, 0.8)
    elif known is None:
        conf = min(conf, 0.9)
    if code and m:
        return f"{name} ({code})", code, conf
    return name, code, conf  # printed without a code: the title stays as printed


def _known_bare_code(value: str) -> re.Match[str] | None:
    """A known test code closing a title whose parentheses OCR dropped (``... Small UAG``)."""
    m = _BARE_CODE.search(value)
    return m if m and m.group("code") in EXAM_PREFIXES | EXAM_TITLES else None


def _similar(a: str, b: str) -> bool:
    a, b = a.upper().replace(" ", ""), b.upper().replace(" ", "")
    if a == b:
        return True
    limit = max(1, len(b) // 8)
    if abs(len(a) - len(b)) > limit:
        return False
    return _levenshtein(a, b, limit) <= limit


def _levenshtein(a: str, b: str, limit: int) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


_MONTH_WORD = r"[A-Za-z][A-Za-z01|]{2,8}"  # a month name, OCR digits for its round or thin letters


def parse_date(raw: str) -> str | None:
    """ISO date from 04/03/2026, 03-APR-2026, April 03, 2026, 2026-04-03 (OCR digit slips fixed)."""
    text = _SPACES.sub(" ", raw.split("   ")[0]).strip()
    if not text:
        return None
    m = re.search(r"([0-9OoIlSB|]{4})-([0-9OoIlSB|]{1,2})-([0-9OoIlSB|]{1,2})", text)
    if m:
        y, mo, d = (g.translate(_DIGIT_FIX) for g in m.groups())
        return _iso(y, mo, d)
    m = re.search(r"([0-9OoIlSB|]{1,2})\s*[/.-]\s*([0-9OoIlSB|]{1,2})\s*[/.-]\s*([0-9OoIlSB|]{2,4})", text)
    if m:
        mo, d, y = (g.translate(_DIGIT_FIX) for g in m.groups())
        return _iso(y, mo, d)
    m = re.search(
        rf"([0-9OoIlSB|]{{1,2}})\s*[-\s.]\s*({_MONTH_WORD})\.?\s*[-\s.,]\s*([0-9OoIlSB|]{{2,4}})", text
    )
    if m:
        d, mon, y = m.groups()
        month = _month(mon)
        if month:
            return _iso(y.translate(_DIGIT_FIX), str(month), d.translate(_DIGIT_FIX))
    m = re.search(rf"({_MONTH_WORD})\.?\s*([0-9OoIlSB|]{{1,2}})\s*[,.]?\s*([0-9OoIlSB|]{{4}})", text)
    if m:
        mon, d, y = m.groups()
        month = _month(mon)
        if month:
            return _iso(y.translate(_DIGIT_FIX), str(month), d.translate(_DIGIT_FIX))
    return None


def _month(name: str) -> int | None:
    key = name.upper().rstrip(".")
    if key in MONTHS:
        return MONTHS[key]
    key = key.replace("0", "O").replace("|", "1")
    for thin in ("I", "L"):  # a 1 read for a thin letter: I, or the l of Jul and April
        if key.replace("1", thin) in MONTHS:
            return MONTHS[key.replace("1", thin)]
    key = key.replace("1", "I")
    for full, num in MONTHS.items():
        if len(full) >= 3 and len(key) >= 3 and _levenshtein(key, full, 1) <= (1 if len(full) > 3 else 0):
            return num
    return None


def _iso(y: str, mo: str, d: str) -> str | None:
    try:
        year = int(y)
        if year < 100:
            year += 2000 if year < 70 else 1900
        return dt.date(year, int(mo), int(d)).isoformat()
    except ValueError:
        return None


PASSING_SCORE = 70


def parse_score(raw: str) -> tuple[int | None, float]:
    """(score, confidence): N/A, dashes or nothing give None."""
    text = raw.split("   ")[0].strip()
    if not text or re.fullmatch(r"(?i)n\s*/?\s*a|none|-+|—|not\s+applicable|pass|fail|\*+", text):
        return None, 1.0 if text else 0.9
    text = re.sub(r"(\d)[.,]\d+\s*%?$", r"\1", text)  # 94.0% -> 94
    digits = clean_digits(text)
    if digits is None or len(digits) > 4:
        return None, 0.3
    value = int(digits)
    if value > 100 and digits.endswith("8") and int(digits[:-1]) <= 100:
        return int(digits[:-1]), 0.7  # 43% read as 438: the percent sign taken for an 8
    return (value, 1.0) if 0 <= value <= 100 else (None, 0.3)


def parse_grade(raw: str) -> str | None:
    text = raw.upper()
    text = text.replace("0", "O").replace("5", "S").replace("1", "I")
    if re.search(r"P\s*A\s*S\s*S|PASSED", text):
        return "PASS"
    if re.search(r"F\s*A\s*[I1L|]\s*L|FAILED", text):
        return "FAIL"
    return None


def parse_take(raw: str) -> int | None:
    digits = clean_digits(raw)
    if digits is None or len(digits) > 2:
        return None
    value = int(digits)
    return value if value >= 1 else None


def expiration_for(exam_date: str, exam_code: str | None) -> str:
    """End of the Nth calendar month after the exam month."""
    months = VALIDITY_MONTHS.get(exam_code or "", DEFAULT_VALIDITY_MONTHS)
    d = dt.date.fromisoformat(exam_date)
    total = d.year * 12 + (d.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, calendar.monthrange(year, month)[1]).isoformat()

"""Header field values of an AKTR, cleaned and normalized.

Each field has its own rules, including the OCR confusions that are safe for that field.
Where the values stand is :mod:`header`'s business.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence

from .data.exams import DEFAULT_VALIDITY_MONTHS, VALIDITY_MONTHS
from .layout import Row

_SPACES = re.compile(r"\s+")

MONTHS = {m.upper(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.upper(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["SEPT"] = 9


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


# A surname before the full stop OCR read for the comma closing it, with its suffix: a roman
# numeral (printed without a full stop) or ``JR.`` / ``SR.`` (printed with one).
SURNAME_BEFORE_STOP = r"[A-Za-z'-]{2,}(?:\s+(?:II|III|IV|V|VI|[JS]R\.))?"


def clean_name(raw: str, *, ocr: bool = False) -> str | None:
    value = _SPACES.sub(" ", raw).strip(" ,:;_-").lstrip(".")
    if value.endswith(".") and not re.search(r"\b(?:JR|SR)\.$", value, re.IGNORECASE):
        value = value.rstrip(".")  # a full stop closes a name only after Jr. or Sr.
    value = re.sub(r"\s*,\s*", ", ", value)
    if ocr:
        # A roman-numeral suffix, before the comma or closing the name, read with l or 1 for its
        # strokes (``Ill``).
        value = re.sub(r"(?<=\s)[Il1|]{2,3}(?=,|$)", lambda m: "I" * len(m.group(0)), value)
        # No name holds a quotation mark or a backtick: between two letters it is the
        # apostrophe OCR read with a stroke too many or at a slant (``O"NEIL``, ``D`ANGELO``).
        value = re.sub(r"(?<=[A-Za-z])[\"`\u2018\u2019\u201c\u201d](?=[A-Za-z])", "'", value)
        value = _capitalize_slips(_ell_after_capital(value))
        # ``ST. JAMES, KENJI`` read with its two marks swapped (``ST, JAMES. KENJI``): no
        # surname is ``St`` alone, and no given name closes with a full stop before another.
        value = re.sub(r"^(ST|St|MT|Mt), ([A-Za-z'-]{2,})\.\s+(?=[A-Za-z])", r"\1. \2, ", value)
        if "," not in value:
            # ``LAST, FIRST``: a comma OCR read as a full stop after the last name, its blank
            # perhaps lost too (``WU.JO``), past a saint's ``ST.`` opening it (``ST. JAMES.
            # KENJI``). A roman-numeral suffix is printed without a full stop (``KOWALSKI II.
            # EMILY``), ``JR.`` with its own (``SMITH JR.. ANA``).
            saint = re.match(r"(?:ST|MT)\.\s*(?=[A-Za-z]{2})", value, flags=re.IGNORECASE)
            head = saint.group(0) if saint else ""
            rest = re.sub(
                rf"^({SURNAME_BEFORE_STOP})\.\s*(?=[A-Za-z])",
                r"\1, ",
                value[len(head) :],
                flags=re.IGNORECASE,
            )
            value = head + rest
    return value or None


def _ell_after_capital(name: str) -> str:
    """In a name printed in mixed case, a capital ``I`` right after a word's opening capital is
    the ``l`` it is drawn like (``AI-Sayed``, ``AIvarez``): no mixed-case name spells a second
    capital there, except a roman numeral (``II``, ``VI``, ``XI``) or ``Mc``/``Mac`` (``McIntyre``,
    where the letter before is lower case)."""
    letters = [ch for ch in name if ch.isalpha()]
    if sum(ch.islower() for ch in letters) * 3 < len(letters):
        return name
    return re.sub(r"(?<![A-Za-z'])([A-HJ-UWYZ])I(?![A-Z])", r"\1l", name)


def _capitalize_slips(name: str) -> str:
    """Reports print names in capitals: a lone lower-case letter OCR gave one is a case slip.

    Only letters whose two cases look alike are raised, and an ``l``, drawn like the capital
    ``I`` (``WEl``), is that ``I``; only in a name read in capitals at least four in five times
    (a name printed in mixed case is left as read).
    """
    letters = [ch for ch in name if ch.isalpha()]
    lower = [ch for ch in letters if ch.islower()]
    if not lower or len(lower) * 5 > len(letters) or any(ch not in _CASE_ALIKE and ch != "l" for ch in lower):
        return name
    return name.replace("l", "I").upper()


def clean_ftn(raw: str) -> str | None:
    token = re.sub(r"[^0-9A-Za-z|]", "", raw.split("   ")[0])
    if not token:
        return None
    # FTNs are printed in capitals and use neither I, O nor Q: OCR readings of those, and a
    # lower-case l or o (the glyphs of 1 and 0 in a capital's place), are digits.
    token = token.translate(str.maketrans("lo", "10")).upper().translate(_ALNUM_UPPER_FIX)
    if len(token) == 8 and any(ch.isalpha() for ch in token[1:]):
        # An FTN opens with a letter: a digit there is the letter OCR read it for (``23K6G68E``);
        # a number (a date, an ID) has no letter after it and is left alone.
        token = _FTN_FIRST_LETTER.get(token[0], token[0]) + token[1:]
    return token


# The letter each digit is read for in an FTN's first place (1 and 0 stand for I and O, which
# FTNs do not use, so they are left as read).
_FTN_FIRST_LETTER = {"2": "Z", "8": "B", "5": "S", "6": "G", "4": "A", "7": "T"}


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
            if not m or levenshtein(m.group("label").upper(), "FTN", 1) > 1:
                continue
            raw = m.group("value") or (segments[i + 1] if i + 1 < len(segments) else "")
            value = clean_ftn(raw)
            if value and _FTN_SHAPE.match(value):
                return r, value
    return None


def clean_digits(raw: str, min_len: int = 1, *, ocr: bool = True) -> str | None:
    """The first run of digits; OCR's letter-for-digit slips are mended only on the OCR path."""
    token = re.sub(r"[\s.,'`-]", "", raw.split("   ")[0])
    if ocr:
        token = token.translate(_DIGIT_FIX)
    m = re.search(r"\d+", token)
    if not m or len(m.group(0)) < min_len:
        return None
    return m.group(0)


def clean_applicant_id(raw: str, *, ocr: bool = True) -> str | None:
    """An applicant ID: digits on most reports, letters and digits on some (kept as printed)."""
    token = re.sub(r"[^0-9A-Za-z|]", "", raw.split("   ")[0]).upper()
    if len(token) < 4:
        return None
    if not ocr or sum(ch.isdigit() for ch in token) < 0.6 * len(token):
        return token if any(ch.isdigit() for ch in token) else None
    # Mostly digits: a letter OCR gave for a digit is mended, but a leading capital is printed
    # so (``G23121532``, ``L77254368``), unless it is one OCR gives for 0 or 1.
    head = token[0] if token[0].isalpha() and token[0] not in "OQI" else ""
    digits = clean_digits(token[len(head) :], min_len=4)
    return head + digits if digits else None


_LETTER_FOR_DIGIT = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "|": "1", "S": "5",
                                   "B": "8", "Z": "2", "G": "6"})  # fmt: skip


def clean_site(raw: str, *, ocr: bool = True) -> str | None:
    """A test site ID: letters, then digits. OCR slips are mended where the shape is certain:
    digits in the first two places are letters, letters inside the run of digits are digits."""
    token = re.sub(r"[^0-9A-Za-z|]", "", raw.split("   ")[0]).upper()
    if not token or not ocr or len(token) < 5:
        return token or None
    head = token[:2].translate(str.maketrans("01|58", "OIISB"))
    rest = list(token[2:])
    for i, ch in enumerate(rest):
        before = rest[i - 1] if i else head[-1]
        if ch in "OQDILSBZG|" and before.isdigit():
            rest[i] = ch.translate(_LETTER_FOR_DIGIT)
    return head + "".join(rest)


def site_whole(site: str) -> bool:
    """Whether a test site ID has the shape they are printed in: letters, then digits, five
    characters or more. A value without its letters (``267`` of ``AC14267``) lost its start,
    split off by the photo's text detection."""
    return len(site) >= 5 and site[0].isalpha() and any(ch.isdigit() for ch in site)


def levenshtein(a: str, b: str, limit: int) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


_MONTH_WORD = r"[A-Za-z0][A-Za-z01|]{2,8}"  # a month name, OCR digits for its round or thin letters
_D = "[0-9OoIlSB|]"  # a digit, or a glyph OCR reads for one


_MARK = r"(?:\s*[-/.]\s*|\s+)"  # a date's separator, or the blank left where OCR lost it
_YEAR_FIRST = re.compile(rf"({_D}{{4}}){_MARK}({_D}{{1,2}}){_MARK}({_D}{{1,2}})(?:(?!\d)|(?=\d{{1,2}}:\d\d))")


def parse_date(raw: str) -> str | None:
    """ISO date from 04/03/2026, 03-APR-2026, April 03, 2026, 2026-04-03 (OCR digit slips fixed)."""
    found = _parse_date(raw)
    if found is None and (year_split := _YEAR_SPLIT.sub(_year_joined, raw)) != raw:
        # A blank OCR put inside the year (``Apr. 7, 2 023``, ``18 January 202 1``).
        found = _parse_date(year_split)
    return found


_YEAR_SPLIT = re.compile(r"(?<![\d/.-])(\d{1,3})\s(\d{1,3})(?!\d)")


def _year_joined(m: re.Match[str]) -> str:
    """Two runs of digits a blank parts, joined when together they are a year of this era."""
    year = m.group(1) + m.group(2)
    return year if len(year) == 4 and year[:2] in ("19", "20") else m.group(0)


def _parse_date(raw: str) -> str | None:
    text = _SPACES.sub(" ", raw.split("   ")[0]).strip()
    text = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", text, flags=re.IGNORECASE)  # 3rd April
    if not text:
        return None
    # The day may run into a time whose blank OCR lost (``2024/02/2911:23:09``).
    m = _YEAR_FIRST.search(text)
    if m:
        y, mo, d = (g.translate(_DIGIT_FIX) for g in m.groups())
        return _iso(y, mo, d)
    # A glyph read for a digit opens no date inside a word (the l of ``Jul. 26. 2023``).
    m = re.search(
        r"(?<![A-Za-z])([0-9OoIlSB|]{1,2})\s*[/.-]\s*([0-9OoIlSB|]{1,2})\s*[/.-]\s*([0-9OoIlSB|]{2,4})", text
    )
    # OCR lost one slash or both (``07.02 2020``, ``07 02 2020``); a time may follow.
    m = m or re.fullmatch(r"(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{4})(?:\s.*)?", text)
    # ... or one slash between a two-digit month and day (``1016/2020``, ``10/162020``).
    m = m or re.fullmatch(r"(\d{2})(\d{2})\s*[/.-]\s*(\d{4})(?:\s.*)?", text)
    m = m or re.fullmatch(r"(\d{2})\s*[/.-]\s*(\d{2})(\d{4})(?:\s.*)?", text)
    if m:
        mo, d, y = (g.translate(_DIGIT_FIX) for g in m.groups())
        return _iso(y, mo, d)
    m = re.search(
        rf"(?<![A-Za-z])([0-9OoIlSB|]{{1,2}})\s*[-\s.]\s*({_MONTH_WORD})\.?\s*[-\s.,]\s*([0-9OoIlSB|]{{2,4}})",
        text,
    )
    if m:
        d, mon, y = m.groups()
        month = _month(mon)
        if month:
            return _iso(y.translate(_DIGIT_FIX), str(month), d.translate(_DIGIT_FIX))
    # The month's name is matched as short as it can be: a day run into it (``November13``)
    # is not read as a slip of its last letter. Its abbreviation's full stop may be read as a
    # comma (``Feb, 2, 2024``).
    m = re.search(rf"({_MONTH_WORD}?)[.,]?\s*[-\s]?\s*({_D}{{1,2}})\s*[-,.]?\s*({_D}{{4}})", text)
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
        if len(full) >= 3 and len(key) >= 3 and levenshtein(key, full, 1) <= (1 if len(full) > 3 else 0):
            return num
    return None


def _iso(y: str, mo: str, d: str) -> str | None:
    try:
        year = int(y)
        if year < 100:
            year += 2000 if year < 70 else 1900
        if not 1900 <= year < 2100:
            return None  # three digits of a year whose last OCR parted (``202 1``), no year
        return dt.date(year, int(mo), int(d)).isoformat()
    except ValueError:
        return None


PASSING_SCORE = 70


# A score as printed: up to three digits (OCR may give a letter for one), a decimal part, a
# percent sign or word, ``/100``. Anything else is no score, whatever digits it holds.
SCORE_SHAPE = re.compile(
    r"[0-9OoIlSB|]{1,4}(?:[.,]\d{1,2})?\s*(?:%|PERCENT|PCT)?\s*(?:/\s*100)?\.?", re.IGNORECASE
)
_NO_SCORE = re.compile(
    r"(?i)n\s*/?\s*a|none|-+|\u2014|not\s+(?:applicable|reported|available|scored)|withheld|pass|fail|\*+"
)


def parse_score(raw: str, *, ocr: bool = True) -> tuple[int | None, float]:
    """(score, confidence): N/A, dashes, "not reported" or nothing give None."""
    text = raw.split("   ")[0].strip()
    if not text or _NO_SCORE.fullmatch(text):
        return None, 1.0 if text else 0.9
    spaced = re.fullmatch(r"(\d{1,3})\s+8", text) if ocr else None
    if spaced and int(spaced.group(1)) <= 100:
        return int(spaced.group(1)), 0.7  # 57 % read as 57 8: the percent sign taken for an 8
    noisy = re.fullmatch(r"(\d{1,3})\s*%\s*[^\s%]{1,2}", text) if ocr else None
    if noisy and int(noisy.group(1)) <= 100:
        return int(noisy.group(1)), 0.8  # 98%6: a speck after the percent sign read as a glyph
    zero = re.fullmatch(r"(\d{1,3})\s+[0oO]", text) if ocr else None
    if zero and int(zero.group(1)) <= 100 < int(zero.group(1) + "0"):
        return int(zero.group(1)), 0.7  # 62 % read as 62 0 (``10 0`` may be 100: not taken)
    glyph = re.fullmatch(r"(\d{1,3})\s?[^\d\s%.,/]", text) if ocr else None
    if glyph and int(glyph.group(1)) <= 100:
        return int(glyph.group(1)), 0.7  # 98t: the percent sign read as a letter
    if not SCORE_SHAPE.fullmatch(text):
        return None, 0.3
    text = re.sub(r"(\d)[.,]\d+\s*%?$", r"\1", text)  # 94.0% -> 94
    digits = clean_digits(text, ocr=ocr)
    if digits is None or len(digits) > 4:
        return None, 0.3
    value = int(digits)
    if value > 100 and digits[-1] in ("8469" if ocr else "8") and int(digits[:-1]) <= 100:
        # 43% read as 438 or 434: the percent sign taken for a digit (8 most often, then 4,
        # 6, 9). No score exceeds 100, so the last digit of a larger one is the sign.
        return int(digits[:-1]), 0.7
    if ocr and value > 100 and digits[-1] == "1" and len(digits) == 3 and int(digits[:-1]) <= 100:
        return int(digits[:-1]), 0.6  # 78 % read as 781: the sign's stroke alone, doubted more
    return (value, 1.0) if 0 <= value <= 100 else (None, 0.3)


def parse_grade(raw: str) -> str | None:
    """PASS or FAIL from the grade words vendors print (Pass, PASSED, Satisfactory, UNSAT ...)."""
    text = raw.split("   ")[0].upper()
    text = text.replace("0", "O").replace("5", "S").replace("1", "I")
    if re.search(r"UN\s*SAT|NOT\s+PASS|DID\s+NOT|F\s*A\s*[I1L|]\s*L|FAILED|\bFAIL", text):
        return "FAIL"
    if re.search(r"P\s*A\s*S\s*S|PASSED|SATISF|\bSAT\b", text):
        return "PASS"
    if re.fullmatch(r"\s*([PF])\s*", text):
        return "PASS" if text.strip() == "P" else "FAIL"
    return grade_word(text)


# Grade words OCR may misspell by a letter (``Pased``): none is within two edits of another.
_GRADE_WORDS = (("PASSED", "PASS"), ("FAILED", "FAIL"), ("SATISFACTORY", "PASS"), ("UNSATISFACTORY", "FAIL"))


def grade_word(text: str) -> str | None:
    """The grade of a lone word one edit from a grade word of five letters or more."""
    word = text.strip().rstrip(".").upper()
    if not word.isalpha() or len(word) < 4:
        return None
    found = {grade for known, grade in _GRADE_WORDS if levenshtein(word, known, 1) <= 1}
    return found.pop() if len(found) == 1 else None


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

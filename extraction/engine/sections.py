"""Where the parts of a report begin and end, and what running text looks like.

The marker words that identify a report, the instructor's statement and the end-of-report
notice that close the part holding fields and codes, and the explanatory paragraphs that say
which kind of codes the report lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .layout import SEGMENT_GAP

# Headings of the instructor's part of the report (AC 61-65 endorsements). Running text that
# merely mentions an authorized instructor is not one.
STATEMENTWORDS = (
    r"AUTHORI[ZS]ED\s+INSTRUCTOR'?S|INSTRUCTOR'?S?\s+(?:STATEMENT|ENDORSEMENT|CERTIFICATION)"
    r"|RETEST\s+ENDORSEMENT|ENDORSEMENT\s*\(?\s*14\s*CFR"
)
REPORT_END = re.compile(rf"DO\s*NOT\s*LOSE|KEEP\s+THIS\s+REPORT|{STATEMENTWORDS}", re.IGNORECASE)
REPORT_MARKERS = re.compile(
    r"KNOWLEDGE\s+TEST\s+REPORT|AIRMAN\s+KNOWLEDGE|DO\s*NOT\s*LOSE\s+THIS\s+REPORT|"
    r"AIRMAN\s+CERTIFICATION\s+STANDARDS|LEA(?:RN|M)ING\s+STATEMENT|AIRMAN\s+COMPUTER\s+TEST|"
    r"(?:KNOWLEDGE|EXAM(?:INATION)?|TEST)\s+RESULTS?\s+REPORT|\bSCORE\s+REPORT|"
    r"(?:KNOWLEDGE|SUBJECT)\s+AREAS?\s+(?:MISSED|DEFICIEN)|ACS\s+CODES?\b",
    re.IGNORECASE,
)
STATEMENT = re.compile(STATEMENTWORDS, re.IGNORECASE)
ACS_PARAGRAPH = re.compile(r"CERTIFICATION\s+STANDARDS|\(ACS\)|ACS\s+CODES?", re.IGNORECASE)
# The explanation in words, not a heading (a heading may say "ACS codes" above a paragraph that
# explains learning statement codes).
ACS_EXPLAINED = re.compile(r"CERTIFICATION\s+STANDARDS|\(ACS\)", re.IGNORECASE)
# OCR reads ``rn`` as ``m`` (``Leaming``).
PLT_PARAGRAPH = re.compile(r"LEA(?:RN|M)ING\s+STATEMENT", re.IGNORECASE)
WORD = re.compile(r"(?<![\w.])[A-Za-z]{3,}(?![\w.])")
# The kind's abbreviation, which running text may use alone ("listed by ACS code").
_ACS_WORD = re.compile(r"\bACS\b")
_PLT_WORD = re.compile(r"\b(?:PLT|LSC)\b")


def explained_kinds(lines: Iterable[str]) -> tuple[bool, bool]:
    """(learning statement, ACS): whether running text on the page says which codes it lists.

    The full names count anywhere; an abbreviation only in a sentence (three words or more, not
    ending in a colon), so that a template's heading or preface (``ACS CODES``) does not.
    """
    plt = acs = False
    for line in lines:
        sentence = is_prose(line) and not line.rstrip().endswith(":")
        plt = plt or bool(PLT_PARAGRAPH.search(line) or (sentence and _PLT_WORD.search(line)))
        acs = acs or bool(ACS_EXPLAINED.search(line) or (sentence and _ACS_WORD.search(line)))
    return plt, acs


def is_prose(text: str) -> bool:
    """Running text (three words or more): never a value, and codes in it do not count."""
    return len(WORD.findall(text)) >= 3


# A sub-element's description opens with its letter (``a. Crosswind``).
_SUB_ELEMENT_MARK = re.compile(r"^[a-z][.)]\s+(?=[A-Za-z])")


def is_description(text: str) -> bool:
    """Running text, or a short phrase in lower case (``Balance a control surface.``), or a
    sub-element's, of one word after its letter (``a. Crosswind``)."""
    marked = _SUB_ELEMENT_MARK.match(text.strip()) is not None
    words = re.findall(r"[A-Za-z]{3,}", text)
    letters = "".join(words)
    return is_prose(text) or (
        len(words) >= (1 if marked else 2) and sum(ch.islower() for ch in letters) * 2 >= len(letters)
    )


def cell_beside_description(text: str) -> str | None:
    """The first cell of a row of two whose second is a description (``FLLF.K5c   Special
    considerations``: a code printed with its element's text), else None."""
    cells = [cell for cell in text.split(SEGMENT_GAP) if cell.strip()]
    return cells[0] if len(cells) == 2 and is_description(cells[1]) else None

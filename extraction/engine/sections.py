"""Where the parts of a report begin and end, and what running text looks like.

The marker words that identify a report, the instructor's statement and the end-of-report
notice that close the part holding fields and codes, and the explanatory paragraphs that say
which kind of codes the report lists.
"""

from __future__ import annotations

import re

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


def is_prose(text: str) -> bool:
    """Running text (three words or more): never a value, and codes in it do not count."""
    return len(WORD.findall(text)) >= 3

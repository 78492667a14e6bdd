"""Code tokens of a row: list marks, separators and glued codes taken apart, and the shapes
that say a token is an ACS code (whole, or with its dots lost) or a learning statement code."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .fields import levenshtein

# Marks OCR reads for a code's dot.
SEPARATORS = str.maketrans({",": ".", ":": ".", ";": ".", "·": ".", "•": ".", "_": ".", "'": ".", "`": "."})

_CODEISH = re.compile(r"[A-Za-z0-9|$]")
# Codes are separated by blanks, semicolons, or commas that are followed by a blank or by the
# start of another code (a prefix is two letters that are not both roman numerals). A comma
# inside a code (``PA,III.B.R1``) is a misread dot and does not split.
_SPLIT = re.compile(r"\s+|;|,(?=\s|$|(?![IVX]{2})[A-Z]{2}[.,]|PLT)")


_NEXT_LESS_A_LETTER = r"[A-Z][.,][IVX]{1,4}[.,][A-Z][.,][KRS]\d"
# Two codes OCR glued together (a narrow grid gap lost): a number, or a number and its
# sub-letter, directly followed by the next code's prefix. No code has that inside it.
_GLUED = re.compile(
    r"(?<=\d)(?=[A-Z]{2}[.,]|PLT)|(?<=\d[a-z])(?=[A-Z]{2}[.,])"
    # ... or by the next code less the first letter of its prefix (``IL.VIII.A.S14L.XII.D.K1``):
    # one letter, then a whole area, task and element.
    rf"|(?<=[KRS]\d)(?={_NEXT_LESS_A_LETTER})|(?<=[KRS]\d\d)(?={_NEXT_LESS_A_LETTER})"
)

# Two codes joined by a dot or a colon (a separator such as ``·`` read as one): the mark after an element
# number, or its sub-letter, directly followed by the next code's prefix and its dot.
_DIGIT = "[0-9OIlSZ|]"
_DOT_BETWEEN = re.compile(
    rf"(?:(?<=[KRSkrs5$]{_DIGIT})|(?<=[KRSkrs5$]{_DIGIT}{_DIGIT})|(?<={_DIGIT}[a-z]))[.:]"
    # (a prefix OCR read in mixed case, ``pA.IV``, when an area's numeral follows it)
    r"(?=[A-Z]{2}[.,]|[A-Za-z]{2}[.,][IVXivxl1|]{1,4}[.,])"
)

# List markers before a code: ``1.``, ``2)``, ``(3)``, ``#4``, ``[5]``, bullets and dashes. A
# marker stands at the start of a cell or after a blank, and a blank (or the code) follows.
_MARKER = re.compile(
    r"(?:(?<=\s)|^)(?:\(?\d{1,3}[.):\]\-\u2013](?=[A-Za-z]{2})|"  # a number glued to a code (``7-FLI.F.S1``)
    r"(?:\(?\d{1,3}[.):\]\-\u2013]|\(\d{1,3}\)|\[\d{1,3}\]|#\d{1,3}[.):]?|[•·▪►▸○●■□◦*>»\u2013\u2014-]+)"
    r"(?=\s|[A-Za-z]{2}[.,]|PLT|P[lI1]T))"
)
# Separators between codes that are not part of one: a pipe or slash standing between blanks,
# or glued between the end of one code and the start of the next (a pipe, a slash, a middle dot
# or a bullet, or a dash OCR made of one).
_BETWEEN = re.compile(
    r"\s[|/\\·•]\s|(?<=\d)[|/\\·•\-\u2013](?=[A-Z]{2}[.,]|PLT)|(?<=\d[a-z])[|/\\·•\-\u2013](?=[A-Z]{2}[.,])"
    # (a pipe, a middle dot or a bullet before a code that lost its dots, ``S3|CAIIILA.R2``)
    r"|(?<=[KRS]\d)[|·•](?=[A-Z]{2})|(?<=[KRS]\d\d)[|·•](?=[A-Z]{2})|(?<=[KRS]\d[a-z])[|·•](?=[A-Z]{2})"
)


# Dots a blurred photo read as blanks, where nothing but a code has that shape: after a
# prefix followed by an area numeral, a task and an element (``UA II.A.K1e``), and before an
# element after a whole area and task (``UA.II.A K1e``).
_BLANK_FOR_DOT_HEAD = re.compile(r"\b([A-Z]{2})\s(?=[IVX]{1,4}[.,][A-Z][.,\s][KRS]\d)")
_BLANK_FOR_DOT_TAIL = re.compile(r"\b([A-Z]{2}[.,][IVXl1|]{1,4}[.,][A-Z])\s(?=[KRS]\d{1,2}[a-z]?\b)")


# A mark closing a learning statement code (``PLT052. PLT063.PLT140``: commas read as full
# stops; ``PLT129 . PLT142``: a middle dot between blanks): no PLT code goes on after its
# three digits.
_PLT_END = re.compile(r"(?<=[Pp][Ll1I|][Tt7][0-9OoIlSBZ|]{3})\s*[.,:;](?![0-9])")


# The colon closing a heading before the codes (``Missed elements:. PA.I.H.K1b``): a word of
# three letters or more before it, a blank, a code or a list number after it. A code has no
# such colon.
HEADING_END = re.compile(
    r"(?<=[A-Za-z]{3})[:;][.,:;>\u00bb\u2022\u00b7*-]*(?:\s+|(?=[A-Z]{2}[.,]|PLT|\(?\d{1,3}[.):\]]))"
)


# A learning statement code whose three digits a blank parts (``PLT0 41``): the blank is the
# reading's, since no code of either kind ends in one or two digits after ``PLT``.
_PLT_DIGITS_APART = re.compile(r"\b([Pp][Ll1I|][Tt7][0-9OoIlSBZ|]{1,2}) ([0-9OoIlSBZ|]{1,2})\b")


# An element number the text detection cut in two at a separator (``S1`` and ``3FI.I.A.K1b``
# for ``S13 · FI.I.A.K1b``): no code opens with a digit, and a list's number is printed with its
# mark (``2.``, ``2)``) before a blank, so a digit glued before a prefix ends the element
# number before it.
_NUMBER_CUT = re.compile(r"(?<=\.[KRSkrs]\d)\s+(\d)(?=[A-Z]{2}[.,])")


def number_cut_joined(text: str) -> str:
    """The row with each element number the detection cut in two made whole again."""
    return _NUMBER_CUT.sub(r"\1   ", text)


def _plt_digits_joined(m: re.Match[str]) -> str:
    head, tail = m.groups()
    return head + tail if len(head) - 3 + len(tail) == 3 else m.group(0)


def tokens_of_row(text: str) -> list[str]:
    """Candidate tokens of a code row.

    List markers and separators are removed first; then spaces next to dots, inside
    ``PLT 087`` or ``PLT0 87`` and between an element letter and its number (``K 2a``) are closed, and codes
    glued together are split.
    """
    text = _BETWEEN.sub("   ", text.replace("\t", "   "))
    text = HEADING_END.sub("   ", text)
    text = _PLT_END.sub("   ", text)
    text = _MARKER.sub(" ", text)
    text = re.sub(r"\s*\.\s*", ".", text)
    text = re.sub(r"\b([Pp][Ll1I|][Tt7])\s+(?=[0-9OoIlSBZ|]{3}\b)", r"\1", text)
    text = _PLT_DIGITS_APART.sub(_plt_digits_joined, text)
    text = number_cut_joined(text)
    text = re.sub(r"(\.[KRSkrs])\s+(?=\d{1,2}[a-z]?\b)", r"\1", text)
    text = _BLANK_FOR_DOT_HEAD.sub(r"\1.", text)
    text = _BLANK_FOR_DOT_TAIL.sub(r"\1.", text)
    text = _GLUED.sub(" ", text)
    text = _DOT_BETWEEN.sub(" ", text)
    out = []
    for tok in _SPLIT.split(text):
        tok = tok.strip(".,;:()[]{}<>\"'`*•|/\\-")  # a code neither opens nor ends with a stroke
        if tok:
            out.append(tok)
    return out


def inner_tokens(token: str, prefixes: Iterable[str]) -> list[str]:
    """Tails of a token that open with one of the prefixes and a dot: a code inside a token
    whose head is a list number or a stray mark (``2.CA.IV.M.K3``, ``•PA.I.A.K1``)."""
    wanted = set(prefixes)
    out = []
    for m in re.finditer(r"(?=([A-Za-z0-9|]{2})[.,])", token):
        if m.start() == 0:
            continue
        head = prefix_of(m.group(1))
        if head in wanted:
            out.append(token[m.start() :])
    return out


# Longest token a code can be as read (``AA.VIII.A.K12a`` has 14 characters, with room for a
# doubled stroke or a stray mark): a longer one is codes glued together.
LONGEST_CODE = 16

_HEAD_FIX = str.maketrans("1l|05842", "IIIOSBAZ")


def prefix_of(token: str) -> str:
    """The ACS prefix a token opens with, read through digit slips (``A1`` for ``AI``)."""
    return token[:2].upper().translate(_HEAD_FIX)


def looks_like_acs(token: str) -> bool:
    """Shape of a (possibly misread) ACS code: enough length and some inner structure."""
    t = token.translate(SEPARATORS)
    if not _CODEISH.match(t) or len(t) < 6:
        return False
    dots = t.count(".")
    if len(t) > LONGEST_CODE:
        # Longer, with the dots of two codes: codes glued past splitting, for review.
        return len(t) <= 28 and dots >= 5
    # Dots OCR may lose one of, not all: a barcode or a reference number is no code.
    return dots >= 3 or (dots == 2 and bool(re.search(r"[KRSkrs5$][0-9OIlSZ|]{1,2}[a-z]?$", t)))


_SQUASHED = re.compile(r"[A-Za-z0-9|]{2}[A-Za-z0-9|.]{2,9}\.?[KRSkrs5$][0-9OIlSZ|]{1,2}[a-z]?")


def mostly_capitals(token: str) -> bool:
    """A code is capitals but for its sub-letter and a slip or two (``Al.IIl.A.K1a``): a token
    with more than a third of it in lower case is a word (``Previously``), not a code."""
    return sum(ch.islower() for ch in token) * 3 <= len(token)


def looks_like_squashed_acs(token: str) -> bool:
    """An ACS code whose inner dots OCR lost (``FIIA.R1``, ``AM1FS2``): a head, and an element.

    Too weak a shape to stand alone; taken only in a row that holds codes already, and only
    mostly in capitals (a word of a description beside it is none).
    """
    t = token.translate(SEPARATORS)
    return 6 <= len(t) <= 16 and mostly_capitals(t) and bool(_SQUASHED.fullmatch(t))


def plt_of(token: str) -> str | None:
    # (a stray mark between its letters, ``PL.T045``, ``PL/T278``, is a speck)
    m = re.fullmatch(r"[Pp][.,/']?[Ll1I|][.,/']?[Tt7]\s*[.\-]?\s*([0-9OoIlSBZ|]{3})", token)
    if not m:
        return None
    digits = m.group(1).translate(_PLT_DIGITS)
    return "PLT" + digits


_PLT_DIGITS = str.maketrans("OoIlSBZ|G", "001158216")
# ``PLT`` misread or shortened (``FLT068``, ``FT324``, ``PL7196``), then three digits.
_PLT_SLIPPED = re.compile(r"([A-Z17|]{2,3})[.\-]?([0-9OIlSBZ|G]{3})")
_PLT_LIKE_HEAD = re.compile(r"[PFRBED][LI]?T")


def plt_slipped(token: str) -> str | None:
    """A learning statement code whose ``PLT`` OCR misread by a glyph, or whose P it read as
    a letter of its shape and L lost; taken only beside codes read whole, where nothing else
    of that shape is printed."""
    m = _PLT_SLIPPED.fullmatch(token)
    if m is None or sum(ch.isdigit() for ch in m.group(2)) < 2:
        return None
    head = m.group(1).translate(str.maketrans("1|7", "IIT"))
    if levenshtein(head, "PLT", 1) <= 1 or _PLT_LIKE_HEAD.fullmatch(head):
        return "PLT" + m.group(2).translate(_PLT_DIGITS)
    return None

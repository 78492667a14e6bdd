"""Values that hang on a glyph the recogniser hesitated on (OCR only).

OCR gives each character a probability and the character it ranked next (``layout.CharReads``).
A mean over a line hides the one glyph it was unsure of, and a value copied from the page (a
name, an FTN) has no catalogue to catch a slip: ``KENJI`` read ``KENUJI`` looks as valid as
the truth. A hesitation matters when the runner-up would have made another valid value once
the field's own rules clean it; an ``O`` or a ``0`` in the last place of an FTN makes the same
digit and is no doubt. Codes are checked the same way against the catalogue: ``AM.II.L.K7``
whose ``L`` was nearly an ``I`` is as much ``AM.II.I.K7``, which the catalogue also holds; so
is a code read whole whose letter another code of the page shows OCR confused.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from . import fields as F
from .catalog import Catalog
from .code_tokens import plt_of
from .codes import merged_pairs, normalize_strict, substitutions
from .layout import Row, framed_readings, rival_readings
from .types import ExtractionResult

# A character OCR gave less than these probabilities is a hesitation. A name is words, whose
# letters the recogniser reads with their neighbours; an identifier (FTN, test site, ID) is
# glyphs no neighbour predicts, so a weaker doubt there is doubt enough (``ASHLAYKH``: its S
# at 0.84, the rival an 8; a leading 2 at 0.977 whose rival Z makes another applicant ID).
# A code has the catalogue and its neighbours to check it.
UNSURE_BELOW = 0.7
IDENTIFIER_UNSURE_BELOW = 0.98
IDENTIFIERS = frozenset({"ftn", "applicant_id", "exam_id", "exam_site"})
CODE_UNSURE_BELOW = 0.7
# The weight of a value another framing of its piece read otherwise: no probability, but a
# doubt as strong as any hesitation (``layout.framed_readings``).
FRAMED_WEIGHT = 0.5
# The weight of a glyph the field's rules had to change, whose rival makes another value: the
# recogniser read there what the field cannot hold, so its certainty about it means little
# (``X1.91382``: the 1 sure at 0.997, its rival L; the rules make it ``XI``, the print was ``XL``).
MENDED_WEIGHT = 0.5
# A blank before a name's last letter read under this is no middle initial's (``PRIY A``).
GLUED_INITIAL_BELOW = 0.2


def unsure_below(field: str) -> float:
    """The probability under which a glyph of the field's value is a hesitation."""
    return IDENTIFIER_UNSURE_BELOW if field in IDENTIFIERS else UNSURE_BELOW


# How each value copied from the page as printed (no catalogue or calendar checks it) is
# cleaned from what OCR read, in the order the parser reads them.
CLEANERS: dict[str, Callable[[str], str | None]] = {
    "applicant_name": lambda text: _name_of(text),
    "ftn": F.clean_ftn,
    "applicant_id": lambda text: F.clean_applicant_id(text, ocr=True),
    "exam_id": lambda text: F.clean_digits(text, min_len=6, ocr=True),
    "exam_site": lambda text: F.clean_site(text, ocr=True),
}


# What a printed name is made of: a rival reading with another glyph (``_``, a digit) is none.
_NAME_GLYPHS = re.compile(r"[A-Za-z ,.'-]+")


def _name_of(text: str) -> str | None:
    name = F.clean_name(text, ocr=True)
    return name if name is not None and _NAME_GLYPHS.fullmatch(name) else None


def unsure_fields(
    rows: Sequence[Row], found: Mapping[str, Any], result: ExtractionResult
) -> dict[str, float]:
    """Each copied field a rival reading would change, with the probability of the glyph that
    rival stands on (the lowest such); ``found`` maps a field to what its label gave (``.text``
    as read, ``.row`` where). Fields whose weakest such glyph is under ``UNSURE_BELOW`` are
    unsure (``field_unsure``)."""
    out: dict[str, float] = {}
    for name, clean in CLEANERS.items():
        value = getattr(result, name)
        f = found.get(name)
        if value is None or f is None or f.row >= len(rows):
            continue
        row = rows[f.row]
        mended = _mended(f.text, clean)
        readings = [
            (min(p, MENDED_WEIGHT) if _at(f.text, rival) in mended else p, rival)
            for p, rival in rival_readings(row, f.text, 1.0)
        ] + [(FRAMED_WEIGHT, r) for r in framed_readings(row, f.text)]
        weights = [p for p, rival in readings if _other(clean(rival), value, p)]
        if weights:
            out[name] = min(weights)
    return out


def _mended(text: str, clean: Callable[[str], str | None]) -> set[int]:
    """Places of ``text`` whose glyph the field's rules changed (a ``1`` where a test site
    has letters made an ``I``): the recogniser read there a glyph the field cannot hold."""
    places = [i for i, ch in enumerate(text) if ch.isalnum()]
    read = "".join(text[i] for i in places).upper()
    value = "".join(ch for ch in (clean(text) or "") if ch.isalnum()).upper()
    out: set[int] = set()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, read, value, autojunk=False).get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:
            out.update(places[i1:i2])
    return out


def _at(text: str, rival: str) -> int:
    """The first place where a rival reading departs from the text."""
    return next(
        (k for k, (a, b) in enumerate(zip(text, rival, strict=False)) if a != b), min(len(text), len(rival))
    )


def _other(rival: str | None, value: str, weight: float = 1.0) -> bool:
    """Whether a rival reading makes another valid value. One the field's rules refuse, or a
    name without the comma the value has (reports print ``LAST, FIRST``), is no rival; nor is
    one that glues the middle initial closing it to the given name (``DEVON Y`` as ``DEVONY``)
    unless the recogniser hardly saw that blank (``PRIY A``: a kerned ``YA`` read apart)."""
    if rival is None or ("," in value and "," not in rival):
        return False
    glued = len(value) > 2 and value[-2] == " " and value[-1].isalpha() and rival == value[:-2] + value[-1]
    if glued and weight >= GLUED_INITIAL_BELOW:
        return False
    return rival != value


def unsure_codes(
    rows: Sequence[Row],
    code_rows: Sequence[tuple[int, list[str]]],
    result: ExtractionResult,
    catalog: Catalog,
) -> int:
    """How many reported codes a rival reading of their token makes into another code the
    catalogue holds (or another learning statement code)."""
    reported = {d.raw: d.code for d in result.codes_detail}
    slips = _slips(result)
    count = 0
    for i, tokens in code_rows:
        for token in tokens:
            code = reported.get(token)
            if code is None:
                continue
            plt = code.startswith("PLT")
            rivals = (
                _with_merges(token, [r for _, r in rival_readings(rows[i], token, CODE_UNSURE_BELOW)])
                + framed_readings(rows[i], token)
                + _with_slips(token, slips)
            )
            others = (plt_of(rival) if plt else normalize_strict(rival) for rival in rivals)
            if any(other not in (None, code) and (plt or other in catalog) for other in others):
                count += 1
    return count


def _with_merges(token: str, rivals: list[str]) -> list[str]:
    """The rival readings, and each again with the glyph where it departs from the token read
    as the pair that glyph may stand for: the runner-up ``L`` of a dot is as much ``I.``
    (``IR.V.A.S2`` whose second dot was nearly an ``L`` is ``IR.VI.A.S2``)."""
    out = list(rivals)
    for rival in rivals:
        k = _at(token, rival)
        if k < len(rival):
            out += [rival[:k] + pair + rival[k + 1 :] for pair in merged_pairs(rival[k])]
    return out


def _slips(result: ExtractionResult) -> set[tuple[str, str]]:
    """The letter-for-letter slips the report's codes read through a confusion show: the same
    slip may have turned another code into a valid one (``AM.L.F.K4`` for ``AM.I.F.K4`` says
    this page's I may read as L; ``AM.II.L.K7`` may then be ``AM.II.I.K7``)."""
    return {
        (seen, true)
        for d in result.codes_detail
        if d.raw != d.code and not d.code.startswith("PLT")
        for seen, true in substitutions(d.raw, d.code)
        if seen.isalpha() and true.isalpha() and seen.upper() != true.upper()
    }


def _with_slips(token: str, slips: set[tuple[str, str]]) -> list[str]:
    """The token with one of the page's slips undone at one place."""
    return [
        token[:k] + true + token[k + 1 :] for seen, true in slips for k, ch in enumerate(token) if ch == seen
    ]

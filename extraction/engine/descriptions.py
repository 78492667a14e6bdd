"""Codes settled by the element description printed beside them.

A reading OCR left ambiguous between catalogue codes (one glyph for both ``K3i`` and ``K3l``)
is often printed with its element's description; that text says which code it is.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from .catalog import Catalog
from .codes import Read, Resolution

DESCRIPTION_MATCH = 0.75  # how alike the printed and the catalogue description must be
DESCRIPTION_MARGIN = 0.15  # and how much more alike than the next candidate's


def settle_by_description(
    reads: list[Read], beside: Sequence[str], catalog: Catalog, penalty: float
) -> list[Read]:
    """A reading ambiguous between catalogue codes (``K3I``: ``K3i`` or ``K3l``, one glyph for
    both), printed with its element's description, is the candidate whose catalogue description
    that text is. Descriptions are often cut short (``smoke, haze..``): only as much of each
    catalogue description as was printed is compared. The settled code costs ``penalty`` more:
    the description is evidence, not a reading."""
    out = list(reads)
    for k, ((tok, rc, res), text) in enumerate(zip(reads, beside, strict=True)):
        printed = _plain(text)
        if res.code is not None or res.reason != "ambiguous between catalogue codes" or len(printed) < 12:
            continue
        scored = sorted(
            (
                (_alike(printed, entry.description), code)
                for code in res.candidates
                if (entry := catalog.get(code)) is not None and entry.description
            ),
            reverse=True,
        )
        if not scored or scored[0][0] < DESCRIPTION_MATCH:
            continue
        if len(scored) > 1 and scored[0][0] - scored[1][0] < DESCRIPTION_MARGIN:
            continue
        out[k] = (tok, rc, Resolution(scored[0][1], res.cost + penalty, res.candidates, "description"))
    return out


def _alike(printed: str, description: str) -> float:
    return difflib.SequenceMatcher(None, printed, _plain(description)[: len(printed)]).ratio()


def _plain(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower().rstrip(". ")))

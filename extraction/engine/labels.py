"""The label vocabulary: which words name which result field, matched loosely.

The vocabulary is data (``data/labels.json``): known phrases, word rules for wordings no phrase
holds, words to ignore (``Passing score``, ``Date of birth``) and neutral words that name no
field. Matching forgives case, punctuation, word order, parenthesised units (``Score (%)``),
``#`` or ``No.`` for *number*, and an OCR slip or two in a long word.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .fields import levenshtein

VOCABULARY_PATH = Path(__file__).with_name("data") / "labels.json"
IGNORED = "ignore"  # a known label that is no result field (``Passing score``, ``Date of birth``)
MAX_LABEL_WORDS = 6

_FILLERS = frozenset({"OF", "THE", "YOUR", "A", "AN", "AND", "FOR", "IN"})
_NUMBER_WORDS = frozenset({"NO", "NUM", "NUMB", "NBR", "NR", "NMBR", "NM", "NUMBER", "#"})
_PARENS = re.compile(r"\([^)]*\)?|\[[^\]]*\]?")
_WORDS = re.compile(r"[A-Z0-9]+|#")
# A slash or bar between two letters: a stroke of a glyph OCR read as a mark of its own.
_STRAY_MARK = re.compile(r"(?<=[A-Za-z])[/|\\](?=[A-Za-z])")


def normalize_label(text: str) -> tuple[str, ...]:
    """Words of a label in canonical form: ``Test No.`` and ``TEST #`` are (TEST, NUMBER)."""
    text = re.sub(r"['\u2019]S\b", "", text.upper()).replace("&", " AND ").replace("'", "")
    text = re.sub(r"\bTEST\s+TAKER\b", "TESTTAKER", text)  # the one who sat it, not the test
    text = re.sub(r"(?<=[A-Z])\s+8\s*\.?$", " %", text)  # ``Score %.`` read ``Score 8.``
    if "%" in text or re.search(r"\(\s*8\s*\)", text):
        text += " PERCENT"  # ``Grade (%)`` asks for a percentage (OCR reads the sign as 8): a score
    text = _PARENS.sub(" ", text)
    text = re.sub(r"\bI\s*\.?\s*D\b\.?", "ID", text)
    words = []
    for word in _WORDS.findall(text):
        if word in _NUMBER_WORDS:
            word = "NUMBER"
        if word in _FILLERS:
            continue
        words.append(word)
    return tuple(words)


def _allowed_edits(word: str) -> int:
    return 0 if len(word) <= 3 else 1 if len(word) <= 7 else 2


@dataclass(frozen=True, slots=True)
class Rule:
    """A field named by words: every group must have a word in the label, ``none`` none."""

    field: str
    groups: tuple[frozenset[str], ...]
    none: frozenset[str] = frozenset()


class Vocabulary:
    """Label wordings and rules per field, matched fuzzily; built once per process from data."""

    def __init__(self, data: dict[str, Any]):
        self._exact: dict[tuple[str, ...], str] = {}
        self._phrases: list[tuple[tuple[str, ...], str, str]] = []  # words, squashed, field
        for field, wordings in data.get("phrases", {}).items():
            for wording in wordings:
                words = normalize_label(wording)
                if words and words not in self._exact:
                    self._exact[words] = field
                    self._phrases.append((words, "".join(words), field))
        self._phrases.sort(key=lambda p: -len(p[1]))
        self._rules = [
            Rule(
                r["field"],
                tuple(frozenset(w for word in group for w in normalize_label(word)) for group in r["all"]),
                frozenset(w for word in r.get("none", ()) for w in normalize_label(word)),
            )
            for r in data.get("rules", ())
        ]
        # Words a label may be made of when no phrase knows it: the rules' and the neutral
        # ones (not every phrase word: ``PASS`` is a value more often than a label).
        known: set[str] = {w for rule in self._rules for group in rule.groups for w in group}
        known.update(w for word in data.get("neutral", ()) for w in normalize_label(word))
        self._known = frozenset(known)
        self._by_length: dict[int, list[str]] = {}
        for word in self._known:
            self._by_length.setdefault(len(word), []).append(word)
        self._words = self._known | frozenset(w for words, _, _ in self._phrases for w in words)

    def words(self) -> frozenset[str]:
        """Every word of every label the vocabulary knows, in canonical form."""
        return self._words

    @classmethod
    def load(cls, path: Path = VOCABULARY_PATH) -> Vocabulary:
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def classify(self, text: str, *, colon: bool = False) -> tuple[str, float] | None:
        """(field, match score in (0, 1]) of a label text, or None when it is no known label.

        A parenthesised part that names a field itself settles it (``FAA ID (FTN)``); one
        that names none (``(LAST, FIRST MI)``, ``(MM/DD/YYYY)``) is left out. ``colon``: the
        text stands before a colon, which says it is a label, so one of its words may be lost.
        """
        found = self._classify(normalize_label(text), colon)
        if found is None and (joined := _STRAY_MARK.sub("", text)) != text:
            # A stroke OCR read as a mark inside a word (``RESUL/T(%)``) cuts it in two.
            again = self._classify(normalize_label(joined), colon)
            found = (again[0], min(again[1], 0.9)) if again is not None else None
        for inner in _PARENS.findall(text):
            named = self._classify(normalize_label(inner.strip("()[]")))
            if named is None or named[0] == IGNORED:
                continue
            if found is None and colon:
                return named[0], 0.85  # the words before it misread past knowing (``Tracking NIr (FTN)``)
            if found is not None and named[0] != found[0]:
                return named[0], 0.95
        return found

    @lru_cache(maxsize=8192)  # noqa: B019 (one vocabulary per process; labels repeat)
    def _classify(self, words: tuple[str, ...], colon: bool = False) -> tuple[str, float] | None:
        if not words or len(words) > MAX_LABEL_WORDS or any(not w.isalpha() for w in words):
            return None
        field = self._exact.get(words)
        if field is not None:
            return field, 1.0
        if all(w in self._known for w in words) and (field := self._rule(words)) is not None:
            return field, 0.95
        phrase = self._phrase(words)
        if phrase is not None:
            return phrase
        # A wording no phrase knows, read with slips: every word must be a known one, but for
        # one longer word of a label of several before a colon, garbled past knowing
        # (``Attempt munber:``), when the words read name the field by themselves.
        known: list[str] = []
        lost = 0
        for word in words:
            match = self._known_word(word)
            if (
                match is None
                and len(word) < 5
                and len(words) > 1
                and sum(w != word for w in words) == len(words) - 1
            ):
                short = self._short_slip(word, [w for w in words if w != word])
                if short is not None:
                    known.append(short)
                    continue
            if match is None and colon and len(words) > 1 and len(word) >= 6:
                match = self._far_word(word)  # two slips in a long word (``AUEMPT``)
                lost += match is not None
            if match is None:
                if not colon or len(words) < 2 or len(word) < 4 or lost:
                    return None
                lost += 1
                continue
            known.append(match)
        if lost and all(w == "NUMBER" for w in known):
            return None  # ``#`` alone names no field once the word before it is lost
        field = self._rule(tuple(known))
        slips = sum(1 for word in words if word not in self._known) + lost
        return (field, round(max(0.5, 0.95 - 0.15 * slips), 3)) if field is not None else None

    def _short_slip(self, word: str, others: list[str]) -> str | None:
        """The known word a short word (three or four letters) of a label was read for, with one
        slip (``Pet Correct``): only beside words read exactly, and only when every known word
        that near makes the label name the same field (``PLT`` or ``PCT`` for ``PET``)."""
        if len(word) < 3 or not word.isalpha() or not all(w in self._known for w in others):
            return None
        fitting: dict[str | None, str] = {
            self._rule((*others, candidate)): candidate
            for candidate in sorted(self._by_length.get(len(word), ()))
            if levenshtein(word, candidate, 1) <= 1
        }
        fields = set(fitting)
        if len(fields) != 1 or fields & {None, IGNORED}:
            return None
        return fitting[fields.pop()]

    def labelish(self, text: str) -> bool:
        """Text half of whose words at least are label words, one of them a long one
        (``TRACKING sO.``): a label misread past knowing rather than a value, whatever shape it has."""
        words = normalize_label(text)
        known = [w for w in words if w in self._known]
        return 2 * len(known) >= len(words) > 0 and any(len(w) >= 4 for w in known)

    def _rule(self, words: tuple[str, ...]) -> str | None:
        present = frozenset(words)
        for rule in self._rules:
            if all(group & present for group in rule.groups) and not rule.none & present:
                return rule.field
        return None

    def _known_word(self, word: str) -> str | None:
        if word in self._known:
            return word
        budget = 1 if len(word) >= 5 else 0
        if not budget:
            return None
        for length in (len(word), len(word) - 1, len(word) + 1):
            for candidate in self._by_length.get(length, ()):
                if levenshtein(word, candidate, budget) <= budget:
                    return candidate
        return None

    def _far_word(self, word: str) -> str | None:
        """The one known word within two slips of a long word, if only one is."""
        near = {
            candidate
            for length in range(len(word) - 2, len(word) + 3)
            for candidate in self._by_length.get(length, ())
            if len(candidate) >= 6 and levenshtein(word, candidate, 2) <= 2
        }
        return near.pop() if len(near) == 1 else None

    def _phrase(self, words: tuple[str, ...]) -> tuple[str, float] | None:
        """The nearest phrase within OCR slips (exact phrases are looked up before)."""
        squashed = "".join(words)
        best: tuple[float, int, str] | None = None
        for phrase, joined, field in self._phrases:
            if abs(len(joined) - len(squashed)) > 2:
                continue
            cost = _word_cost(words, phrase)
            if cost is None:
                # Words run together or split apart by OCR (``TESTDATE``): one slip at most.
                if len(words) == len(phrase) or len(joined) < 6:
                    continue
                distance = levenshtein(squashed, joined, 1)
                if distance > 1:
                    continue
                cost = distance
            if best is None or (cost, -len(joined)) < (best[0], -best[1]):
                best = (cost, len(joined), field)
        if best is None:
            return None
        return best[2], round(max(0.5, 1.0 - 0.15 * best[0]), 3)


def _word_cost(words: tuple[str, ...], phrase: tuple[str, ...]) -> float | None:
    """Edits to turn the label's words into the phrase's, in any order; None when too far."""
    if len(words) != len(phrase):
        return None
    left = list(phrase)
    total = 0
    for word in sorted(words, key=len, reverse=True):
        # Only words within their own allowance compete: a short word's bound-exceeded distance
        # must not tie with, and win over, a long word reached within its larger allowance.
        options = [
            (cost, i)
            for i, p in enumerate(left)
            if (cost := levenshtein(word, p, _allowed_edits(p))) <= _allowed_edits(p)
        ]
        if not options:
            return None
        cost, index = min(options)
        total += cost
        left.pop(index)
    return total


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return Vocabulary.load()

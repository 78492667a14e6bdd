"""Deficient-code candidates and their verification against the catalogue.

A token printed exactly in the code grammar and present in the catalogue is taken as is.
Anything else (OCR output) is matched against a trie of the catalogue codes of the report's
ACS prefixes with a confusion-aware edit distance: ``1``/``l``/``|`` for ``I``, lost or doubled
dots, ``S``/``5``, a comma glued to the code ... A reading that is neither close to one code
nor clearly closer to one code than to every other is kept in ``unresolved`` with its raw text.
"""

from __future__ import annotations

import math
import re
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from .catalog import Catalog
from .code_tokens import SEPARATORS as _SEPARATORS
from .grammar import ACS_ANYCASE_RE, acs_code_from_parts

ACCEPT_COST = 1.0  # at most this far from the catalogue code
MARGIN = 0.25  # and at least this much closer than the runner-up
SEARCH_COST = 2.2  # candidates kept for the unresolved list


def normalize_strict(token: str) -> str | None:
    """The normalized form of a token that follows the grammar exactly (case aside)."""
    m = ACS_ANYCASE_RE.match(token)
    return acs_code_from_parts(*m.groups()) if m else None


# --------------------------------------------------------------------------- confusion costs

# (characters, cost): any two characters of one group are confused at that cost. Calibrated
# on what PP-OCR and Tesseract do to report fonts: vertical strokes (I, 1, l, |) are nearly
# interchangeable, ``i`` less so (its dot), ``L``/``T`` for ``I`` in roman numerals rarer still.
_GROUPS: list[tuple[str, float]] = [
    ("I1l|", 0.2),
    ("I1l|!", 0.35),
    ("I1l|i", 0.5),
    ("I1l[]", 0.45),
    ("Ii", 0.35),
    ("ij", 0.4),
    ("LTI", 0.6),
    ("L1", 0.6),
    ("O0", 0.2),
    ("O0o", 0.3),
    ("O0DQ", 0.5),
    ("S5", 0.25),
    ("Ss", 0.15),
    ("S5s$", 0.4),
    ("B8", 0.3),
    ("Z2z", 0.3),
    ("G6", 0.4),
    ("A4", 0.5),
    ("EF", 0.6),
    ("RP", 0.6),
    ("RB", 0.7),
    ("KX", 0.6),
    ("HN", 0.6),
    ("UV", 0.4),
    ("VY", 0.5),
    ("CG", 0.5),
    ("Cc(", 0.3),
    ("ao", 0.5),
    ("ec", 0.5),
    ("hb", 0.5),
    ("hn", 0.5),
    ("rn", 0.6),
    ("b6", 0.5),
    ("g9q", 0.4),
    ("fl", 0.6),
    ("ft", 0.6),
]
_SUB: dict[tuple[str, str], float] = {}
for chars, cost in _GROUPS:
    for a in chars:
        for b in chars:
            if a != b:
                _SUB[(a, b)] = min(_SUB.get((a, b), 9.0), cost)
# One way only: a blurred S closes into an 8 (``CA.II.B.81``), while an 8 read as S would
# also be a 5 read as S, which is far more common, so that direction stays expensive.
_SUB[("8", "S")] = 0.5
# Narrow glyphs are the ones OCR drops or doubles (II read as I, III as II1I).
_THIN = frozenset("I1l|i!")


# Two characters of a code that OCR reads as one glyph, as {printed pair: {glyph: cost}}: a
# stroke and the dot at its foot read as the foot of an ``L`` (``FI.I.B`` read ``FLLB``).
_MERGED: dict[str, dict[str, float]] = {"I.": {"L": 0.3}}
# How much more than the search's bound a row ending in a merge's first character may cost:
# the merge can undo the slip that row paid for that character.
_MERGE_SLACK = {"I": 0.3}


def merged_pairs(glyph: str) -> list[str]:
    """The printed pairs OCR may read as this one glyph (``L`` for ``I.``)."""
    return [pair for pair, glyphs in _MERGED.items() if glyph in glyphs]


def _merged_cost(seen: str, pair: str) -> float:
    return _MERGED.get(pair, {}).get(seen, math.inf)


def sub_cost(seen: str, true: str) -> float:
    if seen == true:
        return 0.0
    cost = _SUB.get((seen, true))
    if seen.lower() == true.lower():
        cost = min(cost if cost is not None else 9.0, 0.15)
    return cost if cost is not None else 1.0


# A confusion the document's own codes show, in two codes or more, costs this much elsewhere
# in it: one font under one blur repeats its slips (``FI.I`` read ``FLI`` line after line).
LEARNED_COST = 0.2
Learned = Mapping[tuple[str, str], float]  # confusions a document showed, with what they cost


def substitutions(seen: str, true: str) -> list[tuple[str, str]]:
    """The characters the cheapest alignment of a reading to its code swaps, as (seen, true); a
    glyph read for a merged pair counts as read for the pair's letter."""
    seen = seen.translate(_SEPARATORS)
    first = [0.0]
    for ch in seen:
        first.append(first[-1] + _extra_cost(ch))
    # cost[j][i]: ``true[:j]`` read as ``seen[:i]``, one row per character of the code, as the
    # trie search computes them.
    cost = [first]
    for j, ch in enumerate(true):
        cost.append(
            _next_row(seen, cost[-1], cost[-2] if j else first, true[j - 1] if j else "", ch, sub_cost)
        )
    swaps: list[tuple[str, str]] = []
    i, j = len(seen), len(true)
    while i and j:
        a, b = seen[i - 1], true[j - 1]
        if math.isclose(cost[j][i], cost[j - 1][i - 1] + sub_cost(a, b)):
            if a != b:
                swaps.append((a, b))
            i, j = i - 1, j - 1
        elif j > 1 and math.isclose(cost[j][i], cost[j - 2][i - 1] + _merged_cost(a, true[j - 2 : j])):
            swaps.append((a, true[j - 2]))  # the glyph stood for the pair's letter (L for I.)
            i, j = i - 1, j - 2
        elif math.isclose(cost[j][i], cost[j][i - 1] + _extra_cost(a)):
            i -= 1
        else:
            j -= 1
    return swaps[::-1]


def document_confusions(reads: Iterable[tuple[str, str]]) -> Learned:
    """Confusions that at least two (reading, code) pairs of one document made, cheapened."""
    seen_in = Counter(pair for token, code in reads for pair in set(substitutions(token, code)))
    return {
        pair: LEARNED_COST
        for pair, count in seen_in.items()
        if count >= 2 and pair[0].isalnum() and pair[1].isalnum() and sub_cost(*pair) > LEARNED_COST
    }


def _extra_cost(seen: str) -> float:  # a character OCR added
    if seen in ". ":
        return 0.3
    return 0.5 if seen in _THIN else 1.0


def _drop_cost(true: str) -> float:  # a character OCR lost
    if true == ".":
        return 0.35
    return 0.5 if true in _THIN else 1.0


# --------------------------------------------------------------------------- trie search


@dataclass(slots=True)
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    code: str | None = None


def _next_row(
    token: str,
    row: list[float],
    before: list[float],
    last: str,
    ch: str,
    swap: Callable[[str, str], float],
    dot_drop: float | None = None,
) -> list[float]:
    """The costs of reading each prefix of ``token`` for a code prefix one character ``ch``
    longer than ``row``'s (``before``: the row ahead of ``last``, the character before ``ch``,
    for a pair read as one glyph; ``dot_drop``: what a lost dot costs, if not the usual)."""
    drop = dot_drop if dot_drop is not None and ch == "." else _drop_cost(ch)
    new = [row[0] + drop]
    for j, seen in enumerate(token, 1):
        new.append(min(row[j] + drop, new[j - 1] + _extra_cost(seen), row[j - 1] + swap(seen, ch)))
    merged = _MERGED.get(last + ch)
    if merged:
        for j, seen in enumerate(token, 1):
            if seen in merged:
                new[j] = min(new[j], before[j - 1] + merged[seen])
    return new


class CodeTrie:
    def __init__(self, codes: Iterable[str]):
        self.root = _Node()
        for code in codes:
            node = self.root
            for ch in code:
                node = node.children.setdefault(ch, _Node())
            node.code = code

    def search(
        self, token: str, max_cost: float, learned: Learned | None = None, dot_drop: float | None = None
    ) -> list[tuple[float, str]]:
        """Every code within ``max_cost`` of the token, cheapest first; ``learned`` confusions
        cost what it says instead of their usual price, and a lost dot ``dot_drop`` if given."""
        swap: Callable[[str, str], float] = sub_cost
        if learned:
            swap = lambda seen, true: learned.get((seen, true)) or sub_cost(seen, true)  # noqa: E731
        first = [0.0]
        for ch in token:
            first.append(first[-1] + _extra_cost(ch))
        found: list[tuple[float, str]] = []
        # (node, its row, the row before its character, its character)
        stack: list[tuple[_Node, list[float], list[float], str]] = [(self.root, first, first, "")]
        while stack:
            node, row, before, last = stack.pop()
            for ch, child in node.children.items():
                new = _next_row(token, row, before, last, ch, swap, dot_drop)
                if child.code is not None and new[-1] <= max_cost:
                    found.append((round(new[-1], 3), child.code))
                # A row may still lead to a merge that costs less than the slip it replaces.
                if child.children and min(new) <= max_cost + _MERGE_SLACK.get(ch, 0.0):
                    stack.append((child, new, row, ch))
        found.sort()
        return found


@dataclass(slots=True)
class Resolution:
    code: str | None
    cost: float
    candidates: list[str]
    reason: str = ""


class Resolver:
    """Catalogue-constrained resolution of ACS tokens, with per-prefix tries built lazily."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self._tries: dict[frozenset[str], CodeTrie] = {}

    def _trie(self, prefixes: frozenset[str]) -> CodeTrie:
        trie = self._tries.get(prefixes)
        if trie is None:
            codes = [c for p in prefixes for c in self.catalog.by_prefix.get(p, ())]
            trie = self._tries[prefixes] = CodeTrie(codes)
        return trie

    def sub_letter_is_blind(self, token: str, strict: str) -> bool:
        """A capital ``I`` sub-letter is the glyph of ``l`` as much as a case slip of ``i``.

        Lowering its case would pick ``i`` unseen; when both codes exist the reading is left to
        the weighted search (ambiguous there), so print order or ``unresolved`` settles it.
        """
        return token.endswith("I") and strict[:-1] + "l" in self.catalog

    def nearby(self, token: str, prefixes: frozenset[str], max_cost: float) -> list[tuple[float, str]]:
        """Catalogue codes of the prefixes within ``max_cost`` of the token, cheapest first."""
        if not prefixes:
            return []
        return self._trie(prefixes).search(token.translate(_SEPARATORS), max_cost)

    def resolve(
        self,
        token: str,
        prefixes: frozenset[str],
        learned: Learned | None = None,
        dot_drop: float | None = None,
    ) -> Resolution:
        strict = normalize_strict(token)
        if strict is not None and strict in self.catalog and not self.sub_letter_is_blind(token, strict):
            return Resolution(strict, 0.0, [strict])
        cleaned = token.translate(_SEPARATORS)
        if not prefixes:
            return Resolution(None, 9.0, [], "no ACS prefix known for this exam")
        found = self._trie(prefixes).search(cleaned, SEARCH_COST, learned, dot_drop)
        if not found:
            return Resolution(None, 9.0, [], "no catalogue code is close")
        best_cost, best = found[0]
        runner = found[1][0] if len(found) > 1 else 9.0
        cands = [c for _, c in found[:5]]
        if best_cost <= ACCEPT_COST and runner - best_cost >= MARGIN:
            return Resolution(best, best_cost, cands)
        if best_cost <= ACCEPT_COST:
            return Resolution(None, best_cost, cands, "ambiguous between catalogue codes")
        return Resolution(None, best_cost, cands, "too far from any catalogue code")

    def resolve_dotless(self, token: str, prefixes: frozenset[str]) -> Resolution:
        """A token that lost every dot (``PAIFR2``, ``CAIVMKI``): the blur that took one took them
        all, so a lost dot costs little (``DOTLESS_DROP``) and the catalogue's code is the one
        its letters spell. Resolved with the reason ``dots lost``; the caller sends it to review."""
        if not DOTLESS.fullmatch(token):
            return Resolution(None, 9.0, [], "not a token that lost its dots")
        res = self.resolve(token, prefixes, dot_drop=DOTLESS_DROP)
        if res.code is None or res.cost > DOTLESS_ACCEPT:
            return Resolution(None, res.cost, res.candidates, "too far from any catalogue code")
        return Resolution(res.code, res.cost, res.candidates, "dots lost")


# A token of a code's length with no dot or comma left: letters, digits and strokes only.
DOTLESS = re.compile(r"[A-Za-z0-9|]{5,14}")
DOTLESS_DROP = 0.1  # a lost dot, where every dot of the token was lost
DOTLESS_ACCEPT = 0.7  # the dots and a slip or two more: a lost glyph (``PAIAK``) is too far


Read = tuple[str, float, Resolution]  # a code token, its row's confidence, its resolution


_RESOLVERS: weakref.WeakKeyDictionary[Catalog, Resolver] = weakref.WeakKeyDictionary()


def resolver_for(catalog: Catalog) -> Resolver:
    """The resolver of a catalogue, built on first use and kept as long as the catalogue lives."""
    resolver = _RESOLVERS.get(catalog)
    if resolver is None:
        resolver = _RESOLVERS[catalog] = Resolver(catalog)
    return resolver

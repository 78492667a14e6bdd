"""Merging a vision model's reading of a report with the engine's OCR result.

The model's transcription is cleaned and verified with the engine's own rules (codes outside
the catalogue never pass) and merged with the OCR result: agreement raises confidence, the
vision reading replaces only OCR values that were themselves uncertain, and whatever neither
side confirms ends in ``unresolved``. Calling the model is the caller's business.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from . import fields as F
from . import titles as T
from .catalog import Catalog
from .code_block import code_detail, prefixes_of_exam
from .codes import SEARCH_COST, CodeTrie, normalize_strict, resolver_for
from .grammar import PLT_CODE_RE
from .parse import FIELD_ORDER, check_expiration, finish_confidence
from .types import CodeDetail, CodeKind, ExtractionResult, Unresolved
from .vision import VisionAnswer

VISION_CONF = 0.85  # a value only the vision model read, after cleaning and verification
AGREEMENT_CONF = 0.98  # OCR and the vision model read the same value independently
DISAGREEMENT_CONF = 0.6  # a confident OCR value the vision model contradicts: kept, flagged


def clean_fields(answer: VisionAnswer) -> tuple[dict[str, object], dict[str, float]]:
    """The transcription's field values through the same cleaning as OCR text, with confidences."""
    t = answer.text
    values: dict[str, object] = {
        "applicant_name": F.clean_name(t["applicant_name"] or ""),
        "ftn": F.clean_ftn(t["ftn"] or ""),
        "applicant_id": _applicant_id(t["applicant_id"] or ""),
        "exam_id": F.clean_digits(t["exam_id"] or "", min_len=6),
        "exam_date": F.parse_date(t["exam_date"] or ""),
        "exam_site": F.clean_site(t["exam_site"] or ""),
        "score": answer.score if answer.score is not None and 0 <= answer.score <= 100 else None,
        "grade": F.parse_grade(t["grade"] or ""),
        "take": answer.take if answer.take is not None and 1 <= answer.take <= 99 else None,
        "expiration_date": F.parse_date(t["expiration_date"] or ""),
    }
    conf = {name: VISION_CONF if value is not None else 0.0 for name, value in values.items()}
    title, code, title_conf = T.clean_title(t["exam_title"] or "")
    values["exam_title"], values["exam_code"] = title, code
    conf["exam_title"] = conf["exam_code"] = round(VISION_CONF * title_conf, 3) if title else 0.0
    return values, conf


def _applicant_id(raw: str) -> str | None:
    return F.clean_digits(raw, min_len=4) or (F.clean_ftn(raw) if raw else None)


@dataclass(slots=True)
class _VisionCodes:
    """Vision code readings sorted by how far the catalogue confirms them."""

    exact: dict[str, str] = field(default_factory=dict)  # catalogue code in the exam's prefixes -> raw
    weak: dict[str, tuple[str, Unresolved]] = field(default_factory=dict)  # needs OCR agreement
    rejected: list[Unresolved] = field(default_factory=list)


def _plt(token: str) -> str | None:
    code = re.sub(r"[\s.\-]", "", token.upper())
    return code if PLT_CODE_RE.match(code) else None


def code_kind_of(tokens: tuple[str, ...]) -> CodeKind | None:
    """``plt`` when most tokens are learning statement codes, ``acs`` otherwise; None without tokens."""
    if not tokens:
        return None
    plt = sum(1 for t in tokens if _plt(t))
    return "plt" if plt * 2 > len(tokens) else "acs"


def verify_codes(
    tokens: tuple[str, ...], kind: str, prefixes: frozenset[str], catalog: Catalog
) -> _VisionCodes:
    """Each token against the catalogue. Only an exact catalogue code of the exam passes alone.

    A near miss the engine's resolver can correct, or a catalogue code of another exam, is
    accepted only where OCR read the same code; anything else is rejected to ``unresolved``.
    """
    out = _VisionCodes()
    for token in tokens:
        plt = _plt(token)
        if kind == "plt":
            if plt:
                out.exact.setdefault(plt, token)
            else:
                out.rejected.append(Unresolved(token, "not a learning statement code"))
            continue
        if plt:
            out.rejected.append(Unresolved(token, "not an ACS code"))
            continue
        strict = normalize_strict(token)
        if strict is not None and strict in catalog:
            if strict.split(".")[0] in prefixes:
                out.exact.setdefault(strict, token)
            else:
                out.weak[strict] = (token, Unresolved(token, "outside the exam's ACS prefixes", [strict]))
            continue
        res = resolver_for(catalog).resolve(token, prefixes)
        if res.code is not None:
            out.weak[res.code] = (token, Unresolved(token, "not in the catalogue as read", res.candidates))
        else:
            out.rejected.append(Unresolved(token, "not in the catalogue", res.candidates))
    return out


# --------------------------------------------------------------------------- merge


def merge(
    ocr: ExtractionResult, answer: VisionAnswer, catalog: Catalog, *, threshold: float
) -> ExtractionResult:
    """One result from the OCR reading and the vision transcription (see the module docstring).

    ``path`` says which reading the result rests on: ``vision`` when every value in it was read
    by the vision model (OCR agreeing or not), ``ocr+vision`` when some come from OCR alone.
    """
    values, vconf = clean_fields(answer)
    merged = replace(
        ocr,
        codes=[],
        codes_detail=[],
        unresolved=[],
        field_confidence={},
    )
    conf: dict[str, float] = {}
    from_ocr = from_vision = contradicted = False
    for name in FIELD_ORDER:  # exam_code follows exam_title
        o, v = getattr(ocr, name), values[name]
        oc = ocr.field_confidence.get(name, 0.0)
        take_vision = False
        if v is None:
            c = oc
            from_ocr |= o is not None
        elif o == v:
            c = max(oc, AGREEMENT_CONF)
            from_vision = True
        elif (o is None and name != "score") or oc < threshold:
            # A confident missing score is a reading too: the report prints PASS/FAIL only.
            take_vision, c = True, vconf[name]
            from_vision = True
        else:
            c = min(oc, DISAGREEMENT_CONF)
            from_ocr = contradicted = True
        setattr(merged, name, v if take_vision else o)
        conf[name] = round(c, 3)
        if name == "exam_title":  # the test code travels with the title it was read from
            code = values["exam_code"] if take_vision else ocr.exam_code
            merged.exam_code = code if isinstance(code, str) else None
            conf["exam_code"] = round(c, 3)
    check_expiration(merged, conf, VISION_CONF)

    kind = ocr.code_kind if (ocr.codes or ocr.unresolved or not answer.codes) else code_kind_of(answer.codes)
    merged.code_kind = kind
    prefixes = prefixes_of_exam(merged, catalog) or _voted_prefixes(ocr, answer, catalog)
    seen = verify_codes(answer.codes, kind or "acs", prefixes, catalog)

    details: dict[str, CodeDetail] = {}
    unresolved: list[Unresolved] = []
    ocr_codes = {d.code: d for d in ocr.codes_detail}
    newcomers = [c for c in seen.exact if c not in ocr_codes]
    settling = {c for u in ocr.unresolved for c in u.candidates if c in newcomers}
    unconfirmed = [d for c, d in ocr_codes.items() if c not in seen.exact and c not in seen.weak]
    pairs = pair_readings(unconfirmed, [c for c in newcomers if c not in settling])
    for code, d in ocr_codes.items():
        if code in seen.exact or code in seen.weak:
            agreed = AGREEMENT_CONF if code.split(".")[0] in prefixes or kind == "plt" else d.confidence
            details[code] = replace(d, confidence=round(max(d.confidence, agreed), 3))
            from_vision = True
        elif code in pairs and d.confidence >= threshold:
            details[code] = replace(d, confidence=round(min(d.confidence, DISAGREEMENT_CONF), 3))
            from_ocr = contradicted = True
        elif code in pairs:
            vision_code = pairs[code]
            details[vision_code] = _code_detail(catalog, vision_code, kind, seen.exact[vision_code])
            from_vision = True
        elif d.confidence >= threshold:
            details[code] = d
            from_ocr = True
        else:
            unresolved.append(Unresolved(d.raw, "not confirmed by the vision model", [code]))
            from_ocr = True
    paired = set(pairs.values())
    for code in newcomers:
        if code not in paired:
            details[code] = _code_detail(catalog, code, kind, seen.exact[code])
            from_vision = True
    unresolved += [u for code, (_, u) in seen.weak.items() if code not in details]
    unresolved += seen.rejected
    for u in ocr.unresolved:
        if not any(c in details for c in u.candidates):
            unresolved.append(u)
            from_ocr = True

    merged.codes = sorted(details)
    merged.codes_detail = [details[c] for c in merged.codes]
    merged.unresolved = unresolved
    finish_confidence(merged, conf)
    merged.path = "vision" if not from_ocr else ("ocr+vision" if from_vision else ocr.path)
    _merge_review(merged, ocr, contradicted=contradicted)
    return merged


def _merge_review(merged: ExtractionResult, ocr: ExtractionResult, *, contradicted: bool) -> None:
    """Keep every doubt of the OCR reading and add those the merge itself raised.

    A second reading never clears the engine's review on its own: only the engine decides what is
    sure. It adds ``code_unresolved`` when tokens are left unresolved and ``low_confidence`` when
    the model contradicted a confident OCR value (kept, confidence lowered: "flagged").
    """
    reasons = list(ocr.review_reasons)
    if merged.unresolved:
        reasons.append("code_unresolved")
    if contradicted:
        reasons.append("low_confidence")
    merged.review_reasons = list(dict.fromkeys(reasons))
    merged.review = ocr.review or bool(merged.review_reasons)


def pair_readings(ocr_codes: list[CodeDetail], vision_codes: list[str]) -> dict[str, str]:
    """OCR code -> vision code, for readings that look like one printed code read two ways.

    Codes each side read and the other did not are paired one to one, closest first, when the
    engine's confusion-aware distance (from the OCR text or its resolved code) allows it: the
    same line read ``PA.II.A.K1`` by OCR and ``PA.III.A.K1`` by the model is a disagreement
    about one code, not two codes.
    """
    if not ocr_codes or not vision_codes:
        return {}
    trie = CodeTrie(vision_codes)
    options: list[tuple[float, str, str]] = []
    for d in ocr_codes:
        best: dict[str, float] = {}
        for cost, code in [*trie.search(d.raw, SEARCH_COST), *trie.search(d.code, SEARCH_COST)]:
            best[code] = min(cost, best.get(code, cost))
        options += [(cost, d.code, code) for code, cost in best.items()]
    pairs: dict[str, str] = {}
    for _, ocr_code, vision_code in sorted(options):
        if ocr_code not in pairs and vision_code not in pairs.values():
            pairs[ocr_code] = vision_code
    return pairs


def _code_detail(catalog: Catalog, code: str, kind: CodeKind | None, raw: str) -> CodeDetail:
    if kind == "plt":
        return CodeDetail(code, "", "", "", "", VISION_CONF, raw)
    return code_detail(catalog, code, VISION_CONF, raw)


def _voted_prefixes(ocr: ExtractionResult, answer: VisionAnswer, catalog: Catalog) -> frozenset[str]:
    """Without a known exam code, the prefix most codes carry (as the OCR path decides it)."""
    votes = Counter(
        s.split(".")[0]
        for s in [*ocr.codes, *(normalize_strict(t) for t in answer.codes)]
        if s and s.split(".")[0] in catalog.by_prefix
    )
    return frozenset(p for p, _ in votes.most_common(1))


__all__ = [
    "clean_fields",
    "merge",
    "pair_readings",
    "verify_codes",
]

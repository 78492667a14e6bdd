"""Greedy CTC decoding over a synthetic probability matrix: no model file is needed."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from extraction.engine.layout import CharReads
from extraction.engine.ocr_models import HIDDEN_GLYPH_MIN, SOFT_MARKS, OcrModels

_CHARS = ["", *"ABEFHILKNOPRSVW.1'-", " "]
# A recogniser's dictionary without its model: what the decoder reads from ``self``.
_FAKE = SimpleNamespace(
    rec_chars=_CHARS,
    rec_marks=np.asarray([_CHARS.index(m) for m in SOFT_MARKS]),
)


def _decode(frames: list[tuple[str, float]], mark: str = " ") -> str:
    """Decode frames given as (emitted glyph or '' for blank, the mark's weight there)."""
    probs = np.zeros((len(frames), len(_CHARS)), dtype=np.float32)
    for t, (glyph, weight) in enumerate(frames):
        probs[t, _CHARS.index(glyph)] = 0.9
        probs[t, _CHARS.index(mark)] = max(float(probs[t, _CHARS.index(mark)]), weight)
    text, _, _ = OcrModels._decode(_FAKE, probs)  # type: ignore[arg-type]
    return text


def _frames(text: str, gap_weight: float, gap_after: int) -> list[tuple[str, float]]:
    """One frame per glyph, each followed by a blank frame; the one after glyph ``gap_after``
    gives the mark ``gap_weight``."""
    out: list[tuple[str, float]] = []
    for i, ch in enumerate(text):
        out += [(ch, 0.0), ("", gap_weight if i == gap_after else 0.0)]
    return out


def test_a_blurred_gap_between_two_words_keeps_its_space() -> None:
    assert _decode(_frames("SARAHF", 0.3, 4)) == "SARAH F"


def test_a_faint_weight_parts_no_word() -> None:
    assert _decode(_frames("SARAHF", SOFT_MARKS[" "] / 2, 4)) == "SARAHF"


@pytest.mark.parametrize(("text", "gap_after"), [("NA.II.B.K1", 4), ("K11", 1), ("AB.1", 1)])
def test_codes_and_numbers_are_never_parted(text: str, gap_after: int) -> None:
    assert _decode(_frames(text, 0.5, gap_after)) == text


def test_a_space_the_model_read_is_kept_once() -> None:
    frames = [*_frames("AB", 0.0, -1), (" ", 0.9), ("", 0.0), *_frames("WI", 0.0, -1)]
    assert _decode(frames) == "AB WI"


def test_an_apostrophe_the_blur_swallowed_is_kept() -> None:
    assert _decode(_frames("ONEIL", 0.28, 0), mark="'") == "O'NEIL"
    assert _decode(_frames("ONEIL", 0.1, 0), mark="'") == "ONEIL"


def test_a_mark_the_model_read_does_not_open_a_word_of_letters() -> None:
    # ``PA-IV``: after a dash the model read, no mark is slipped in between I and V.
    assert _decode([*_frames("PA-I", 0.0, -1), *_frames("V", 0.0, -1)]) == "PA-IV"
    assert _decode([*_frames("PA-I", 0.5, 3), *_frames("V", 0.0, -1)]) == "PA-IV"


def test_each_character_carries_its_probability_and_a_slipped_in_mark_its_weight() -> None:
    probs = np.zeros((12, len(_CHARS)), dtype=np.float32)
    for t, (glyph, p) in enumerate([("S", 0.9), ("S", 0.95), ("", 0.9), ("A", 0.4), ("", 0.7), ("N", 0.8)]):
        probs[t, _CHARS.index(glyph)] = p
    probs[4, _CHARS.index(" ")] = 0.3  # the gap between A and N: a blank the blur closed
    probs[3, _CHARS.index("R")] = 0.35  # the A was nearly an R
    text, mean, chars = OcrModels._decode(_FAKE, probs[:6])  # type: ignore[arg-type]
    assert text == "SA N"
    # The peak over a glyph's frames; the blank has the weight it was given in the gap.
    assert [p for p, _ in chars] == pytest.approx([0.95, 0.4, 0.3, 0.8])
    assert chars[1][1] == "R"
    assert chars[2][1] == ""  # the slipped-in blank's rival is no mark
    assert mean == pytest.approx((0.9 + 0.4 + 0.8) / 3)


def test_a_mark_nearly_kept_makes_the_letter_after_it_a_hesitation() -> None:
    frames = _frames("LIANROSE", 0.08, 3)  # the blank between N and R: 0.8 of its threshold
    probs = np.zeros((len(frames), len(_CHARS)), dtype=np.float32)
    for t, (glyph, weight) in enumerate(frames):
        probs[t, _CHARS.index(glyph)] = 0.9
        probs[t, _CHARS.index(" ")] = max(float(probs[t, _CHARS.index(" ")]), weight)
    text, _, chars = OcrModels._decode(_FAKE, probs)  # type: ignore[arg-type]
    assert text == "LIANROSE"
    assert chars[4][1] == " R" and chars[4][0] == pytest.approx(0.2)
    assert all(p == pytest.approx(0.9) for k, (p, _) in enumerate(chars) if k != 4)


def _decode_with_hidden(text: str, hidden: str, weight: float, after: int) -> tuple[str, CharReads]:
    """Decode ``text`` with ``hidden`` given ``weight`` in the blank frame after glyph ``after``."""
    frames = _frames(text, 0.0, -1)
    probs = np.zeros((len(frames), len(_CHARS)), dtype=np.float32)
    for t, (glyph, _) in enumerate(frames):
        probs[t, _CHARS.index(glyph)] = 0.9
    probs[2 * after + 1, _CHARS.index(hidden)] = weight
    decoded, _, chars = OcrModels._decode(_FAKE, probs)  # type: ignore[arg-type]
    return decoded, chars


def test_a_glyph_nearly_written_between_two_characters_is_the_next_ones_rival() -> None:
    # IR.VI.A read IR.V.A: the I kept a third of the weight in the blank after the V.
    text, chars = _decode_with_hidden("IR.V.A", "I", 0.3, 3)
    assert text == "IR.V.A"
    assert chars[4] == (pytest.approx(0.7), "I.")
    assert all(p == pytest.approx(0.9) for k, (p, _) in enumerate(chars) if k != 4)


def test_a_faint_glyph_between_two_characters_is_no_hesitation() -> None:
    _, chars = _decode_with_hidden("IR.V.A", "I", HIDDEN_GLYPH_MIN / 2, 3)
    assert all(p == pytest.approx(0.9) for p, _ in chars)


@pytest.mark.parametrize("hidden", ["V", ".", " "])
def test_a_neighbours_tail_or_a_mark_in_the_gap_is_no_hidden_glyph(hidden: str) -> None:
    # The V fading out after its frames, the dot coming in, a blank's weight: none is a
    # glyph of its own.
    _, chars = _decode_with_hidden("IR.V.A", hidden, 0.4, 3)
    assert chars[4][1] != hidden + "."
    assert chars[4][0] == pytest.approx(0.9)


def _decode_runs(frames: list[tuple[str, float]]) -> tuple[str, CharReads]:
    """Decode frames given as (glyph, its probability); the rest of each frame is blank."""
    probs = np.zeros((len(frames), len(_CHARS)), dtype=np.float32)
    for t, (glyph, p) in enumerate(frames):
        probs[t, _CHARS.index(glyph)] = p
        probs[t, 0] = (1.0 - p) / 2 if glyph else 1.0
    text, _, chars = OcrModels._decode(_FAKE, probs)  # type: ignore[arg-type]
    return text, chars


def test_a_thin_glyph_held_over_three_frames_may_be_two() -> None:
    # VII read VI: the two I's ran over three frames with no blank between them.
    text, chars = _decode_runs([("V", 0.99), ("", 1.0), ("I", 0.59), ("I", 0.98), ("I", 0.49), (".", 0.9)])
    assert text == "VI."
    assert chars[1] == (pytest.approx(0.49), "II")


def test_a_thin_glyph_held_over_two_frames_is_one() -> None:
    _, chars = _decode_runs([("V", 0.99), ("", 1.0), ("I", 0.6), ("I", 0.98), ("", 1.0), (".", 0.9)])
    assert chars[1][1] != "II"
    assert chars[1][0] == pytest.approx(0.98)


def test_a_wide_glyph_held_over_three_frames_is_one() -> None:
    _, chars = _decode_runs([("V", 0.6), ("V", 0.99), ("V", 0.5), ("", 1.0), (".", 0.9)])
    assert chars[0][1] != "VV"

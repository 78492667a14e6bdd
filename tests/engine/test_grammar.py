"""The one code grammar that the engine, catalogue, batches and study plans share."""

from __future__ import annotations

import pytest

from extraction.engine import grammar


def test_roman_order() -> None:
    assert [grammar.roman_value(r) for r in ["I", "IV", "IX", "XII", "XIV"]] == [1, 4, 9, 12, 14]
    assert grammar.roman_value("") == 0


@pytest.mark.parametrize("number", range(1, 40))
def test_numerals_round_trip(number: int) -> None:
    assert grammar.roman_value(grammar.int_to_roman(number)) == number


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("pa.i.c.k2a", "PA.I.C.K2a"),
        ("PA-IX-C-S03", "PA.IX.C.S3"),
        (" CA.IV.M.K3 ", "CA.IV.M.K3"),
        ("PA.I.C", None),
        ("PA.IIIII.C.K1", None),
        ("PLT012", None),
    ],
)
def test_normalize_acs_code(raw: str, code: str | None) -> None:
    assert grammar.normalize_acs_code(raw) == code


def test_dots_only_when_read_off_a_page() -> None:
    assert grammar.normalize_acs_code("PA-I-C-K2", dashes=False) is None
    assert grammar.normalize_acs_code("pa.i.c.k2", dashes=False) == "PA.I.C.K2"


def test_plt_codes() -> None:
    assert grammar.PLT_CODE_RE.match("PLT012")
    assert not grammar.PLT_CODE_RE.match("PLT12")

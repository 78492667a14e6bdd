"""The text every PDF prints with the core fonts, and the tables' line breaking."""

from __future__ import annotations

import pytest

from cfipros.pdf import ReportPDF, pdf_text


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("Weather \u2014 \u201cMETAR\u201d \u2264 3 SM\u2026", 'Weather - "METAR" <= 3 SM...'),
        ("\u00c9lodie M\u00fcller", "\u00c9lodie M\u00fcller"),  # Latin-1 stays as it is
        ("\u0110\u1eb7ng Th\u1ecb \u0141ucja", "Dang Thi Lucja"),  # beyond it: the letters, no marks
        ("\u6771\u4eac", "??"),  # no Latin letter to fall back on
    ],
)
def test_text_is_folded_into_latin_1(text: str, printed: str) -> None:
    assert pdf_text(text) == printed
    printed.encode("latin-1")


def test_wrapped_lines_fit_and_keep_every_word() -> None:
    pdf = ReportPDF("Test")
    pdf.set_font("Helvetica", size=8)
    text = "Knowledge of the element " * 12 + "Supercalifragilistic" * 6
    lines = pdf.wrap(text, 40)
    assert len(lines) > 5
    assert all(pdf.get_string_width(line) <= 40 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert pdf.wrap("", 40) == [""]

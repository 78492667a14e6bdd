"""What every PDF the apps draw shares: text the core fonts can print, a page with a footer,
headings, horizontal bar charts and tables that break across pages.

The PDFs use fpdf2's core fonts (Helvetica), which hold Latin-1 only: typographic punctuation
from the catalogue becomes its ASCII look-alike, and a letter outside Latin-1 loses its accents
(``Đặng`` prints ``Dang``) rather than turning into ``?``, so a name or a description stays
readable in every plan, batch and cohort report.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from fpdf import FPDF

_REPLACEMENTS = str.maketrans(
    {
        "\u2014": "-",
        "\u2013": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u2264": "<=",
        "\u2265": ">=",
        "\u2022": "-",
        "\u00a0": " ",
        "\u0110": "D",
        "\u0111": "d",
        "\u0141": "L",
        "\u0142": "l",
    }
)


def _fold(char: str) -> str:
    """A character outside Latin-1 as its base letters without marks, or ``?``."""
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    try:
        return base.encode("latin-1").decode("latin-1") if base else "?"
    except UnicodeEncodeError:
        return "?"


def pdf_text(text: str) -> str:
    """``text`` as the core fonts can print it."""
    text = unicodedata.normalize("NFC", text.translate(_REPLACEMENTS))
    try:
        return text.encode("latin-1").decode("latin-1")
    except UnicodeEncodeError:
        return "".join(c if ord(c) < 256 else _fold(c) for c in text)


class ReportPDF(FPDF):
    """A US Letter page with 16 mm margins and ``<title> - page n`` at the foot of every page."""

    def __init__(self, title: str) -> None:
        super().__init__(format="Letter")
        self.footer_title = pdf_text(title)
        self.set_auto_page_break(auto=True, margin=16)
        self.set_margins(16, 16, 16)
        self.add_page()

    @property
    def width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 6, f"{self.footer_title} - page {self.page_no()}", align="C")

    def heading(self, text: str, size: int = 13) -> None:
        """A bold heading, on a new page when too little room is left for what follows it."""
        if self.will_page_break(30):
            self.add_page()
        self.ln(3)
        self.set_font("Helvetica", "B", size)
        self.multi_cell(self.width, size * 0.5, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", size=9)

    def paragraph(self, text: str, size: int = 9, style: str = "") -> None:
        self.set_font("Helvetica", style, size)
        self.multi_cell(self.width, size * 0.5, pdf_text(text), new_x="LMARGIN", new_y="NEXT")

    def wrap(self, text: str, width: float) -> list[str]:
        """``text`` broken into lines no wider than ``width`` in the current font, at spaces (a
        word wider than a line is cut). Measured a word at a time: fpdf2's own line breaking
        re-measures each line per character, which made a 30-report batch take seconds."""
        space = self.get_string_width(" ")
        lines: list[str] = []
        line, used = "", 0.0
        for word in text.split():
            size = self.get_string_width(word)
            while size > width:  # a word longer than the line: as much as fits, then the rest
                cut = max(1, int(len(word) * width / size))
                while cut > 1 and self.get_string_width(word[:cut]) > width:
                    cut -= 1
                if line:
                    lines.append(line)
                    line, used = "", 0.0
                lines.append(word[:cut])
                word = word[cut:]
                size = self.get_string_width(word)
            if line and used + space + size <= width:
                line, used = f"{line} {word}", used + space + size
            else:
                if line:
                    lines.append(line)
                line, used = word, size
        lines.append(line)
        return lines

    def _grid_row(
        self, values: Sequence[str], widths: Sequence[float], *, heading: bool = False, force: bool = False
    ) -> bool:
        """Draw one row; ``False`` (nothing drawn) when it does not fit on the page, unless ``force``
        (a row taller than a page is drawn, running off it, rather than lost)."""
        pad, line_height = 1.0, 4.0
        cells = [self.wrap(pdf_text(v), w - 2 * pad) for v, w in zip(values, widths, strict=True)]
        height = max(len(lines) for lines in cells) * line_height + 2 * pad
        if not (heading or force) and self.will_page_break(height):
            return False
        x, y = self.l_margin, self.get_y()
        for lines, w in zip(cells, widths, strict=True):
            self.rect(x, y, w, height, style="DF" if heading else "D")
            for n, text in enumerate(lines):
                self.set_xy(x + pad, y + pad + n * line_height)
                self.cell(w - 2 * pad, line_height, text)
            x += w
        self.set_xy(self.l_margin, y + height)
        return True

    def grid(self, headings: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> None:
        """A table whose rows wrap and which repeats its headings on every page it runs onto;
        ``widths`` are scaled to the page."""
        scale = self.width / sum(widths)
        widths = [w * scale for w in widths]

        def heading_row() -> None:
            self.set_font("Helvetica", "B", 8)
            self.set_fill_color(225, 229, 235)
            self._grid_row(headings, widths, heading=True)
            self.set_font("Helvetica", size=8)

        heading_row()
        for values in rows:
            if not self._grid_row(values, widths):
                self.add_page()
                heading_row()
                self._grid_row(values, widths, force=True)
        self.set_fill_color(255, 255, 255)
        self.ln(2)


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float  # 0..1 of the chart's full width
    note: str  # printed after the bar
    emphasis: bool = False  # drawn darker (over a threshold)


def bar_chart(pdf: ReportPDF, bars: Sequence[Bar], *, threshold: float | None = None) -> None:
    """Horizontal bars, one per line, labels on the left; a dashed rule marks ``threshold``."""
    label_w, note_w, height = 62.0, 26.0, 5.0
    track = pdf.width - label_w - note_w
    pdf.set_font("Helvetica", size=8)
    for bar in bars:
        if pdf.will_page_break(height + 1):
            pdf.add_page()
            pdf.set_font("Helvetica", size=8)
        x, y = pdf.l_margin, pdf.get_y()
        pdf.set_xy(x, y)
        pdf.cell(label_w - 2, height, pdf_text(bar.label)[:44])
        shade = (178, 34, 34) if bar.emphasis else (70, 110, 160)
        pdf.set_fill_color(*shade)
        length = max(0.0, min(1.0, bar.value)) * track
        if length > 0:
            pdf.rect(x + label_w, y + 0.8, length, height - 1.6, style="F")
        if threshold is not None:
            rule = x + label_w + threshold * track
            pdf.set_draw_color(90, 90, 90)
            pdf.set_dash_pattern(dash=0.8, gap=0.8)
            pdf.line(rule, y, rule, y + height)
            pdf.set_dash_pattern()
            pdf.set_draw_color(0, 0, 0)
        pdf.set_xy(x + label_w + track + 1, y)
        pdf.cell(note_w - 1, height, pdf_text(bar.note), align="R")
        pdf.set_xy(x, y + height)
    pdf.set_fill_color(255, 255, 255)
    pdf.ln(2)

"""A :class:`DocumentSpec` as a text PDF (fpdf2, core fonts), laid out the way the spec says.

Header layouts: ``stacked`` (``LABEL: value`` per line), ``columns`` (label and value in two
aligned columns), ``pairs`` (two or three pairs per row), ``above`` (a small label row over
a value row, column-aligned), ``boxed`` (bordered table cells, label cell beside value cell),
``boxed_above`` (form boxes: small label at the top of the box, value under it). A layout
whose values do not fit the page width drops to fewer pairs per row, as a form designer
would. Code blocks: one per line, grids read by rows or by columns, separated lists,
numbered, bulleted, boxed cells, code plus description; optionally continued on page 2.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from fpdf import FPDF

from .spec import DocumentSpec, format_date

PAGE_W, PAGE_H = 612.0, 792.0
BOTTOM = 60.0
TAB_STOP = 36.0


@dataclass
class RenderInfo:
    """What the renderer actually did (effective layout after fitting), for tags and checks."""

    pages: int = 1
    header_per_row: int = 1
    font_size: float = 10.0
    field_pages: dict[str, int] = field(default_factory=dict)  # field or "codes" -> last page used

    def mark(self, key: str, page: int) -> None:
        self.field_pages[key] = max(page, self.field_pages.get(key, 0))


class _Canvas:
    def __init__(self, spec: DocumentSpec, size: float, total: int) -> None:
        pdf = FPDF(unit="pt", format="letter")
        pdf.core_fonts_encoding = "windows-1252"
        pdf.set_creation_date(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
        pdf.set_auto_page_break(False)
        if not spec.compressed:
            pdf.set_compression(False)
        if spec.metadata:
            pdf.set_subject(spec.metadata)
            pdf.set_keywords(spec.metadata)
        self.total = total
        self.pdf = pdf
        self.spec = spec
        self.size = size
        self.left = spec.margin
        self.width = PAGE_W - 2 * spec.margin
        self.y = 0.0
        self.page = 0
        self.new_page()

    def new_page(self) -> None:
        self.pdf.add_page()
        self.page += 1
        self.y = max(40.0, self.spec.margin * 0.8)
        if "page" in self.spec.extras:
            self.font("", 7.5)
            self.pdf.text(PAGE_W - self.spec.margin - 50, 28, f"Page {self.page} of {self.total}")
        if self.page > 1 and "candidate_copy" in self.spec.extras:
            self.font("B", 8)
            self.pdf.text(self.left, 28, "CANDIDATE COPY (continued)")

    def font(self, style: str = "", size: float | None = None, family: str | None = None) -> None:
        self.pdf.set_font(family or self.spec.font, style, size or self.size)

    def need(self, height: float) -> None:
        if self.y + height > PAGE_H - BOTTOM:
            self.new_page()

    def text(self, x: float, y: float, s: str) -> None:
        self.pdf.text(x, y, s)

    def w(self, s: str) -> float:
        return float(self.pdf.get_string_width(s))


def render_pdf(spec: DocumentSpec) -> bytes:
    """The text PDF of ``spec``."""
    return render_pdf_info(spec)[0]


def render_pdf_info(spec: DocumentSpec) -> tuple[bytes, RenderInfo]:
    """The text PDF and what the renderer did; a single-page spec shrinks its font to fit.

    Rendered twice when it prints "Page i of N", the second time with N known.
    """
    size = spec.font_size
    while True:
        data, info = _render(spec, size, 1)
        spilled = any(p > 1 for p in info.field_pages.values())
        if not spec.single_page or not spilled or size <= 6.5:
            break
        size -= 0.5
    if "page" in spec.extras and info.pages > 1:
        data, info = _render(spec, size, info.pages)
    return data, info


def printed_values(spec: DocumentSpec) -> dict[str, str]:
    """Label key -> the value as the document prints it beside that label."""
    return {
        "name": spec.name,
        "ftn": spec.ftn or "",
        "applicant_id": spec.applicant_id or "",
        "exam_id": spec.exam_id,
        "exam": spec.exam_title,
        "exam_date": spec.date_text(),
        "exam_site": spec.site,
        "score": spec.score_text or "",
        "grade": spec.grade_text,
        "take": spec.take_text,
        "expiration": spec.expiration_text(),
    }


def _render(spec: DocumentSpec, size: float, total: int) -> tuple[bytes, RenderInfo]:
    c = _Canvas(spec, size, total)
    info = RenderInfo(font_size=size)
    _top(c, spec)
    order = [k for k in spec.field_order if not (k == "exam" and spec.title_as_heading)]
    if spec.title_as_heading:
        c.font("B", size + 2)
        c.y += size + 4
        c.text(c.left, c.y, spec.exam_title)
        info.mark("exam", c.page)
        c.y += size
    values = printed_values(spec)
    _header(c, spec, [(k, spec.labels[k], values[k]) for k in order], info)
    _paragraph(c, spec)
    _codes(c, spec, info)
    if not spec.expiration_in_header:
        c.font("", size)
        c.need(size * 3)
        c.y += size * 1.4
        label = spec.labels["expiration"]
        if spec.header_layout in ("boxed", "boxed_above"):
            box_w = c.w(label) + c.w(values["expiration"]) + 3 * size
            c.pdf.rect(c.left, c.y - size * 1.3, box_w, size * 1.9)
            c.text(c.left + size * 0.5, c.y, label)
            c.text(c.left + c.w(label) + size * 1.8, c.y, values["expiration"])
        else:
            c.text(c.left, c.y, f"{label} {values['expiration']}".strip())
        info.mark("expiration", c.page)
        c.y += size * 1.2
    c.font("B", size)
    c.need(size * 3)
    c.y += size * 1.6
    c.text(c.left, c.y, spec.end_marker)
    info.mark("end", c.page)
    _statement(c, spec)
    _bottom_extras(c, spec)
    info.pages = c.page
    return bytes(c.pdf.output()), info


def _top(c: _Canvas, spec: DocumentSpec) -> None:
    size = c.size
    if spec.vendor:
        c.font("", 7.5, "Helvetica")
        y = c.y
        for line in spec.vendor:
            c.text(c.left, y, line)
            y += 9
        c.y = y + 4
    if "barcode" in spec.extras:
        c.font("", 9, "Courier")
        mark = (
            "*"
            + "".join("ABCDEFGHJKLMNPRSTUVWXYZ0123456789"[(spec.seed * 7 + i * 13) % 33] for i in range(12))
            + "*"
        )
        c.text(PAGE_W - spec.margin - c.w(mark), max(c.y - 12, 30), mark)
    if "form" in spec.extras:
        c.font("", 7, "Helvetica")
        c.text(PAGE_W - spec.margin - 150, 20, "FAA Form 8080-2 (R)")
    if spec.band:
        band_h = 24 + 12 * len(spec.agency)
        c.pdf.set_fill_color(40, 52, 84)
        c.pdf.rect(0, c.y, PAGE_W, band_h, style="F")
        c.pdf.set_text_color(255, 255, 255)
        yy = c.y + 14
        c.font("B", 8.5, "Helvetica")
        for line in spec.agency:
            c.text(c.left, yy, line)
            yy += 12
        c.font("B", 14, "Helvetica")
        c.text(c.left, yy + 4, spec.heading)
        c.pdf.set_text_color(0, 0, 0)
        c.y += band_h + 22
    else:
        c.y += 14
        c.font("B", 11, "Helvetica" if spec.font != "Times" else "Times")
        for line in spec.agency:
            c.pdf.set_xy(0, c.y - 10)
            c.pdf.cell(PAGE_W, 14, line, align="C")
            c.y += 14
        c.font("B", 14)
        c.pdf.set_xy(0, c.y - 6)
        c.pdf.cell(PAGE_W, 18, spec.heading, align="C")
        c.y += 36
    if "candidate_copy" in spec.extras:
        c.font("B", 8)
        c.text(PAGE_W - spec.margin - c.w("CANDIDATE COPY"), c.y - 16, "CANDIDATE COPY")
    c.font("", size)


def _fit_per_row(c: _Canvas, pairs: list[tuple[str, str, str]], per_row: int, above: bool) -> int:
    """Fewest reductions of ``per_row`` so every pair fits its column."""
    gap = c.size * 1.5
    while per_row > 1:
        col = c.width / per_row
        widths = []
        for _, label, value in pairs:
            if above:
                c.font("", c.size * 0.75)
                lw = c.w(label)
                c.font("", c.size)
                widths.append(max(lw, c.w(value)) + gap)
            else:
                widths.append(c.w(label) + c.w(value) + c.size * 1.8 + gap)
        if max(widths) <= col:
            return per_row
        per_row -= 1
    return 1


def _header(c: _Canvas, spec: DocumentSpec, pairs: list[tuple[str, str, str]], info: RenderInfo) -> None:
    size = c.size
    lead = round(size * 1.6, 1)
    layout = spec.header_layout
    c.font("", size)
    if layout == "stacked":
        for key, label, value in pairs:
            c.need(lead)
            c.text(c.left, c.y, f"{label} {value}".strip())
            info.mark(key, c.page)
            c.y += lead
    elif layout == "columns":
        value_x = c.left + max(c.w(label) for _, label, _ in pairs) + size * 2.5
        for key, label, value in pairs:
            c.need(lead)
            c.text(c.left, c.y, label)
            c.text(value_x, c.y, value)
            info.mark(key, c.page)
            c.y += lead
    elif layout == "pairs":
        per_row = _fit_per_row(c, pairs, spec.per_row, above=False)
        info.header_per_row = per_row
        col = c.width / per_row
        for i in range(0, len(pairs), per_row):
            c.need(lead)
            for j, (key, label, value) in enumerate(pairs[i : i + per_row]):
                c.text(c.left + j * col, c.y, f"{label} {value}".strip())
                info.mark(key, c.page)
            c.y += lead
    elif layout == "above":
        per_row = _fit_per_row(c, pairs, spec.per_row, above=True)
        info.header_per_row = per_row
        col = c.width / per_row
        small = round(size * 0.75, 1)
        for i in range(0, len(pairs), per_row):
            c.need(size * 3)
            row = pairs[i : i + per_row]
            c.font("B" if spec.seed % 2 else "", small)
            for j, (_, label, _) in enumerate(row):
                c.text(c.left + j * col, c.y, label)
            c.y += size * 1.25
            c.font("", size)
            for j, (key, _, value) in enumerate(row):
                c.text(c.left + j * col, c.y, value)
                info.mark(key, c.page)
            c.y += size * 1.9
    elif layout == "boxed":
        per_row = _fit_per_row(c, pairs, spec.per_row, above=False)
        label_w = max(c.w(label) for _, label, _ in pairs) + size * 1.2
        value_w = max(c.w(value) for _, _, value in pairs) + size * 1.2
        # Every label cell is as wide as the widest label: fewer boxes a row until each value
        # fits the cell beside it (a real form never prints a value over the next box).
        while per_row > 1 and min(label_w, c.width / per_row * 0.55) + value_w > c.width / per_row:
            per_row -= 1
        info.header_per_row = per_row
        col = c.width / per_row
        if label_w > col * 0.55:
            label_w = col * 0.55
        row_h = size * 2.0
        c.pdf.set_draw_color(60, 60, 60)
        c.pdf.set_line_width(0.6)
        for i in range(0, len(pairs), per_row):
            c.need(row_h + 4)
            top = c.y - size * 1.35
            for j, (key, label, value) in enumerate(pairs[i : i + per_row]):
                x = c.left + j * col
                c.pdf.set_fill_color(232, 232, 232)
                c.pdf.rect(x, top, label_w, row_h, style="DF" if spec.seed % 3 else "D")
                c.pdf.rect(x + label_w, top, col - label_w, row_h)
                c.font("B" if spec.seed % 2 else "", size * 0.9)
                c.text(x + size * 0.4, c.y, label)
                c.font("", size)
                c.text(x + label_w + size * 0.5, c.y, value)
                info.mark(key, c.page)
            c.y += row_h
        c.y += size * 0.6
    elif layout == "boxed_above":
        per_row = _fit_per_row(c, pairs, spec.per_row, above=True)
        info.header_per_row = per_row
        col = c.width / per_row
        box_h = size * 2.8
        small = round(size * 0.7, 1)
        c.pdf.set_line_width(0.5)
        for i in range(0, len(pairs), per_row):
            c.need(box_h + 4)
            top = c.y - size
            for j, (key, label, value) in enumerate(pairs[i : i + per_row]):
                x = c.left + j * col
                c.pdf.rect(x, top, col, box_h)
                c.font("", small)
                c.text(x + 3, top + small + 2, label)
                c.font("", size)
                c.text(x + 6, top + box_h - size * 0.6, value)
                info.mark(key, c.page)
            c.y += box_h
        c.y += size * 0.4
    else:
        raise ValueError(layout)


def _paragraph(c: _Canvas, spec: DocumentSpec) -> None:
    if spec.paragraph is None:
        c.y += c.size
        return
    size = max(c.size * 0.85, 7.0)
    c.font("", size)
    c.need(size * 5)
    c.y += size
    c.pdf.set_xy(c.left, c.y - size)
    c.pdf.multi_cell(c.width, size * 1.2, spec.paragraph)
    c.y = float(c.pdf.get_y()) + c.size * 1.4


def code_rows(spec: DocumentSpec, per_line: int = 0) -> list[list[str]]:
    """The code block as printed: rows of cells (one code with its marker, or a joined list)."""
    codes = spec.codes
    layout = spec.code_layout
    cols = spec.code_columns
    if layout == "lines":
        return [[code] for code in codes]
    if layout == "described":
        return [[code, spec.descriptions.get(code, "")] for code in codes]
    if layout == "grid_rows":
        return [codes[i : i + cols] for i in range(0, len(codes), cols)]
    if layout == "grid_cols":
        rows = math.ceil(len(codes) / cols) if codes else 0
        return [[codes[k * rows + r] for k in range(cols) if k * rows + r < len(codes)] for r in range(rows)]
    if layout == "boxed":
        n = max(cols, 3)
        return [codes[i : i + n] for i in range(0, len(codes), n)]
    if layout == "numbered":
        marked = [f"{spec.numbering.format(n=i + 1)} {code}" for i, code in enumerate(codes)]
        n = 1 if cols in (4, 5) else min(cols, 3) - 1 if cols > 2 else 1
        return [marked[i : i + n] for i in range(0, len(marked), n)]
    if layout == "bulleted":
        marked = [f"{spec.bullet} {code}" for code in codes]
        n = 1 if cols < 4 else cols - 1
        return [marked[i : i + n] for i in range(0, len(marked), n)]
    if layout == "separated":
        n = per_line or spec.codes_per_line or (4 + spec.seed % 5)
        if spec.separator == "tab":
            return [codes[i : i + n] for i in range(0, len(codes), n)]
        sep = spec.separator
        joined: list[list[str]] = []
        for i in range(0, len(codes), n):
            chunk = sep.join(codes[i : i + n])
            if i + n < len(codes) and sep.strip() in (",", ";"):
                chunk += sep.strip()
            joined.append([chunk])
        return joined
    raise ValueError(layout)


def _codes(c: _Canvas, spec: DocumentSpec, info: RenderInfo) -> None:
    size = c.size
    lead = round(size * 1.45, 1)
    if spec.code_heading:
        c.font("B", size)
        c.need(lead * 2)
        c.text(c.left, c.y, spec.code_heading)
        c.y += lead
    c.font("", size)
    if not spec.codes:
        if spec.no_codes_text:
            c.need(lead)
            c.text(c.left, c.y, spec.no_codes_text)
            c.y += lead
        return
    x0 = c.left
    if spec.preface:
        c.need(lead)
        c.text(c.left, c.y, spec.preface)
        if spec.code_layout in ("described", "boxed"):
            c.y += lead
        else:
            x0 = c.left + c.w(spec.preface) + size
    per_line = 0
    if spec.code_layout == "separated":
        widest = max(c.w(code) for code in spec.codes) + c.w(
            spec.separator if spec.separator != "tab" else "    "
        )
        wanted = spec.codes_per_line or 4 + spec.seed % 5
        per_line = max(1, min(wanted, int((PAGE_W - spec.margin - x0) // widest)))
    rows = code_rows(spec, per_line)
    widest = max(c.w(cell) for row in rows for cell in row[:1] if cell) if rows else 0.0
    avail = PAGE_W - spec.margin - x0
    layout = spec.code_layout
    if layout == "separated" and spec.separator == "tab":
        step = (math.ceil((widest + 8) / TAB_STOP)) * TAB_STOP
    elif layout == "described":
        step = widest + size * 2
    else:
        ncols = max((len(r) for r in rows), default=1)
        step = max(widest + size * 1.5, avail / max(ncols, 1)) if ncols > 1 else widest
    if layout == "boxed":
        ncols = max((len(r) for r in rows), default=1)
        step = min(widest + size * 1.6, avail / ncols)
    for i, row in enumerate(rows):
        if spec.split_at is not None and i == spec.split_at and i:
            c.new_page()
            c.font("", size)
            if spec.seed % 2:
                c.text(c.left, c.y, "(continued)")
                c.y += lead
        c.need(lead + 2)
        for j, cell in enumerate(row):
            x = x0 + j * step
            if layout == "described" and j == 1:
                c.font("I" if spec.seed % 2 else "", size * 0.85)
                c.text(x, c.y, cell)
                c.font("", size)
                continue
            if layout == "boxed":
                c.pdf.set_line_width(0.5)
                c.pdf.rect(x, c.y - size * 1.15, step, lead + 1)
                c.text(x + size * 0.5, c.y, cell)
                continue
            c.text(x, c.y, cell)
        info.mark("codes", c.page)
        c.y += lead + (1 if layout == "boxed" else 0)


def _statement(c: _Canvas, spec: DocumentSpec) -> None:
    c.font("", 8)
    height = 12 * len(spec.statement) + 30
    if spec.break_before_statement or c.y + height > PAGE_H - BOTTOM:
        c.new_page()
    else:
        c.y += 26
    for line in spec.statement:
        c.pdf.set_xy(c.left, c.y - 8)
        c.pdf.multi_cell(c.width, 10, line)
        c.y = float(c.pdf.get_y()) + 8


def _bottom_extras(c: _Canvas, spec: DocumentSpec) -> None:
    c.font("", 7, "Helvetica")
    y = PAGE_H - 30
    if "printed" in spec.extras:
        printed = spec.exam_date + dt.timedelta(days=1 + spec.seed % 40)
        c.text(
            c.left,
            y,
            f"Printed {format_date(printed, 'mdY')} 08:{spec.seed % 60:02d}  Ref {spec.seed % 9973:04d}",
        )
    if "phone" in spec.extras:
        c.text(PAGE_W / 2 - 40, y, "Questions? Call 1-800-555-0199")
    if "vendor" in spec.extras:
        c.text(
            c.left, y + 10, "Testing services provided under contract to the FAA. Form AKTR-3 rev. 11/2019"
        )

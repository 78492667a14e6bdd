"""What one AKTR says and how it lays it out: :class:`DocumentSpec`, and the date formats it prints.

A spec is either drawn from a seed by :func:`.draw.draw_spec` or named by a test through
:mod:`.documents`; :meth:`DocumentSpec.expected` is its ground truth in the shape of the shared
sample JSON files. Rendering (:mod:`.render`, :mod:`.images`) adds no content.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DocumentSpec:
    """Everything one generated report prints, and how (see the module docstring)."""

    seed: int
    family: str
    holdout: bool
    single_page: bool
    # content
    name: str
    ftn: str | None
    applicant_id: str | None
    exam_id: str
    exam_code: str
    title: str
    exam_date: dt.date
    exam_time: dt.time | None
    site: str
    score: int | None  # truth (None: not printed or not a number)
    score_text: str | None  # as printed; None: no score row at all
    grade: str
    grade_text: str
    take: int
    take_text: str
    validity_months: int
    code_kind: str
    codes: list[str]  # in print order
    # wording
    labels: dict[str, str]
    heading: str
    agency: tuple[str, ...]
    vendor: tuple[str, ...]
    paragraph: str | None
    preface: str | None
    code_heading: str | None
    no_codes_text: str
    end_marker: str
    statement: tuple[str, ...]
    # formats
    date_style: str
    time_style: str | None
    time_joiner: str
    expiration_style: str
    # layout
    header_layout: str
    per_row: int
    font: str
    font_size: float
    margin: float
    band: bool
    title_as_heading: bool
    expiration_in_header: bool
    field_order: list[str]
    # code block
    code_layout: str
    code_columns: int
    separator: str
    numbering: str
    bullet: str
    split_at: int | None
    descriptions: dict[str, str] = field(default_factory=dict)
    extras: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    # Set by hand-named documents only; a drawn spec keeps the defaults, which change nothing.
    codes_per_line: int = 0  # a separated code list: codes a line (0: as many as the seed says)
    break_before_statement: bool = False  # the instructor's statement starts page 2
    metadata: str = ""  # text carried in the file's subject and keywords, never printed
    compressed: bool = True  # False: page content in plain text, as some vendors' files are

    @property
    def expiration(self) -> dt.date:
        return end_of_month(self.exam_date, self.validity_months)

    @property
    def exam_title(self) -> str:
        return f"{self.title} ({self.exam_code})"

    def expected(self) -> dict[str, Any]:
        """Ground truth with exactly the keys of the shared sample JSON (``file``/``format`` aside)."""
        return {
            "applicant_name": self.name,
            "ftn": self.ftn,
            "applicant_id": self.applicant_id,
            "exam_id": self.exam_id,
            "exam_code": self.exam_code,
            "exam_title": self.exam_title,
            "exam_date": self.exam_date.isoformat(),
            "exam_site": self.site,
            "score": self.score,
            "grade": self.grade,
            "take": self.take,
            "expiration_date": self.expiration.isoformat(),
            "code_kind": self.code_kind,
            "codes": sorted(set(self.codes)),
        }

    def date_text(self) -> str:
        text = format_date(self.exam_date, self.date_style)
        if self.exam_time is None or self.time_style is None:
            return text
        return f"{text}{self.time_joiner}{format_time(self.exam_time, self.time_style)}"

    def expiration_text(self) -> str:
        return format_date(self.expiration, self.expiration_style)


def end_of_month(d: dt.date, months: int) -> dt.date:
    """Last day of the ``months``-th calendar month after ``d``'s month (the AKTR validity rule)."""
    total = d.year * 12 + d.month - 1 + months
    year, month = divmod(total, 12)
    return dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def format_date(d: dt.date, style: str) -> str:
    """One US way of printing a date (the style names read like strftime directives)."""
    month, day, year = d.strftime("%B"), d.day, d.year
    table = {
        "mdY": d.strftime("%m/%d/%Y"),
        "mdY_nopad": f"{d.month}/{day}/{year}",
        "mdY_dash": d.strftime("%m-%d-%Y"),
        "dbY": d.strftime("%d-%b-%Y").upper(),
        "dbY_title": d.strftime("%d-%b-%Y"),
        "BdY": d.strftime("%B %d, %Y"),
        "Bd_Y": f"{month} {day}, {year}",
        "bdY": f"{d.strftime('%b')} {day}, {year}",
        "b.dY": f"{d.strftime('%b')}{'' if d.month == 5 else '.'} {day}, {year}",
        "bdY_pad": d.strftime("%b %d, %Y"),
        "iso": d.isoformat(),
        "dBY": f"{day} {month} {year}",
        "dbY_space": d.strftime("%d %b %Y").upper(),
        "mdy": d.strftime("%m/%d/%y"),
        "ABdY": f"{d.strftime('%A')}, {month} {day}, {year}",
        "Ymd_slash": d.strftime("%Y/%m/%d"),
        "dmY_dots": f"{d.month:02d}.{day:02d}.{year}",
    }
    return table[style]


def format_time(t: dt.time, style: str) -> str:
    hour12 = t.hour % 12 or 12
    ampm = "AM" if t.hour < 12 else "PM"
    zone = "EDT" if t.minute % 3 == 0 else ("CST" if t.minute % 3 == 1 else "PT")
    table = {
        "hm_ampm": f"{hour12:02d}:{t.minute:02d} {ampm}",
        "hm_ampm_lower": f"{hour12}:{t.minute:02d} {ampm.lower()}",
        "hm24": f"{t.hour:02d}:{t.minute:02d}",
        "hms24": f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}",
        "hm_ampm_zone": f"{hour12}:{t.minute:02d} {ampm} {zone}",
        "hm24_zone": f"{t.hour:02d}:{t.minute:02d} ({zone})",
        "h_ampm": f"{hour12}:{t.minute:02d}{ampm.lower()}",
    }
    return table[style]


def natural_key(code: str) -> tuple[Any, ...]:
    """Area by roman value, then task, element: the order a re-typed list often follows."""
    romans = {"I": 1, "V": 5, "X": 10}
    parts = code.split(".")
    if len(parts) < 4:
        return (code,)
    area = parts[1]
    value = sum(
        -romans[c] if i + 1 < len(area) and romans[c] < romans[area[i + 1]] else romans[c]
        for i, c in enumerate(area)
    )
    element = parts[3]
    digits = "".join(ch for ch in element[1:] if ch.isdigit())
    return (parts[0], value, parts[2], element[0], int(digits or 0), element[1 + len(digits) :])

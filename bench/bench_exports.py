"""Time of drawing the PDF reports: a full batch's class report and a large cohort's report.

The figures are those the exports compute from (a batch's report rows, a cohort's analytics), made
up in memory and deterministic by seed, so this measures the drawing alone; the reads behind each
export are measured with their endpoints (the batch detail and bench_analytics.py). Prints median,
p95 and max wall time, the page count and the size of one PDF. With ``--write`` the figures and
the command go to docs/performance.md, section "Exports (PDF)" (replaced in place, the rest of the
file untouched).

Usage::

    .venv/bin/python bench/bench_exports.py [--runs 30] [--files 30] [--codes 40]
        [--students 500] [--areas 20] [--write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import textwrap
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECTION = "## Exports (PDF)"
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def batch_figures(files: int, codes: int, seed: int) -> tuple[Any, list[Any], list[Any]]:
    """A batch of ``files`` reports, each missing ``codes`` codes with catalogue-length descriptions."""
    from django.utils import timezone

    from extraction.batches.selectors import CodeRow, ReportRow
    from extraction.models import Batch, BatchFile

    rng = random.Random(seed)
    rows, reports = [], []
    for n in range(files):
        report_id = uuid.uuid4()
        picked = sorted(
            {(rng.choice(ROMAN), rng.choice("ABCDEFG"), rng.randint(1, 12)) for _ in range(codes)}
        )
        code_rows = [
            CodeRow(
                code=f"PA.{area}.{task}.K{k}",
                task=f"PA.{area}.{task}",
                task_title=f"Task {area}.{task}",
                area_title=f"Area {area}",
                description="Knowledge of the element as the Airman Certification Standards word it, "
                "about as long as a catalogue description usually is.",
            )
            for area, task, k in picked
        ]
        rows.append(
            BatchFile(position=n, name=f"student-{n + 1}.pdf", report_id=report_id, status="succeeded")
        )
        reports.append(
            ReportRow(
                id=report_id,
                applicant_name="",
                exam_code="PAR",
                exam_title="Private Pilot Airplane",
                exam_date=dt.date(2025, 1 + n % 12, 1 + n % 27),
                score=rng.randint(55, 99),
                grade="PASS",
                take=1,
                status="ok",
                codes=code_rows,
            )
        )
    return Batch(status="completed", created_at=timezone.now()), rows, reports


def cohort_figures(students: int, areas: int, seed: int) -> dict[str, Any]:
    """Analytics of ``students`` students over ``areas`` ACS areas, shaped as cohort_analytics answers."""
    rng = random.Random(seed)
    keys = [("PA", r) for r in ROMAN] + [("IR", r) for r in ROMAN]
    keys = keys[:areas]
    cells = [[rng.choice([0, 0, 0, 1, 1, 2, 3, 5]) for _ in keys] for _ in range(students)]
    missing = [sum(1 for row in cells if row[j]) for j in range(len(keys))]
    return {
        "students": students,
        "reports": students * 10,
        "pass_rate": 0.81,
        "score": {"min": 48, "max": 100, "mean": 81.3, "median": 82, "std_dev": 9.4},
        "areas": [
            {
                "prefix": prefix,
                "area": area,
                "title": f"Area {area}",
                "students_missing": missing[j],
                "share": round(missing[j] / students, 4),
                "weakness": missing[j] / students > 0.3,
            }
            for j, (prefix, area) in enumerate(keys)
        ],
        "codes": [
            {
                "code": f"PA.{rng.choice(ROMAN)}.A.K{n}",
                "description": "Knowledge of the element as the Airman Certification Standards word it.",
                "reports": rng.randint(5, 100),
                "students": rng.randint(5, 60),
                "share": 0.1,
            }
            for n in range(100)
        ],
        "heatmap": {
            "students": [{"id": n, "name": f"Student {n:04d} Example"} for n in range(students)],
            "areas": [f"{prefix}.{area}" for prefix, area in keys],
            "cells": cells,
        },
        "trend": [],
    }


def timed(draw: Callable[[], bytes], runs: int) -> dict[str, float]:
    import pypdfium2 as pdfium

    durations = []
    data = b""
    for _ in range(runs):
        started = time.perf_counter()
        data = draw()
        durations.append((time.perf_counter() - started) * 1000)
    document = pdfium.PdfDocument(data)
    pages = len(document)
    document.close()
    return {
        "median": statistics.median(durations),
        "p95": percentile(durations, 0.95),
        "max": max(durations),
        "pages": pages,
        "kb": len(data) / 1024,
    }


def write_section(text: str) -> None:
    path = ROOT / "docs" / "performance.md"
    content = path.read_text(encoding="utf-8")
    if SECTION in content:
        start = content.index(SECTION)
        following = content.find("\n## ", start + len(SECTION))
        end = len(content) if following == -1 else following + 1
        content = content[:start] + text + ("\n" if following != -1 else "") + content[end:]
    else:
        content = content.rstrip("\n") + "\n\n" + text
    path.write_text(content, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--files", type=int, default=30)
    parser.add_argument("--codes", type=int, default=40)
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--areas", type=int, default=20)
    parser.add_argument("--write", action="store_true", help="record the figures in docs/performance.md")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cfipros.settings.test")
    import django

    django.setup()
    from extraction.analytics.exports import cohort_export_pdf
    from extraction.analytics.selectors import AnalyticsFilter
    from extraction.batches.pdf import batch_export_pdf

    batch, files, reports = batch_figures(args.files, args.codes, seed=1)
    figures = cohort_figures(args.students, args.areas, seed=2)
    results = {
        f"batch, {args.files} reports x {args.codes} codes": timed(
            lambda: batch_export_pdf(batch, files, reports), args.runs
        ),
        f"cohort, {args.students} students x {args.areas} areas": timed(
            lambda: cohort_export_pdf("Bench", figures, AnalyticsFilter()), args.runs
        ),
    }
    lines = [
        f"| {name} | {r['median']:.0f} | {r['p95']:.0f} | {r['max']:.0f} | {r['pages']} | {r['kb']:.0f} |"
        for name, r in results.items()
    ]
    table = "\n".join(
        ["| PDF | median ms | p95 ms | max ms | pages | KB |", "|---|---|---|---|---|---|", *lines]
    )
    print(table)
    if args.write:
        command = (
            f".venv/bin/python bench/bench_exports.py --runs {args.runs} --files {args.files} "
            f"--codes {args.codes} --students {args.students} --areas {args.areas} --write"
        )
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        write_section(
            textwrap.dedent(
                f"""\
                {SECTION}

                Drawing the PDF reports with fpdf2 (`extraction/batches/pdf.py`,
                `extraction/analytics/exports.py`) from figures made in memory, so this is the
                drawing alone; the reads behind each export are those of the batch detail (four
                queries) and of the cohort analytics ("Cohort analytics"), plus two for the plan.
                {args.runs} runs each, {dt.date.today().isoformat()}, Python {platform.python_version()},
                load average {load:.1f} on {os.cpu_count()} cores (shared with other work).

                """
            )
            + table
            + "\n\nCommand: `"
            + command
            + "`\n"
        )


if __name__ == "__main__":
    main()

"""Time of study plan generation (``studyplans.plans.services.study_plan_create``) for a 15-code report.

Creates (when missing) and migrates a dedicated PostgreSQL database, loads the PA, IR and CA
catalogue and the starter resources, stores one 15-code report per ACS, then generates N plans
per report and prints median / p95 / max wall time and the SQL query count of one generation.
With ``--write`` the figures and the command are written to docs/performance.md, section
"Study plans" (replaced in place, the rest of the file untouched).

Usage::

    .venv/bin/python bench/bench_studyplans.py [--runs 200] [--write]
        [--database postgres://postgres@127.0.0.1:5432/cfipros_bench_studyplans] [--keep-db]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import _common  # noqa: E402

PREFIXES = {
    "PA": ("PAR", "Private Pilot Airplane"),
    "IR": ("IRA", "Instrument Rating Airplane"),
    "CA": ("CAX", "Commercial Pilot Airplane"),
}
SECTION = "## Study plans"


def drop_database(database_url: str) -> None:
    from django.db import connections

    connections.close_all()  # this process holds connections to the database it drops
    _common.drop_database(database_url)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run(runs: int) -> dict[str, float]:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from extraction.catalog.loader import catalog_file_read, catalog_load
    from extraction.catalog.shipped import SHIPPED_CATALOG
    from extraction.models import AcsElement, Report, ReportCode
    from studyplans.models import StudyPlan
    from studyplans.plans.services import study_plan_create

    call_command("migrate", verbosity=0)
    rows = [row for row in catalog_file_read(SHIPPED_CATALOG) if row.prefix in PREFIXES]
    catalog_load(rows)
    call_command("load_study_resources", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    user, _ = User.objects.get_or_create(username="bench-studyplans")
    StudyPlan.objects.filter(owner=user).delete()
    Report.objects.filter(owner=user).delete()
    reports = []
    for prefix, (exam_code, title) in PREFIXES.items():
        codes = [row.code for row in rows if row.prefix == prefix]
        picked = [codes[i * (len(codes) // 15)] for i in range(15)]
        report = Report.objects.create(
            owner=user,
            exam_code=exam_code,
            exam_title=title,
            exam_date=dt.date.today(),
            score=75,
            grade="PASS",
        )
        elements = {e.code: e for e in AcsElement.objects.filter(code__in=picked)}
        ReportCode.objects.bulk_create(
            [
                ReportCode(report=report, code=c, element=elements.get(c), position=i)
                for i, c in enumerate(picked)
            ]
        )
        reports.append(report)
    for report in reports:
        study_plan_create(user=user, report_ids=[report.pk])
    timings: list[float] = []
    for index in range(runs):
        report = reports[index % len(reports)]
        start = time.perf_counter()
        study_plan_create(user=user, report_ids=[report.pk])
        timings.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        study_plan_create(user=user, report_ids=[reports[0].pk])
    StudyPlan.objects.filter(owner=user).delete()
    return {
        "runs": runs,
        "median": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "max": max(timings),
        "queries": len(queries),
        "load": os.getloadavg()[0],
    }


def write_section(figures: dict[str, float], command: str) -> None:
    """Replace (or append) the "Study plans" section of docs/performance.md, nothing else."""
    path = ROOT / "docs" / "performance.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    paragraphs = [
        "**Bar**: a plan for a 15-code report is generated in at most 50 ms and at most 10 SQL "
        "queries, and the query count does not grow with the number of codes (asserted in "
        "tests/studyplans/test_generation_performance.py: 5 vs 17 codes, one vs two reports).",
        "**Command** (PostgreSQL on 127.0.0.1; creates, migrates and drops the database "
        "`cfipros_bench_studyplans`, loads the PA, IR and CA catalogue and the starter resources):",
        f"    {command}",
        "It stores one 15-code report per ACS (real catalogue codes spread over the areas), then "
        "times `studyplans.plans.services.study_plan_create` in-process, cycling through the three "
        "reports, and counts the SQL statements of one generation (3 reads, 4 inserts, "
        "BEGIN/COMMIT).",
        f"**Figures** ({dt.date.today().isoformat()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, other suites and OCR benchmarks running alongside):",
    ]
    table = (
        "| Runs | Load average (1 min) | median | p95 | max | SQL statements |\n"
        "|---|---|---|---|---|---|\n"
        f"| {int(figures['runs'])} | {figures['load']:.1f} | {figures['median']:.1f} ms | "
        f"{figures['p95']:.1f} ms | {figures['max']:.1f} ms | {int(figures['queries'])} |"
    )
    wrapped = [p if p.startswith("    ") else textwrap.fill(p, width=100) for p in paragraphs]
    body = f"{SECTION}\n\n" + "\n\n".join(wrapped) + "\n\n" + table + "\n"
    start = text.find(SECTION)
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + body
    else:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + body + (text[end:] if end != -1 else "")
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/cfipros_bench_studyplans")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--write", action="store_true", help="Write the figures to docs/performance.md.")
    args = parser.parse_args()

    _common.ensure_database(args.database)
    os.environ["DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cfipros.settings.test")
    import django

    django.setup()
    try:
        figures = run(args.runs)
    finally:
        if not args.keep_db:
            drop_database(args.database)
    print(
        f"study plan generation, 15 codes, {int(figures['runs'])} runs: median {figures['median']:.1f} ms, "
        f"p95 {figures['p95']:.1f} ms, max {figures['max']:.1f} ms, {int(figures['queries'])} SQL queries"
    )
    if args.write:
        write_section(figures, f".venv/bin/python bench/bench_studyplans.py --runs {args.runs} --write")
        print("written to docs/performance.md, section Study plans")


if __name__ == "__main__":
    main()

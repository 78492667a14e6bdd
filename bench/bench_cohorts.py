"""Time of a cohort's analytics (``GET /api/v1/cohorts/{id}/analytics``) over 500 students and 5,000 reports.

Creates (when missing) and migrates a dedicated PostgreSQL database, loads the PA catalogue,
stores an instructor linked to N students with M reports between them (random PA codes, scores
and dates, seeded), one cohort of them all, then asks for the analytics R times through the API
in process and prints median / p95 / max wall time and the SQL query count of one request.
With ``--write`` the figures and the command are written to docs/performance.md, section
"Cohort analytics" (replaced in place, the rest of the file untouched).

Usage::

    .venv/bin/python bench/bench_cohorts.py [--students 500] [--reports 5000] [--runs 100] [--write]
        [--database postgres://postgres@127.0.0.1:5432/cfipros_bench_cohorts] [--keep-db]
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
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import _common  # noqa: E402

SECTION = "## Cohort analytics"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def seed(students: int, reports: int) -> int:
    """The instructor's id; the cohort is made through the service, as the API makes it."""
    from accounts.cohorts.services import cohort_create
    from accounts.models import Link, User
    from extraction.catalog.loader import catalog_file_read, catalog_load
    from extraction.catalog.shipped import SHIPPED_CATALOG
    from extraction.models import AcsElement, Report, ReportCode

    rng = random.Random(12)
    catalog_load([row for row in catalog_file_read(SHIPPED_CATALOG) if row.prefix == "PA"])
    elements = list(AcsElement.objects.filter(prefix="PA"))
    cfi = User.objects.create(username="bench-cfi", role=User.Role.CFI)
    pupils = User.objects.bulk_create(
        [User(username=f"bench-s{n}", email=f"s{n}@example.com") for n in range(students)]
    )
    Link.objects.bulk_create([Link(instructor=cfi, student=p) for p in pupils])
    made = Report.objects.bulk_create(
        [
            Report(
                owner=pupils[n % students],
                exam_code="PAR",
                exam_title="Private Pilot Airplane",
                exam_date=dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 360)),
                score=(score := rng.randint(45, 100)),
                grade="PASS" if score >= 70 else "FAIL",
            )
            for n in range(reports)
        ]
    )
    ReportCode.objects.bulk_create(
        [
            ReportCode(report=report, code=element.code, element=element, raw=element.code, position=i)
            for report in made
            for i, element in enumerate(rng.sample(elements, rng.randint(0, 8)))
        ],
        batch_size=5000,
    )
    cohort_create(owner=cfi, name="Bench", student_ids=[p.pk for p in pupils])
    return int(cfi.pk)


def run(students: int, reports: int, runs: int) -> dict[str, float]:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from accounts.models import Cohort, User

    call_command("migrate", verbosity=0)
    cfi = User.objects.get(pk=seed(students, reports))
    cohort = Cohort.objects.get(owner=cfi)
    client = APIClient(SERVER_NAME="localhost")
    client.force_authenticate(cfi)
    path = f"/api/v1/cohorts/{cohort.pk}/analytics"
    first: Any = client.get(path)
    assert first.status_code == 200, first.content
    assert first.json()["reports"] == reports
    timings: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return {
        "students": students,
        "reports": reports,
        "runs": runs,
        "median": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "max": max(timings),
        "queries": len(queries),
        "load": os.getloadavg()[0],
    }


def write_section(figures: dict[str, float], command: str) -> None:
    """Replace (or append) the "Cohort analytics" section of docs/performance.md, nothing else."""
    path = ROOT / "docs" / "performance.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    paragraphs = [
        "**Bar**: a cohort's analytics over 500 students and 5,000 reports answer with a p95 of at "
        "most 150 ms in at most 10 SQL queries, whatever the size (the query bound is asserted in "
        "tests/cohorts/test_analytics.py: 2 vs 25 students).",
        "**Command** (PostgreSQL on 127.0.0.1; creates, migrates and drops the database "
        "`cfipros_bench_cohorts`, loads the PA catalogue):",
        f"    {command}",
        "It links the students to one instructor, stores the reports with 0 to 8 random PA codes "
        "each, makes one cohort of every student, then times the whole request in process (DRF "
        "test client, forced authentication: routing, selectors, serialization).",
        f"**Figures** ({dt.date.today().isoformat()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, other suites running alongside):",
    ]
    table = (
        "| Students | Reports | Runs | Load average (1 min) | median | p95 | max | SQL statements |\n"
        "|---|---|---|---|---|---|---|---|\n"
        f"| {int(figures['students'])} | {int(figures['reports'])} | {int(figures['runs'])} | "
        f"{figures['load']:.1f} | {figures['median']:.1f} ms | {figures['p95']:.1f} ms | "
        f"{figures['max']:.1f} ms | {int(figures['queries'])} |"
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
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--reports", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/cfipros_bench_cohorts")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--write", action="store_true", help="Write the figures to docs/performance.md.")
    args = parser.parse_args()

    _common.ensure_database(args.database)
    os.environ["DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cfipros.settings.test")
    import django

    django.setup()
    from django.db import connections

    try:
        figures = run(args.students, args.reports, args.runs)
    finally:
        if not args.keep_db:
            connections.close_all()
            _common.drop_database(args.database)
    print(
        f"cohort analytics, {args.students} students, {args.reports} reports, {args.runs} runs: "
        f"median {figures['median']:.1f} ms, p95 {figures['p95']:.1f} ms, max {figures['max']:.1f} ms, "
        f"{int(figures['queries'])} SQL queries"
    )
    if args.write:
        command = (
            f".venv/bin/python bench/bench_cohorts.py --students {args.students} --reports {args.reports} "
            f"--runs {args.runs} --write"
        )
        write_section(figures, command)
        print("written to docs/performance.md, section Cohort analytics")


if __name__ == "__main__":
    main()

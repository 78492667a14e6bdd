"""Time of cohort and school analytics over a demo school made by ``manage.py seed_demo_data``.

Creates (when missing) and migrates a dedicated PostgreSQL database, loads the PA, IR and CA
parts of the shipped ACS catalogue, seeds the demo school (N students, M reports, seed 12, exam
dates in the year before 2026-06-30), runs ANALYZE as autovacuum would, then asks R times, in
process through the API as the school's admin, for:

- ``GET /api/v1/cohorts/{id}/analytics`` of the admin's whole-school cohort (all N students);
- ``GET /api/v1/organizations/{id}/analytics`` of the school;

each cold (the figures computed: the cache is bypassed) and warm (the data unchanged since the
last request: the figures come from the cache). It prints median / p95 / max wall time, the SQL
statements of one request and, cold, the share of the time spent in SQL (execution and transfer,
as the database wrapper times it) against Python (ORM, aggregation, serialization). With
``--write`` the figures and the command replace the section "Cohort and school analytics" of
docs/performance.md (the rest of the file is untouched).

Usage::

    .venv/bin/python bench/bench_analytics.py [--students 500] [--reports 5000] [--runs 100] [--write]
        [--database postgres://postgres@127.0.0.1:5432/cfipros_bench_analytics] [--keep-db]
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import _common  # noqa: E402

SECTION = "## Cohort and school analytics"
MARKER = "<!-- bench_analytics: notes below are kept by --write -->"
SEED = 12
AS_OF = "2026-06-30"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def prepare(students: int, reports: int) -> tuple[Any, str, str, float]:
    """Migrate, load the catalogue, seed the school; the admin, both paths and the seeding time."""
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import Cohort, Membership, Organization
    from extraction.catalog.loader import catalog_file_read, catalog_load
    from extraction.catalog.shipped import SHIPPED_CATALOG

    call_command("migrate", verbosity=0)
    catalog_load([row for row in catalog_file_read(SHIPPED_CATALOG) if row.prefix in {"PA", "IR", "CA"}])
    started = time.perf_counter()
    call_command(
        "seed_demo_data",
        "--students",
        str(students),
        "--reports",
        str(reports),
        "--seed",
        str(SEED),
        "--as-of",
        AS_OF,
        "--reset",
    )
    seeding = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    organization = Organization.objects.get(clerk_id=f"demo_school_{SEED}")
    admin = Membership.objects.get(organization=organization, role=Membership.Role.ADMIN).user
    cohort = Cohort.objects.get(owner=admin, name="Whole school")
    return (
        admin,
        f"/api/v1/cohorts/{cohort.pk}/analytics",
        f"/api/v1/organizations/{organization.pk}/analytics",
        seeding,
    )


def measure(client: Any, path: str, runs: int, *, cold: bool) -> dict[str, float]:
    from django.core.cache.backends.dummy import DummyCache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from extraction.analytics import selectors

    real_cache = selectors.cache
    if cold:
        selectors.cache = DummyCache("bench", {})  # type: ignore[assignment]
    try:
        first = client.get(path)
        assert first.status_code == 200, first.content
        timings: list[float] = []
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        sql: list[float] = []
        whole: list[float] = []
        for _ in range(max(5, runs // 10)):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                client.get(path)
                whole.append((time.perf_counter() - start) * 1000)
            sql.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
    finally:
        selectors.cache = real_cache
    return {
        "median": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "max": max(timings),
        "queries": len(queries),
        "sql_share": sum(sql) / sum(whole),
        "body_kb": len(first.content) / 1024,
    }


def run(students: int, reports: int, runs: int) -> dict[str, Any]:
    from rest_framework.test import APIClient

    admin, cohort_path, school_path, seeding = prepare(students, reports)
    client = APIClient(SERVER_NAME="localhost")
    client.force_authenticate(admin)
    figures: dict[str, Any] = {"students": students, "reports": reports, "runs": runs, "seeding": seeding}
    load_before = os.getloadavg()[0]
    for name, path in (("cohort", cohort_path), ("school", school_path)):
        for mode in ("cold", "warm"):
            figures[f"{name} {mode}"] = measure(client, path, runs, cold=mode == "cold")
    figures["load"] = (load_before, os.getloadavg()[0])
    return figures


def write_section(figures: dict[str, Any], command: str) -> None:
    """Replace (or append) this bench's section of docs/performance.md, nothing else."""
    path = ROOT / "docs" / "performance.md"
    rows = "\n".join(
        f"| {name} | {int(f['queries'])} | {f['median']:.1f} ms | **{f['p95']:.1f} ms** | {f['max']:.1f} ms "
        f"| {100 * f['sql_share']:.0f}% | {f['body_kb']:.0f} kB |"
        for name, f in (
            (key, figures[key]) for key in ("cohort cold", "cohort warm", "school cold", "school warm")
        )
    )
    table = (
        "| Request | SQL statements | median | p95 | max | time in SQL | body |\n"
        "|---|---|---|---|---|---|---|\n" + rows + "\n"
    )
    intro = [
        "**Bar**: a cohort's analytics over 500 students and 5,000 reports answer with a p95 of at most "
        "150 ms in at most 10 SQL queries, whatever the size (tests/cohorts/test_analytics.py and "
        "tests/organizations/test_analytics.py assert the query bound with few and many students).",
        "**Command** (PostgreSQL on 127.0.0.1; creates, migrates and drops the database "
        "`cfipros_bench_analytics`, loads the PA, IR and CA catalogue, seeds the school with "
        "`manage.py seed_demo_data`):",
        f"    {command}",
        "The admin of the demo school asks, through the DRF test client in process (routing, "
        "authentication forced, selectors, serialization), for the analytics of the whole-school "
        "cohort and of the school, cold (the figures computed; the cache bypassed) and warm (data "
        "unchanged since the last request, figures from the cache).",
        f"**Figures** ({dt.date.today().isoformat()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load average {figures['load'][0]:.1f} before and "
        f"{figures['load'][1]:.1f} after; {int(figures['students'])} students, "
        f"{int(figures['reports'])} reports, {int(figures['runs'])} runs each; seeding took "
        f"{figures['seeding']:.1f} s):",
    ]
    wrapped = [p if p.startswith("    ") else textwrap.fill(p, width=100) for p in intro]
    body = f"{SECTION}\n\n" + "\n\n".join(wrapped) + "\n\n" + table
    _common.replace_doc_section(path, SECTION, body, MARKER)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--reports", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/cfipros_bench_analytics")
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
    print(f"{args.students} students, {args.reports} reports, {args.runs} runs, load {figures['load']}")
    for key in ("cohort cold", "cohort warm", "school cold", "school warm"):
        f = figures[key]
        print(
            f"{key}: median {f['median']:.1f} ms, p95 {f['p95']:.1f} ms, max {f['max']:.1f} ms, "
            f"{int(f['queries'])} SQL queries, {100 * f['sql_share']:.0f}% of the time in SQL, "
            f"{f['body_kb']:.0f} kB"
        )
    if args.write:
        command = (
            f".venv/bin/python bench/bench_analytics.py --students {args.students} "
            f"--reports {args.reports} --runs {args.runs} --write"
        )
        write_section(figures, command)
        print(f"written to docs/performance.md, section {SECTION[3:]}")


if __name__ == "__main__":
    main()

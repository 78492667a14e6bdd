"""Time of the national statistics over 100,000 reports: the tables, the writes and a rebuild.

Creates (when missing) and migrates a dedicated PostgreSQL database, loads the shipped ACS
catalogue, then writes N reports (default 100,000) with their codes in bulk: exams drawn PAR 45%,
IRA 25%, CAX 15%, CPH 5% (its codes from the helicopter part, which is absent here), ATM 10% (AT
codes); 0 to 15 codes each (5 on average), drawn from the exam's ACS elements with a Zipf-like
popularity so a few codes are common and most are rare; scores from 40 to 100 (pass at 70); the
received time spread uniformly over the last 90 days. Reports are written with ``bulk_create``
(the per-report path would take hours); the aggregate is then built by the real bulk path,
``statistics_rebuild()`` (``manage.py rebuild_statistics``), whose time is printed, and VACUUM
ANALYZE runs as autovacuum would after so many inserts (the visibility map lets the national
table be read from its covering index alone).

Then, in process through the API with the DRF test client (routing, the query serializer,
selectors, serialization), R times each:

- ``GET /api/v1/stats/codes?exam=PAR&days=30`` (and ``days=7``, ``days=90``; IRA over 30 days);
- ``GET /api/v1/stats/exams?days=30``;

uncached (nothing read from the cache), cold (``STATISTICS_CACHE_SECONDS`` = 0: every request
computes its answer, from the earlier days' cached sums and today's rows) and warm (the 5-second
cache as shipped). Last, the write path: ``report_store_result`` of W new reports of
signed-in owners, as an upload stores them, with and without the statistics upserts, so their
cost shows. With ``--write`` the figures replace the section "National statistics" of
docs/performance.md (the rest of the file is untouched).

Usage::

    .venv/bin/python bench/bench_statistics.py [--reports 100000] [--runs 200] [--writes 200] [--write]
        [--database postgres://postgres@127.0.0.1:5432/cfipros_bench_statistics] [--keep-db]
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
from contextlib import nullcontext
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import _common  # noqa: E402

SECTION = "## National statistics"
MARKER = "<!-- bench_statistics: notes below are kept by --write -->"
SEED = 20261130
EXAMS = (("PAR", "PA", 45), ("IRA", "IR", 25), ("CAX", "CA", 15), ("CPH", "CH", 5), ("ATM", "AT", 10))
REQUESTS = (
    ("codes PAR 30 d", "/api/v1/stats/codes?exam=PAR&days=30"),
    ("codes PAR 7 d", "/api/v1/stats/codes?exam=PAR&days=7"),
    ("codes PAR 90 d", "/api/v1/stats/codes?exam=PAR&days=90"),
    ("codes IRA 30 d", "/api/v1/stats/codes?exam=IRA&days=30"),
    ("exams 30 d", "/api/v1/stats/exams?days=30"),
)


# uncached: nothing from the cache; cold: the answer computed, the earlier days' sums from the
# cache (today's read); warm: the answer from the cache, as within 5 s of the last computation.
MODES = ("uncached", "cold", "warm")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def seed_reports(count: int) -> float:
    """Write ``count`` reports with their codes in bulk; returns the seconds it took."""
    from django.db import connection, transaction

    from extraction.catalog.loader import catalog_file_read, catalog_load
    from extraction.catalog.shipped import SHIPPED_CATALOG
    from extraction.models import AcsElement, Report, ReportCode

    rows = catalog_file_read(SHIPPED_CATALOG)
    catalog_load(rows)
    rng = random.Random(SEED)
    pools: dict[str, tuple[list[str], list[float]]] = {}
    elements = dict(AcsElement.objects.values_list("code", "id"))
    for exam, prefix, _ in EXAMS:
        codes = sorted(code for code in elements if code.startswith(prefix + "."))
        codes = codes or [f"{prefix}.I.A.K{n}" for n in range(1, 200)]
        rng.shuffle(codes)
        pools[exam] = (codes, [1 / (rank + 1) ** 0.8 for rank in range(len(codes))])
    exams, weights = [e[0] for e in EXAMS], [e[2] for e in EXAMS]
    started = time.perf_counter()
    batch = 5000
    for first in range(0, count, batch):
        reports: list[Report] = []
        codes_of: list[list[str]] = []
        for _ in range(min(batch, count - first)):
            exam = rng.choices(exams, weights)[0]
            score = rng.randint(40, 100)
            reports.append(
                Report(exam_code=exam, score=score, grade="PASS" if score >= 70 else "FAIL", code_kind="acs")
            )
            pool, popularity = pools[exam]
            codes_of.append(
                list(dict.fromkeys(rng.choices(pool, popularity, k=rng.randint(0, 10) + rng.randint(0, 5))))
            )
        with transaction.atomic():
            Report.objects.bulk_create(reports, batch_size=batch)
            ReportCode.objects.bulk_create(
                [
                    ReportCode(report=report, code=code, element_id=elements.get(code), raw=code, position=n)
                    for report, codes in zip(reports, codes_of, strict=True)
                    for n, code in enumerate(codes)
                ],
                batch_size=batch,
            )
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(
            "UPDATE extraction_report SET created_at = now() - random() * interval '90 days', "
            "updated_at = created_at"
        )
    return time.perf_counter() - started


def measure(client: Any, path: str, runs: int) -> dict[str, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = client.get(path)
    assert first.status_code == 200, first.content
    timings: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return {
        "median": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "max": max(timings),
        "queries": len(queries),
        "body_kb": len(first.content) / 1024,
    }


def measure_writes(writes: int) -> dict[str, float]:
    """``report_store_result`` of new owned reports, with the statistics upserts and without."""
    from accounts.models import User
    from extraction.engine import CodeDetail, ExtractionResult
    from extraction.reports import services

    owner = User.objects.create(username="bench-owner")
    rng = random.Random(SEED + 1)

    def result(n: int) -> ExtractionResult:
        codes = [f"PA.I.{rng.choice('ABCDEF')}.K{rng.randint(1, 6)}" for _ in range(6)]
        codes = list(dict.fromkeys(codes))
        return ExtractionResult(
            exam_code="PAR",
            exam_id=f"BENCH-{n}",
            score=75,
            grade="PASS",
            codes=codes,
            codes_detail=[CodeDetail(c, "", "", "", "K", 1.0, c) for c in codes],
        )

    figures: dict[str, float] = {}
    for label, patched in (("with", False), ("without", True)):
        timings: list[float] = []
        context = mock.patch.object(services, "statistics_report_changed") if patched else mock.MagicMock()
        with context:
            for n in range(writes):
                item = result(n + (writes if patched else 0))
                start = time.perf_counter()
                services.report_store_result(owner=owner, result=item)
                timings.append((time.perf_counter() - start) * 1000)
        figures[f"{label} median"] = statistics.median(timings)
        figures[f"{label} p95"] = percentile(timings, 0.95)
    return figures


def run(reports: int, runs: int, writes: int) -> dict[str, Any]:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings
    from rest_framework.test import APIClient

    from extraction.models import CodeDayStatistic, ExamDayStatistic, ReportCode
    from extraction.statistics import selectors
    from extraction.statistics.services import statistics_rebuild

    call_command("migrate", verbosity=0)
    figures: dict[str, Any] = {"reports": reports, "runs": runs, "writes": writes}
    figures["seeding"] = seed_reports(reports)
    figures["codes"] = ReportCode.objects.count()
    started = time.perf_counter()
    outcome = statistics_rebuild()
    figures["rebuild"] = time.perf_counter() - started
    assert outcome.reports == reports, outcome
    again = statistics_rebuild()
    assert (again.code_rows_corrected, again.exam_rows_corrected) == (0, 0), again
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    figures["code rows"] = CodeDayStatistic.objects.count()
    figures["exam rows"] = ExamDayStatistic.objects.count()
    client = APIClient(SERVER_NAME="localhost")
    load_before = os.getloadavg()[0]
    for mode in MODES:
        seconds = settings.STATISTICS_CACHE_SECONDS if mode == "warm" else 0
        uncached = mock.patch.object(selectors, "_cache_get", return_value=None)
        with (
            override_settings(STATISTICS_CACHE_SECONDS=seconds),
            uncached if mode == "uncached" else nullcontext(),
        ):
            for name, path in REQUESTS:
                figures[f"{name} {mode}"] = measure(client, path, runs)
    figures["write"] = measure_writes(writes)
    figures["load"] = (load_before, os.getloadavg()[0])
    return figures


def write_section(figures: dict[str, Any], command: str) -> None:
    """Replace (or append) this bench's section of docs/performance.md, nothing else."""
    path = ROOT / "docs" / "performance.md"
    rows = "\n".join(
        f"| {name} {mode} | {int(f['queries'])} | {f['median']:.1f} ms | **{f['p95']:.1f} ms** | "
        f"{f['max']:.1f} ms | {f['body_kb']:.0f} kB |"
        for mode in MODES
        for name, _ in REQUESTS
        for f in (figures[f"{name} {mode}"],)
    )
    table = (
        "| Request | SQL statements | median | p95 | max | body |\n|---|---|---|---|---|---|\n" + rows + "\n"
    )
    write = figures["write"]
    intro = [
        "**Bar**: the national statistics over 100,000 reports answer with a p95 of at most 20 ms "
        "(`/stats/codes` and `/stats/exams`), and reflect a new report within 5 seconds "
        "(tests/statistics/test_api.py).",
        "**Command** (PostgreSQL and Redis on 127.0.0.1; creates, migrates and drops the database "
        "`cfipros_bench_statistics`):",
        f"    {command}",
        f"The {int(figures['reports']):,} reports ({int(figures['codes']):,} codes) are written in bulk "
        f"({figures['seeding']:.0f} s), then counted by the real bulk path, `statistics_rebuild()` "
        f"(`manage.py rebuild_statistics`): **{figures['rebuild']:.1f} s** into "
        f"{int(figures['exam rows']):,} exam-day and {int(figures['code rows']):,} code-day rows; a "
        "second rebuild corrects nothing; VACUUM ANALYZE follows, as autovacuum would. Requests go "
        "through the DRF test client in process: *uncached* (nothing read from the cache: every sum "
        "computed), *cold* (`STATISTICS_CACHE_SECONDS` = 0: the answer computed each time from the "
        "earlier days' sums, cached until one of those days changes, and today's rows, read fresh) "
        "and *warm* (the answer from the shipped 5-second cache).",
        f"**Figures** ({dt.date.today().isoformat()}, {os.cpu_count()} cores shared with other work, "
        f"Python {platform.python_version()}, load average {figures['load'][0]:.1f} before and "
        f"{figures['load'][1]:.1f} after; {int(figures['runs'])} runs each):",
    ]
    wrapped = [p if p.startswith("    ") else textwrap.fill(p, width=100) for p in intro]
    after = textwrap.fill(
        f"Storing a report (`report_store_result`, an owned PAR report with up to 6 codes, "
        f"{int(figures['writes'])} each): median {write['with median']:.1f} ms and p95 "
        f"{write['with p95']:.1f} ms with the two statistics upserts, {write['without median']:.1f} ms "
        f"and {write['without p95']:.1f} ms without them.",
        width=100,
    )
    body = f"{SECTION}\n\n" + "\n\n".join(wrapped) + "\n\n" + table + "\n" + after + "\n"
    _common.replace_doc_section(path, SECTION, body, MARKER)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/cfipros_bench_statistics")
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
        figures = run(args.reports, args.runs, args.writes)
    finally:
        if not args.keep_db:
            connections.close_all()
            _common.drop_database(args.database)
    print(
        f"{args.reports} reports ({figures['codes']} codes) seeded in {figures['seeding']:.1f} s, "
        f"rebuilt in {figures['rebuild']:.1f} s: {figures['exam rows']} exam-day, "
        f"{figures['code rows']} code-day rows"
    )
    for mode in MODES:
        for name, _ in REQUESTS:
            f = figures[f"{name} {mode}"]
            print(
                f"{name} {mode}: median {f['median']:.1f} ms, p95 {f['p95']:.1f} ms, max {f['max']:.1f} ms, "
                f"{int(f['queries'])} SQL, {f['body_kb']:.0f} kB"
            )
    print(f"writes: {figures['write']}, load {figures['load']}")
    if args.write:
        command = (
            f".venv/bin/python bench/bench_statistics.py --reports {args.reports} --runs {args.runs} "
            f"--writes {args.writes} --write"
        )
        write_section(figures, command)
        print(f"written to docs/performance.md, section {SECTION[3:]}")


if __name__ == "__main__":
    main()

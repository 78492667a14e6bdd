"""Hostile files, each in a fresh ``manage.py extract`` process: wall time and peak memory.

The bar of issue 8: every hostile file gets a stable answer within 5 s and under 600 MB of
peak memory, in a fresh process (interpreter, Django and engine start-up included). The
files come from ``tests/engine/hostile/`` (or ``DIR``, every file in it); each runs
``--runs`` times, one process per run, and the median wall time and peak RSS are printed
with the answer. A baseline row runs a small text report the same way, to show what start-up
alone costs on this machine.

Usage::

    python bench/bench_hostile.py [DIR] [--runs 3] [--only NAME ...] [--json out.json]

Exit status 1 when any file misses the bar or gets an unexpected answer.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.engine.generator.documents import aktr_pdf  # noqa: E402
from tests.engine.hostile import answer, hostile_files, run_fresh  # noqa: E402

BAR_SECONDS = 5.0
BAR_MB = 600.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", nargs="?", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        files: dict[str, tuple[Path, frozenset[str] | None]] = {}
        baseline = Path(tmp) / "baseline_text_report.pdf"
        baseline.write_bytes(aktr_pdf())
        files["(baseline) text report"] = (baseline, frozenset({"ok", "needs_review"}))
        if args.dir:
            for path in sorted(p for p in args.dir.iterdir() if p.is_file()):
                files[path.name] = (path, None)
        else:
            for name, case in hostile_files().items():
                path = Path(tmp) / name
                path.write_bytes(case.data)
                files[name] = (path, case.expect)
        if args.only:
            files = {n: v for n, v in files.items() if n in args.only or n.startswith("(baseline)")}

        rows = []
        failed = 0
        print(f"{'file':32} {'answer':22} {'median s':>9} {'max s':>7} {'peak MB':>8}  bar")
        for name, (path, expect) in files.items():
            runs = [run_fresh([str(path)], timeout=120) for _ in range(args.runs)]
            answers = {answer(r.entries[0]) if r.entries else f"exit {r.returncode}" for r in runs}
            seconds = statistics.median(r.seconds for r in runs)
            peak = statistics.median(r.peak_rss_mb for r in runs)
            traceback = any("Traceback" in r.stderr for r in runs)
            good = (
                len(answers) == 1
                and not traceback
                and seconds < BAR_SECONDS
                and peak < BAR_MB
                and (expect is None or answers <= expect)
            )
            failed += not good
            shown = "/".join(sorted(answers)) + (" +traceback" if traceback else "")
            print(
                f"{name:32} {shown:22} {seconds:9.2f} {max(r.seconds for r in runs):7.2f} "
                f"{peak:8.0f}  {'ok' if good else 'MISSED'}"
            )
            rows.append(
                {
                    "file": name,
                    "answers": sorted(answers),
                    "median_s": round(seconds, 3),
                    "max_s": round(max(r.seconds for r in runs), 3),
                    "peak_mb": round(peak, 1),
                    "met_bar": good,
                }
            )
    print(f"{len(rows) - failed} of {len(rows)} within {BAR_SECONDS:.0f} s and {BAR_MB:.0f} MB")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

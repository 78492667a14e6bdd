"""Time the extraction engine in-process, the way the API calls it (catalogue built once).

Text PDFs are the bar that matters here: p95 at most 20 ms per document, catalogue lookup
included. Each document is extracted ``--repeat`` times after one warm-up call; every call
is one sample. Without ``DIR`` the hand-named fixtures of ``tests/engine/test_text_pdfs.py``
are used, so the benchmark runs anywhere; ``--wide N`` adds N text PDFs of the wide generator
(``tests/engine/generator``: other vendors' wordings and layouts), from seed ``--start``.

Usage::

    python bench/bench_extraction.py [DIR] [--repeat 20] [--format text --format scan] [--json out.json]
    python bench/bench_extraction.py --wide 200 --start 100000 --repeat 5

Prints, per format, documents, exact documents (when truth files are present), p50 / p95 /
max milliseconds. Scans, PNGs and photos run the OCR models: expect seconds, and use
``--repeat 1`` for them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extraction.engine import Catalog, ExtractionError, extract_document, warm_up  # noqa: E402
from extraction.engine.serialize import FIELDS  # noqa: E402
from extraction.evaluation.cases import load_cases  # noqa: E402
from extraction.evaluation.scores import percentile  # noqa: E402

Case = tuple[str, str, bytes, dict[str, object] | None]  # name, format, bytes, truth


def generated_cases() -> list[Case]:
    from tests.engine.generator.documents import aktr_pdf
    from tests.engine.test_text_pdfs import VARIANTS

    return [(name, "text", aktr_pdf(r), r.expected()) for name, r in sorted(VARIANTS.items())]


def wide_cases(
    catalog: Catalog, count: int, start: int
) -> list[tuple[str, str, bytes, dict[str, object] | None]]:
    from tests.engine.generator.draw import draw_spec
    from tests.engine.generator.render import render_pdf

    cases: list[Case] = []
    for seed in range(start, start + count):
        spec = draw_spec(seed, catalog)
        cases.append((f"wide-{seed}", "text", render_pdf(spec), spec.expected()))
    return cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", nargs="?", type=Path)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--format", action="append", dest="formats")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--wide", type=int, default=0, help="text PDFs of the wide generator to add")
    parser.add_argument("--start", type=int, default=100_000, help="first seed of --wide")
    args = parser.parse_args()

    catalog = Catalog.from_json(ROOT / "extraction" / "data" / "acs_catalog.json.gz")
    warm_up(catalog)
    if args.directory:
        cases = [
            (c.document.name, c.format, c.document.read_bytes(), c.truth) for c in load_cases(args.directory)
        ]
    else:
        cases = generated_cases()
    if args.wide:
        cases += wide_cases(catalog, args.wide, args.start)
    formats = args.formats or ["text"]
    cases = [c for c in cases if c[1] in formats]
    if not cases:
        print("no documents", file=sys.stderr)
        return 1

    results: dict[str, dict[str, object]] = {}
    for fmt in formats:
        times: list[float] = []
        exact = judged = 0
        for name, _, data, truth in (c for c in cases if c[1] == fmt):
            try:
                result = extract_document(data, catalog)  # warm-up for this document
            except ExtractionError as exc:
                print(f"{name}: refused ({exc.code})", file=sys.stderr)
                continue
            if truth is not None:
                judged += 1
                exact += all(getattr(result, f) == truth.get(f) for f in FIELDS)
            for _ in range(max(1, args.repeat)):
                started = time.perf_counter()
                extract_document(data, catalog)
                times.append((time.perf_counter() - started) * 1000)
        if not times:
            continue
        results[fmt] = {
            "documents": sum(1 for c in cases if c[1] == fmt),
            "exact": exact,
            "judged": judged,
            "samples": len(times),
            "p50_ms": round(percentile(times, 50), 2),
            "p95_ms": round(percentile(times, 95), 2),
            "max_ms": round(max(times), 2),
        }
    print(f"{'format':8} {'docs':>5} {'exact':>7} {'samples':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for fmt, r in results.items():
        print(
            f"{fmt:8} {r['documents']:>5} {str(r['exact']) + '/' + str(r['judged']):>7} {r['samples']:>8} "
            f"{r['p50_ms']:>8.2f} {r['p95_ms']:>8.2f} {r['max_ms']:>8.2f}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

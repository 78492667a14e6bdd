"""Measure the engine on generated documents, per format, and keep one record per document.

Usage (held-out seeds start at 100000; develop below them)::

    python -m tests.engine.generator.sweep --formats text,scan,png,photo --count 40 \\
        --start 100000 --jobs 2 --ocr-cache /tmp/gen-ocr-cache --records out.jsonl

Per format it prints: exact documents, code precision / recall / F1, codes outside the
catalogue, per-field accuracy, p50 / p95 engine time, how many wrong and right documents
``review`` flags, and a reliability table (confidence bins against observed exactness).
A refused document (ExtractionError) is wrong with all its codes missed; it counts as
flagged, since the user sees the refusal. ``--records`` writes one JSON line per document
(seed, format, tags, expected, got, exact, wrong fields) to fit the confidence calibration
on; ``--write-dir`` writes the documents with truth files for ``manage.py evaluate_extraction``.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extraction.engine.serialize import FIELDS

from .draw import draw_spec
from .images import EXTENSIONS, FORMATS, render_document

SHIPPED = Path(__file__).resolve().parents[3] / "extraction" / "data" / "acs_catalog.json.gz"
BINS = ((0.0, 0.5), (0.5, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 1.0001))
LEGACY = re.compile(r"^PLT\d{3}$")
# Result field -> the spec label that printed it (for the failure summary).
LABEL_OF = {
    "applicant_name": "name",
    "ftn": "ftn",
    "applicant_id": "applicant_id",
    "exam_id": "exam_id",
    "exam_code": "exam",
    "exam_title": "exam",
    "exam_date": "exam_date",
    "exam_site": "exam_site",
    "score": "score",
    "grade": "grade",
    "take": "take",
    "expiration_date": "expiration",
}

_state: dict[str, Any] = {}


def _init(ocr_cache: str | None) -> None:
    from extraction.engine import Catalog, warm_up

    if ocr_cache:
        from tests.engine.variant_sweep import cache_ocr

        cache_ocr(Path(ocr_cache))
    catalog = Catalog.from_json(SHIPPED)
    warm_up(catalog)
    _state["catalog"] = catalog


def printed(spec: Any, key: str) -> str:
    """What the document printed for a result field: label and value, or the code layout."""
    if key == "codes":
        return f"codes[{spec.code_layout}, sep={spec.separator!r}, preface={spec.preface!r}]"
    label = spec.labels.get(LABEL_OF.get(key, key), "")
    values = {
        "applicant_name": spec.name,
        "ftn": spec.ftn,
        "applicant_id": spec.applicant_id,
        "exam_id": spec.exam_id,
        "exam_code": spec.exam_title,
        "exam_title": spec.exam_title,
        "exam_date": spec.date_text(),
        "exam_site": spec.site,
        "score": spec.score_text,
        "grade": spec.grade_text,
        "take": spec.take_text,
        "expiration_date": spec.expiration_text(),
        "code_kind": spec.code_kind,
    }
    if key in ("exam_title", "exam_code") and spec.title_as_heading:
        label = "(heading)"
    return f"{label} {values.get(key)!r} [{spec.header_layout}]"


def run_one(job: tuple[str, int, str | None]) -> dict[str, Any]:
    """Generate one document, extract it, compare; the JSON record of it."""
    from extraction.engine import ExtractionError, extract_document
    from extraction.engine.serialize import result_to_dict

    fmt, seed, write_dir = job
    catalog = _state["catalog"]
    spec = draw_spec(seed, catalog, single_page=fmt in ("png", "photo"))
    data, render_tags = render_document(spec, fmt)
    expected = spec.expected()
    if write_dir:
        name = f"gen-{seed}-{fmt}"
        directory = Path(write_dir)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"{name}.{EXTENSIONS[fmt]}").write_bytes(data)
        truth = {**expected, "file": f"{name}.{EXTENSIONS[fmt]}", "format": fmt}
        (directory / f"{name}.json").write_text(json.dumps(truth, indent=1), encoding="utf-8")
    started = time.perf_counter()
    got: dict[str, Any] | None
    error = None
    try:
        got = result_to_dict(extract_document(data, catalog))
    except ExtractionError as exc:
        got, error = None, exc.code
    elapsed = (time.perf_counter() - started) * 1000
    if got is None:
        wrong = ["error:" + str(error)]
    else:
        wrong = [f for f in FIELDS if f != "codes" and got.get(f) != expected[f]]
        if sorted(got.get("codes") or []) != expected["codes"]:
            wrong.append("codes")
    outside = [c for c in (got or {}).get("codes", []) if c not in catalog and not LEGACY.match(c)]
    return {
        "seed": seed,
        "format": fmt,
        "tags": {**spec.tags, **render_tags},
        "expected": expected,
        "got": got,
        "error": error,
        "exact": not wrong,
        "wrong": wrong,
        "printed": {f: printed(spec, f) for f in wrong if not f.startswith("error:")},
        "outside_catalogue": outside,
        "ms": round(elapsed, 1),
    }


@dataclass
class Tally:
    """The figures of one format."""

    records: list[dict[str, Any]] = field(default_factory=list)

    def report(self, name: str) -> list[str]:
        rs = self.records
        n = len(rs)
        exact = sum(r["exact"] for r in rs)
        tp = fp = fn = 0
        for r in rs:
            want = set(r["expected"]["codes"])
            got = set((r["got"] or {}).get("codes") or [])
            tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
        outside = sum(len(r["outside_catalogue"]) for r in rs)
        times = sorted(r["ms"] for r in rs if r["got"] is not None) or [0.0]
        p50 = times[len(times) // 2]
        p95 = times[max(0, math.ceil(0.95 * len(times)) - 1)]
        refused = [r for r in rs if r["got"] is None]
        wrong = [r for r in rs if not r["exact"]]
        right = [r for r in rs if r["exact"]]
        flagged_wrong = sum(1 for r in wrong if r["got"] is None or r["got"].get("review"))
        flagged_right = sum(1 for r in right if r["got"].get("review"))
        lines = [
            f"== {name}: {exact}/{n} exact ({100 * exact / max(n, 1):.1f}%), refused {len(refused)}",
            f"   codes: precision {precision:.4f} recall {recall:.4f} F1 {f1:.4f} "
            f"(tp {tp}, fp {fp}, fn {fn}); outside the catalogue {outside}",
            f"   time: p50 {p50:.1f} ms, p95 {p95:.1f} ms",
            f"   review: flags {flagged_wrong}/{len(wrong)} wrong documents, "
            f"{flagged_right}/{len(right)} right ones",
        ]
        accuracy = []
        for f in FIELDS:
            ok = sum(1 for r in rs if f not in r["wrong"] and r["got"] is not None)
            accuracy.append(f"{f} {ok}/{n}")
        lines.append("   fields: " + ", ".join(accuracy))
        lines.append("   reliability (confidence bin: documents, observed exact):")
        for low, high in BINS:
            inside = [r for r in rs if r["got"] is not None and low <= r["got"]["confidence"] < high]
            rate = f"{sum(r['exact'] for r in inside) / len(inside):.2f}" if inside else "-"
            lines.append(f"     {low:.2f}-{min(high, 1.0):.2f}: {len(inside):4d}  {rate}")
        kinds = Counter(f for r in rs for f in r["wrong"])
        if kinds:
            lines.append("   wrong fields: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
        return lines


def jobs_of(
    formats: list[str], start: int, count: int, write_dir: str | None
) -> list[tuple[str, int, str | None]]:
    return [(fmt, seed, write_dir) for fmt in formats for seed in range(start, start + count)]


def run(
    jobs: list[tuple[str, int, str | None]], workers: int, ocr_cache: str | None
) -> Iterator[dict[str, Any]]:
    if workers <= 1:
        _init(ocr_cache)
        yield from map(run_one, jobs)
        return
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_init, initargs=(ocr_cache,)) as pool:
        yield from pool.imap(run_one, jobs, chunksize=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--formats", default="text", help="comma list of " + ",".join(FORMATS))
    parser.add_argument("--count", type=int, default=40, help="documents per format")
    parser.add_argument("--start", type=int, default=100_000, help="first seed (held-out seeds: >= 100000)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--ocr-cache", help="directory that keeps OCR output between runs")
    parser.add_argument("--records", type=Path, help="write one JSON line per document here")
    parser.add_argument("--write-dir", help="write documents and truth files here")
    parser.add_argument("--failures", type=int, default=0, help="print up to N failures per format")
    args = parser.parse_args(argv)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    for f in formats:
        if f not in FORMATS:
            parser.error(f"unknown format {f!r}")
    tallies: dict[str, Tally] = {f: Tally() for f in formats}
    out = args.records.open("w", encoding="utf-8") if args.records else None
    done = 0
    jobs = jobs_of(formats, args.start, args.count, args.write_dir)
    try:
        for record in run(jobs, args.jobs, args.ocr_cache):
            done += 1
            tallies[record["format"]].records.append(record)
            if out:
                out.write(json.dumps(record, default=str) + "\n")
                out.flush()
            mark = "ok" if record["exact"] else "MISS " + ",".join(record["wrong"])
            print(
                f"[{done}/{len(jobs)}] {record['format']} seed {record['seed']} {record['ms']:.0f} ms {mark}",
                file=sys.stderr,
            )
    finally:
        if out:
            out.close()
    for name, tally in tallies.items():
        print("\n".join(tally.report(name)))
        failures = [r for r in tally.records if not r["exact"]][: args.failures]
        for r in failures:
            tags = r["tags"]
            print(f"   seed {r['seed']} {tags['family']}/{tags['header_layout']}/{tags['code_layout']}:")
            for f in r["wrong"]:
                if f.startswith("error:"):
                    print(f"     refused {f[6:]}")
                    continue
                got = (r["got"] or {}).get(f)
                print(f"     {f}: got {got!r}, expected {r['expected'][f]!r}; printed {r['printed'].get(f)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

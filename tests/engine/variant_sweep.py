"""Run the engine over generated report variants and list every document it gets wrong.

Not part of the test suite (the OCR half takes seconds per page); the text half of it runs in
``test_variants.py``. Usage::

    python -m tests.engine.variant_sweep --text 400
    python -m tests.engine.variant_sweep --images 30 --start 1000

Text variants are drawn by :func:`generator.random_reports.random_report`; image variants render
the same reports and photograph them (:func:`generator.random_reports.image_variant`): rotation by a quarter
turn plus a few degrees, 120-300 dpi, uneven light, JPEG artefacts.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import pickle
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extraction.engine import Catalog, ExtractionError, extract_document, warm_up
from extraction.engine.serialize import FIELDS
from tests.engine.generator.random_reports import codes_by_prefix, image_variant, random_report
from tests.engine.generator.render import render_pdf
from tests.engine.generator.spec import DocumentSpec

IMAGE_MODES = ("png", "scan", "photo")  # image_variant's choice by seed
SHIPPED = Path(__file__).resolve().parents[2] / "extraction" / "data" / "acs_catalog.json.gz"


def cache_ocr(directory: Path) -> None:
    """Keep each page's OCR output on disk, so a re-run after a parser change skips the models."""
    from extraction.engine import ocr

    directory.mkdir(parents=True, exist_ok=True)
    recognize = ocr.recognize_image

    def cached(image: Any, **kwargs: Any) -> Any:
        key = hashlib.sha256(image.tobytes() + repr((image.size, kwargs)).encode()).hexdigest()
        path = directory / f"{key}.pickle"
        if path.exists():
            return pickle.loads(path.read_bytes())  # noqa: S301 (our own cache)
        page = recognize(image, **kwargs)
        path.write_bytes(pickle.dumps(page))
        return page

    ocr.recognize_image = cached  # type: ignore[assignment]


def compare(report: DocumentSpec, result: Any) -> dict[str, tuple[object, object]]:
    """Field -> (expected, got) for every field the result gets wrong."""
    expected = report.expected()
    got = {f: getattr(result, f) for f in FIELDS}
    return {f: (expected[f], got[f]) for f in FIELDS if expected[f] != got[f]}


def show_rows(data: bytes) -> None:
    """The rows the parser saw (the OCR is served from the cache when one is set)."""
    from extraction.engine import images, pipeline, sources
    from extraction.engine.sniff import sniff

    kind = sniff(data)
    if kind == "pdf":
        with sources.open_pdf(data) as pdf:
            page = pdf[0]  # type: ignore[index]
            rows = sources.page_text_rows(page, 0)
            if not sources.usable_text(rows):
                rows = pipeline._ocr(sources.render_page(page), 0)
    else:
        rows = pipeline._ocr(images.decode_image(data, kind), 0)
    for row in rows:
        print(f"    {row.confidence:.2f} {row.text!r}")


@dataclass
class Tally:
    """Figures of one format: documents, exact ones, code counts, times."""

    documents: int = 0
    exact: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    outside_catalogue: int = 0
    times: list[float] = field(default_factory=list)

    def line(self, name: str) -> str:
        times = sorted(self.times) or [0.0]
        p95 = times[max(0, math.ceil(0.95 * len(times)) - 1)]
        f1 = 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp + self.fp + self.fn else 1.0
        return (
            f"{name}: {self.exact}/{self.documents} exact, code F1 {f1:.4f} (fp {self.fp}, fn {self.fn}, "
            f"outside the catalogue {self.outside_catalogue}), p50 {times[len(times) // 2]:.1f} ms, "
            f"p95 {p95:.1f} ms"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--text", type=int, default=0, help="text-PDF variants to run")
    parser.add_argument("--images", type=int, default=0, help="image variants to run (OCR: slow)")
    parser.add_argument("--start", type=int, default=0, help="first seed")
    parser.add_argument("--ocr-cache", type=Path, help="directory that keeps OCR output between runs")
    parser.add_argument("--show", action="store_true", help="print the rows of documents gone wrong")
    args = parser.parse_args()
    if args.ocr_cache:
        cache_ocr(args.ocr_cache)
    catalog = Catalog.from_json(SHIPPED)
    warm_up(catalog)
    by_prefix = codes_by_prefix(catalog)
    tallies: dict[str, Tally] = {}
    jobs = [("text", s) for s in range(args.start, args.start + args.text)]
    jobs += [("image", s) for s in range(args.start, args.start + args.images)]
    for kind, seed in jobs:
        report = random_report(seed, by_prefix)
        if kind == "image":
            report, data = image_variant(report, seed)
            kind = IMAGE_MODES[seed % 3]
        else:
            data = render_pdf(report)
        tally = tallies.setdefault(kind, Tally())
        tally.documents += 1
        want = set(report.codes)
        started = time.perf_counter()
        try:
            result = extract_document(data, catalog)
        except ExtractionError as exc:
            print(f"{kind} seed {seed}: refused {exc.code}: {exc.message}")
            tally.fn += len(want)
            if args.show:
                show_rows(data)
            continue
        tally.times.append((time.perf_counter() - started) * 1000)
        got = set(result.codes)
        tally.tp += len(want & got)
        tally.fp += len(got - want)
        tally.fn += len(want - got)
        tally.outside_catalogue += sum(1 for c in got if c not in catalog and not c.startswith("PLT"))
        wrong = compare(report, result)
        if not wrong:
            tally.exact += 1
            continue
        print(f"{kind} seed {seed}: {wrong} unresolved={[u.raw for u in result.unresolved]}")
        if args.show:
            show_rows(data)
    for name, tally in tallies.items():
        print(tally.line(name), file=sys.stderr)
    return 0 if all(t.exact == t.documents for t in tallies.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

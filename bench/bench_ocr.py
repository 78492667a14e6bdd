"""Measure OCR accuracy and time per page on a directory of AKTR samples with truth files.

Runs before any parser exists, so accuracy is judged on the raw OCR text:

* codes: share of truth codes found verbatim in the page text once spaces are removed,
  and whether the code sits on a line of its own row segment (``code_tokens``), i.e. the
  row grouping split it cleanly;
* fields: share of header values (name, FTN or applicant id, exam id, site, score, take,
  exam date in any printed style) found in the text;
* exact: documents where every code and every field was found;
* time: per page, median and p95 (other processes share the CPU, so compare variants run
  in the same invocation and quote medians);
* yardstick: the median time of one fixed read by the recognition model, before and after
  each variant, so that page times from different machines or hours can be compared.

Usage::

    python bench/bench_ocr.py DIR [--variant rapid --variant tesseract] [--only photo]
        [--rotate 90] [--json out.json] [--show-misses]
    python bench/bench_ocr.py --generate 20 --start 5000 [--only photo] [--variant ...]

``--generate`` needs nothing outside the project: it draws reports with
``tests/engine/generator/random_reports.py`` and photographs them with ``tests/engine/photo_fixtures.py``.

Only image-based documents are used: scans (PDFs without a text layer, rendered at the
resolution of their embedded image), PNGs and photos.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extraction.engine import imaging, ocr

Recognizer = Callable[[Image.Image], str]


def _render_pdf(path: Path) -> list[Image.Image]:
    import pypdfium2 as pdfium

    pages: list[Image.Image] = []
    doc = pdfium.PdfDocument(str(path))
    try:
        for index in range(len(doc)):
            page = doc[index]
            if page.get_textpage().get_text_range().strip():
                return []
            width, _ = page.get_size()
            scale = 300 / 72
            for obj in page.get_objects():
                if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE:
                    px_w, _ = obj.get_px_size()
                    scale = max(150 / 72, min(px_w / width, 400 / 72))
                    break
            pages.append(page.render(scale=scale, grayscale=True).to_pil())
    finally:
        doc.close()
    return pages


def _load_pages(path: Path) -> list[Image.Image]:
    if path.suffix.lower() == ".pdf":
        return _render_pdf(path)
    with Image.open(path) as im:
        im.load()
        return [im.copy()]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _date_forms(iso: str) -> list[str]:
    d = date.fromisoformat(iso)
    return [
        d.strftime("%m/%d/%Y"),
        d.strftime("%d-%b-%Y").upper(),
        d.strftime("%B %d, %Y"),
        d.strftime("%Y-%m-%d"),
    ]


def _field_values(truth: dict[str, Any]) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for key in ("applicant_name", "ftn", "applicant_id", "exam_id", "exam_site", "exam_title"):
        value = truth.get(key)
        if value:
            values[key] = [str(value)]
    if truth.get("score") is not None:
        values["score"] = [f"{truth['score']}%", f"SCORE:{truth['score']}"]
    if truth.get("exam_date"):
        values["exam_date"] = _date_forms(str(truth["exam_date"]))
    if truth.get("code_kind") == "acs":
        values["paragraph"] = ["Airman Certification Standards"]
    elif truth.get("code_kind") == "plt":
        values["paragraph"] = ["learning statement codes"]
    if truth.get("expiration_date"):
        values["expiration_date"] = _date_forms(str(truth["expiration_date"]))
    values.update(truth.get("printed") or {})
    return values


def _printed(report: Any) -> dict[str, list[str]]:
    """Header lines of a generated report exactly as printed (label, colon, value)."""
    from tests.engine.generator.render import printed_values

    values = printed_values(report)
    printed = {
        f"header {report.labels[key]}": [f"{report.labels[key]}{values[key]}"] for key in report.field_order
    }
    printed["expiration_date"] = [report.expiration_text()]
    return printed


def _generated_truth(report: Any) -> dict[str, Any]:
    """Codes and paragraph from the report's truth; header fields as printed, not normalised."""
    expected = report.expected()
    return {
        "codes": expected["codes"],
        "code_kind": expected["code_kind"],
        "printed": _printed(report),
    }


@dataclass
class DocResult:
    file: str
    fmt: str
    codes_total: int = 0
    codes_found: int = 0
    codes_clean: int = 0
    fields_total: int = 0
    fields_found: int = 0
    page_ms: list[float] = field(default_factory=list)
    page_cpu_ms: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return self.codes_found == self.codes_total and self.fields_found == self.fields_total


def _segments(text: str) -> set[str]:
    """Row pieces and comma-separated items, squashed, as the parser would see tokens."""
    out: set[str] = set()
    for line in text.splitlines():
        for piece in re.split(r" {3,}|,|;", line):
            squashed = _squash(piece)
            if squashed:
                out.add(squashed)
    return out


def score_document(text: str, truth: dict[str, Any], result: DocResult) -> None:
    flat = _squash(text).upper()
    segments = {s.upper() for s in _segments(text)}
    codes = [str(c) for c in truth.get("codes") or []]
    result.codes_total = len(codes)
    for code in codes:
        if code.upper() in flat:
            result.codes_found += 1
        else:
            result.misses.append(f"code {code}")
        if code.upper() in segments:
            result.codes_clean += 1
    for key, forms in _field_values(truth).items():
        result.fields_total += 1
        if any(_squash(f).upper() in flat for f in forms):
            result.fields_found += 1
        else:
            result.misses.append(f"{key} {forms[0]}")


def rapid_recognizer(image: Image.Image) -> str:
    return ocr.recognize_image(image).text


def tesseract_recognizer(image: Image.Image) -> str:
    """Tesseract 5 through its command line (page segmentation 4: one column of rows)."""
    import io

    buf = io.BytesIO()
    image.convert("L").save(buf, format="PNG")
    proc = subprocess.run(
        ["tesseract", "stdin", "stdout", "--psm", "4", "-l", "eng"],
        input=buf.getvalue(),
        capture_output=True,
        check=True,
        env={"OMP_THREAD_LIMIT": "2", "PATH": "/usr/bin:/bin"},
    )
    return proc.stdout.decode("utf-8", "replace")


def _rapid_with(**settings: object) -> Recognizer:
    """The production recogniser with some module settings changed for the call."""

    def recognize(image: Image.Image) -> str:
        saved = {name: getattr(ocr, name) for name in settings}
        for name, value in settings.items():
            setattr(ocr, name, value)
        try:
            return ocr.recognize_image(image).text
        finally:
            for name, value in saved.items():
                setattr(ocr, name, value)

    return recognize


def _rapid_full_page(image: Image.Image) -> str:
    return ocr.recognize_image(image, full_page=True).text


def _rapid_illumination(image: Image.Image) -> str:
    rgb = imaging.normalize_illumination(imaging.to_rgb_array(image))
    return ocr.recognize_image(Image.fromarray(rgb)).text


VARIANTS: dict[str, Recognizer] = {
    "rapid": rapid_recognizer,
    "rapid-full-page": _rapid_full_page,
    "rapid-illumination": _rapid_illumination,
    "rapid-det768": _rapid_with(DET_LONG_SIDE=768),
    "rapid-det896": _rapid_with(DET_LONG_SIDE=896),
    "rapid-det1280": _rapid_with(DET_LONG_SIDE=1280),
    "rapid-pad320": _rapid_with(REC_MIN_WIDTH=320),
    "rapid-nosplit": _rapid_with(SPLIT_RATIO=0.0),
    "rapid-split30": _rapid_with(SPLIT_RATIO=30.0),
    "rapid-nocrop": _rapid_with(DET_CROP=False),
    "rapid-novote": _rapid_with(VOTE_FRAMES=()),
    "rapid-nocheck": _rapid_with(CHECK_FRAME=None),
    "rapid-plainvote": _rapid_with(VOTE_SHAPES=False),
    "rapid-plain": _rapid_with(SPLIT_RATIO=0.0, DET_CROP=False, VOTE_FRAMES=()),
    "rapid-nostraighten": _rapid_with(STRAIGHTEN=False),
    "rapid-nolight": _rapid_with(EVEN_LIGHT=False),
    "rapid-flat-unlit": _rapid_with(STRAIGHTEN=False, EVEN_LIGHT=False),
    "tesseract": tesseract_recognizer,
}


Document = tuple[str, str, list[Image.Image], dict[str, Any]]  # name, format, pages, truth


def sample_documents(directory: Path, only: set[str]) -> Iterator[Document]:
    """Image-based documents of a directory of samples with ``*.json`` truth files."""
    for truth_path in sorted(directory.glob("*.json")):
        truth = json.loads(truth_path.read_text())
        fmt = str(truth.get("format", ""))
        if fmt == "text" or (only and fmt not in only):
            continue
        doc_path = directory / str(truth["file"])
        pages = _load_pages(doc_path)
        if pages:
            yield doc_path.name, fmt, pages, truth


def generated_documents(start: int, count: int, only: set[str]) -> Iterator[Document]:
    """Reports drawn by the project's own generator (``tests/engine/generator/random_reports.py``):
    phone photos (keystone on a desk, shadow, JPEG, EXIF orientation, decoded the way the
    engine decodes uploads) and clean PNG renders, so anyone can run the benchmark."""
    import random

    from extraction.engine import Catalog, images
    from tests.engine import photo_fixtures
    from tests.engine.generator import random_reports as fixtures

    catalog = Catalog.from_json(
        Path(__file__).resolve().parent.parent / "extraction/data/acs_catalog.json.gz"
    )
    pool = fixtures.codes_by_prefix(catalog)
    for seed in range(start, start + count):
        report = fixtures.random_report(seed, pool)
        if not only or "photo" in only:
            shot, photo = photo_fixtures.photo_variant(report, seed)
            image = images.decode_image(photo.data, "jpeg")
            yield f"photo-{seed}", "photo", [image], _generated_truth(shot)
        if not only or "png" in only:
            clean = replace(report, split_at=None)
            page = photo_fixtures.render_page(clean, random.Random(seed).randint(150, 300))
            yield f"png-{seed}", "png", [page], _generated_truth(clean)


def run(documents: Iterable[Document], variant: str, rotate: int, limit: int | None) -> list[DocResult]:
    recognizer = VARIANTS[variant]
    results: list[DocResult] = []
    for name, fmt, pages, truth in documents:
        result = DocResult(file=name, fmt=fmt)
        texts: list[str] = []
        for page in pages:
            if rotate:
                page = page.rotate(rotate, expand=True, fillcolor="white")
            cpu = _cpu_seconds()
            start = time.perf_counter()
            texts.append(recognizer(page))
            result.page_ms.append((time.perf_counter() - start) * 1000.0)
            result.page_cpu_ms.append((_cpu_seconds() - cpu) * 1000.0)
        score_document("\n".join(texts), truth, result)
        results.append(result)
        if limit is not None and len(results) >= limit:
            break
    return results


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children: a cost figure that, unlike
    wall time, barely moves when other processes compete for the two cores."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def yardstick_ms(runs: int = 30) -> float:
    """Median time of one read of a fixed 48 x 384 strip by the recognition model.

    Page times move with the machine as much as with the engine: this figure, measured in
    the same process, tells how fast the machine was, so runs on different machines or
    hours can be compared through the ratio of page time to yardstick.
    """
    import numpy as np

    from extraction.engine.ocr_models import get_models

    models = get_models(ocr.INTRA_OP_THREADS)
    strip = np.random.default_rng(0).random((1, 3, 48, 384), dtype=np.float32)
    name = models.rec.get_inputs()[0].name
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        models.rec.run(None, {name: strip})
        times.append((time.perf_counter() - started) * 1000.0)
    return round(statistics.median(times), 2)


def summarize(variant: str, results: list[DocResult]) -> dict[str, object]:
    summary: dict[str, object] = {"variant": variant}
    for fmt in ("scan", "png", "photo", "all"):
        group = [r for r in results if fmt == "all" or r.fmt == fmt]
        if not group:
            continue
        codes_total = sum(r.codes_total for r in group)
        page_ms = [ms for r in group for ms in r.page_ms]
        cpu_ms = [ms for r in group for ms in r.page_cpu_ms]
        summary[fmt] = {
            "docs": len(group),
            "exact": sum(r.exact for r in group),
            "code_recall": round(sum(r.codes_found for r in group) / max(codes_total, 1), 4),
            "code_clean": round(sum(r.codes_clean for r in group) / max(codes_total, 1), 4),
            "field_recall": round(
                sum(r.fields_found for r in group) / max(sum(r.fields_total for r in group), 1), 4
            ),
            "page_ms_p50": round(statistics.median(page_ms), 1),
            "page_ms_p95": round(_p95(page_ms), 1),
            "page_cpu_ms_p50": round(statistics.median(cpu_ms), 1),
            "page_cpu_ms_p95": round(_p95(cpu_ms), 1),
        }
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path, nargs="?", help="samples with truth files")
    parser.add_argument(
        "--generate", type=int, metavar="N", help="instead of DIR: N generated reports (photo and PNG each)"
    )
    parser.add_argument("--start", type=int, default=0, help="first seed of --generate")
    parser.add_argument("--variant", action="append", choices=sorted(VARIANTS))
    parser.add_argument("--only", action="append", choices=["scan", "png", "photo"])
    parser.add_argument("--rotate", type=int, default=0, help="turn every page first")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--json", type=Path, help="write the summaries here")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()

    if (args.directory is None) == (args.generate is None):
        parser.error("give DIR or --generate N")
    only = set(args.only or [])
    documents: list[Document] = (
        list(generated_documents(args.start, args.generate, only))
        if args.generate is not None
        else list(sample_documents(args.directory, only))
    )
    ocr.warm_up()
    summaries = []
    for variant in args.variant or ["rapid"]:
        before = yardstick_ms()
        results = run(documents, variant, args.rotate, args.limit)
        summary = summarize(variant, results)
        summary["yardstick_ms"] = {"before": before, "after": yardstick_ms()}
        summaries.append(summary)
        print(json.dumps(summary, indent=1))
        if args.show_misses:
            for r in results:
                if r.misses:
                    print(f"  {r.file}: {'; '.join(r.misses)}")
    if args.json:
        args.json.write_text(json.dumps(summaries, indent=1))


if __name__ == "__main__":
    main()

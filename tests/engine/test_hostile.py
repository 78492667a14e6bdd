"""Hostile files through ``manage.py extract`` in fresh processes: a stable answer, no
traceback, bounded time and peak memory (issue 8, "Bounded cost on any input").

Every file runs in its own fresh process, two at a time, and must answer before the process's
timeout: a bound, not a measured time, so a hang or a quadratic path fails while a loaded machine
does not. The strict per-process figures (one process per file, 5 s, 600 MB) are measured by
``bench/bench_hostile.py``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.engine.hostile import CASE_NAMES, answer, hostile_files, run_fresh

PEAK_RSS_MB = 600
PROCESS_TIMEOUT = 120  # seconds per file, start-up and model loading included
PARALLEL = 2  # two fresh processes at a time: the machine has two cores


@dataclass(frozen=True)
class Outcome:
    entry: dict[str, Any]
    peak_rss_mb: float  # of the process the file ran in
    stderr: str
    expect: frozenset[str]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    folder = tmp_path_factory.mktemp("hostile")
    paths = {}
    expect = {}
    for name, case in hostile_files().items():
        path = folder / name
        path.write_bytes(case.data)
        paths[name] = path
        expect[name] = case.expect

    def one(name: str) -> Outcome:
        run = run_fresh([str(paths[name])], timeout=PROCESS_TIMEOUT)
        assert run.returncode == 0, run.stderr[-2000:]
        [entry] = run.entries
        assert Path(entry["file"]).name == name
        return Outcome(entry, run.peak_rss_mb, run.stderr, expect[name])

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        return dict(zip(paths, pool.map(one, paths), strict=True))


@pytest.mark.parametrize("name", CASE_NAMES)
def test_hostile_file_gets_a_stable_answer(name: str, outcomes: dict[str, Outcome]) -> None:
    outcome = outcomes[name]
    entry = outcome.entry
    assert answer(entry) in outcome.expect, (name, entry["error"])
    assert "Traceback" not in outcome.stderr
    assert outcome.peak_rss_mb < PEAK_RSS_MB, (name, outcome.peak_rss_mb)
    if entry["error"]:
        assert entry["error"]["message"] and "\n" not in entry["error"]["message"]


def test_only_the_first_scanned_pages_are_rendered() -> None:
    """Pages past the OCR budget come back as a blank too small to hold text."""
    from extraction.engine import sources
    from tests.engine.hostile import scanned_pages

    with sources.open_pdf(scanned_pages(sources.MAX_OCR_PAGES + 2, lines=2)) as pdf:
        sizes = []
        for index in range(len(pdf)):  # type: ignore[arg-type]
            page = pdf[index]  # type: ignore[index]
            try:
                sizes.append(sources.render_page(page).size)
            finally:
                page.close()
    rendered = [size for size in sizes if min(size) >= 16]
    assert len(rendered) == sources.MAX_OCR_PAGES
    assert sizes[: sources.MAX_OCR_PAGES] == rendered
    assert all(max(size) <= sources.RENDER_MAX_SIDE for size in sizes)


def test_text_layer_is_linear_and_capped() -> None:
    """Characters per page past the cap are refused; below it the runs all come back."""
    import pypdfium2 as pdfium

    from extraction.engine import sources
    from extraction.engine.types import ExtractionError
    from tests.engine.hostile import many_runs, pages_pdf

    doc = pdfium.PdfDocument(pages_pdf([many_runs(2000), many_runs(40_000)]))
    try:
        page = doc[0]
        rows = sources.page_text_rows(page, 0)
        page.close()
        assert sum(len(row.segments) for row in rows) == 2000
        page = doc[1]
        with pytest.raises(ExtractionError) as err:
            sources.page_text_rows(page, 1)
        page.close()
    finally:
        doc.close()
    assert err.value.code == "document_too_complex"


@pytest.mark.parametrize("mode", ["1", "L", "P", "PA", "LA", "RGB", "RGBA", "CMYK", "I;16", "I", "F"])
def test_every_image_mode_becomes_eight_bit(mode: str) -> None:
    """Text stays dark and transparent paper turns white, whatever the mode."""
    import io

    from PIL import Image

    from extraction.engine import images

    grey = Image.new("L", (64, 32), 230)
    grey.paste(20, (8, 8, 40, 24))
    image = grey.convert(mode) if mode not in ("I;16", "I", "F") else grey.point(lambda v: v * 200, "I")
    if mode == "1":
        image = grey.convert("1", dither=Image.Dither.NONE)
    elif mode == "I;16":
        image = image.convert("I;16")
    elif mode == "F":
        image = grey.convert("F")
    if mode in ("PA", "LA", "RGBA"):
        alpha = Image.new("L", grey.size, 255)
        alpha.paste(0, (48, 0, 64, 32))  # a transparent strip
        image.putalpha(alpha)
    out = io.BytesIO()
    fmt = "JPEG" if mode == "CMYK" else "PNG"
    if mode in ("I", "F", "PA"):  # modes no upload type stores: convert what Pillow hands over
        decoded = images.eight_bit(image)
    else:
        image.save(out, format=fmt)
        decoded = images.decode_image(out.getvalue(), "jpeg" if fmt == "JPEG" else "png")
    assert decoded.mode in ("L", "RGB")
    lum = decoded.convert("L")
    assert lum.getpixel((20, 16)) < 80  # the ink
    assert lum.getpixel((4, 4)) > 150  # the paper
    if mode in ("PA", "LA", "RGBA"):
        assert lum.getpixel((56, 16)) == 255  # transparent over white


def test_big_images_are_shrunk_before_conversion_and_stay_upright() -> None:
    import io

    from PIL import Image

    from extraction.engine import images

    image = Image.new("RGB", (9000, 3000), (255, 255, 255))
    image.paste((0, 0, 0), (0, 0, 300, 300))  # a mark at the top left
    exif = image.getexif()
    exif[0x0112] = 6  # shown turned a quarter clockwise
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    decoded = images.decode_image(out.getvalue(), "jpeg")
    assert max(decoded.size) <= images.DECODE_MAX_SIDE
    assert decoded.height > decoded.width  # the quarter turn was applied
    assert decoded.convert("L").getpixel((decoded.width - 5, 5)) < 60  # the mark went top right

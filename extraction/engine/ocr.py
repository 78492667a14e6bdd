"""OCR of one page image into text lines in reading order.

Engine: RapidOCR (PP-OCR detection + recognition models run by onnxruntime). The model
files ship inside the ``rapidocr`` wheel; they are passed by explicit path so the library
never tries its download fallback, and the process works offline. ``docs/ocr.md`` has the
measured comparison with Tesseract and the reasons for this choice.

Pipeline of :func:`recognize_image`:

1. Convert to RGB; tiny or uniform images return an empty page.
2. Detect text boxes on a copy scaled to ``DET_LONG_SIDE`` pixels (detection cost grows
   with area; report text stays large enough at that size).
3. Orientation: when most boxes are taller than wide the page lies on its side and is
   turned by 90 degrees; then the direction classifier votes on the widest lines to tell
   upright from upside down. Boxes are mapped through the rotation, not re-detected.
4. Each box is cut from the full-resolution image (perspective warp, so a few degrees of
   skew are undone per line) and recognised in batches.
5. Pieces are grouped into visual rows using their centres rotated by the page's dominant
   skew, then joined left to right with three spaces.

Thread safety: the models load once per process behind a lock; inference is serialised
by a second lock so a process never runs more than ``INTRA_OP_THREADS`` math threads.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from extraction.engine import imaging

DET_LONG_SIDE = 1024
# Pages larger than this are scaled down before cropping lines: 400 dpi letter is ~4400 px,
# and more pixels add memory without adding legibility.
MAX_LONG_SIDE = 4400
INTRA_OP_THREADS = 2
MIN_PIECE_SCORE = 0.3
ROW_JOIN = "   "

Quad = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class OcrLine:
    """One visual row: its text, the lowest piece confidence, and (x0, y0, x1, y1)."""

    text: str
    confidence: float
    box: tuple[float, float, float, float]


@dataclass(slots=True)
class OcrPage:
    """Lines top to bottom; ``rotation`` is the counter-clockwise turn (PIL ``rotate``
    sense) applied to the input to make it upright."""

    lines: list[OcrLine] = field(default_factory=list)
    rotation: int = 0
    elapsed_ms: float = 0.0

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(slots=True)
class _Piece:
    quad: Quad
    text: str
    score: float


class _Models:
    """The three ONNX sessions, created together from the files inside the wheel."""

    def __init__(self) -> None:
        import rapidocr
        from rapidocr import RapidOCR

        model_dir = Path(rapidocr.__file__).resolve().parent / "models"
        paths = {
            "Det": model_dir / "PP-OCRv6_det_small.onnx",
            "Rec": model_dir / "PP-OCRv6_rec_small.onnx",
            "Cls": model_dir / "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
        }
        for path in paths.values():
            if not path.is_file():
                raise RuntimeError(f"OCR model missing from the rapidocr package: {path}")
        params: dict[str, Any] = {
            "Global.log_level": "error",
            "Global.model_root_dir": str(model_dir),
            "EngineConfig.onnxruntime.intra_op_num_threads": INTRA_OP_THREADS,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            "Det.limit_type": "max",
            "Det.limit_side_len": DET_LONG_SIDE,
            "Rec.rec_batch_num": 8,
        }
        for stage, path in paths.items():
            params[f"{stage}.model_path"] = str(path)
        engine = RapidOCR(params=params)
        self.det: Any = engine._load_det_model()
        self.cls: Any = engine._load_cls_model()
        self.rec: Any = engine._load_rec_model()
        self.lock = threading.Lock()

    def detect(self, rgb: imaging.Array) -> list[Quad]:
        out = self.det(rgb)
        if out.boxes is None:
            return []
        return [np.asarray(b, dtype=np.float64) for b in out.boxes]

    def upside_down_votes(self, crops: list[imaging.Array]) -> float:
        """Share of crops the direction classifier reads as turned by 180 degrees."""
        if not crops:
            return 0.0
        out = self.cls(crops)
        flipped = sum(1.0 for label, score in out.cls_res if "180" in label and score > 0.5)
        return flipped / len(crops)

    def recognize(self, crops: list[imaging.Array]) -> list[tuple[str, float]]:
        from rapidocr.ch_ppocr_rec import TextRecInput

        if not crops:
            return []
        out = self.rec(TextRecInput(img=crops))
        return [(str(t), float(s)) for t, s in zip(out.txts, out.scores, strict=True)]


_models: _Models | None = None
_models_lock = threading.Lock()


def _get_models() -> _Models:
    global _models
    if _models is None:
        with _models_lock:
            if _models is None:
                _models = _Models()
    return _models


def warm_up() -> None:
    """Load the models now (e.g. in a worker's start-up) rather than on the first page."""
    _get_models()


def _quad_size(q: Quad) -> tuple[float, float]:
    width = float(np.linalg.norm(q[1] - q[0]))
    height = float(np.linalg.norm(q[3] - q[0]))
    return width, height


def _is_vertical_page(quads: list[Quad]) -> bool:
    """Text lines are long and flat: a page where most sizeable boxes stand tall is on its side."""
    tall = wide = 0
    for q in quads:
        xs, ys = q[:, 0], q[:, 1]
        bw = float(xs.max() - xs.min())
        bh = float(ys.max() - ys.min())
        if max(bw, bh) < 12:
            continue
        if bh > 1.5 * bw:
            tall += 1
        elif bw > 1.5 * bh:
            wide += 1
    return tall > wide


def _rotate_quads(quads: list[Quad], degrees: int, width: int, height: int) -> list[Quad]:
    """Map boxes into the page turned counter-clockwise by ``degrees``.

    Each quarter turn moves the top-right corner to the top-left, so the corner order
    (tl, tr, br, bl) is kept by rolling the points one place per turn.
    """
    turns = (degrees // 90) % 4
    return [
        np.roll(imaging.map_points_after_rotation(q, degrees, width, height), -turns, axis=0) for q in quads
    ]


def _widest(quads: list[Quad], count: int) -> list[Quad]:
    return sorted(quads, key=lambda q: -_quad_size(q)[0])[:count]


def _group_rows(pieces: list[_Piece], skew_degrees: float) -> list[OcrLine]:
    """Group pieces whose de-skewed vertical centres fall within half a line height."""
    if not pieces:
        return []
    theta = math.radians(skew_degrees)
    cos_t, sin_t = math.cos(theta), math.sin(theta)
    items: list[tuple[float, float, float, _Piece]] = []
    for p in pieces:
        cx = float(p.quad[:, 0].mean())
        cy = float(p.quad[:, 1].mean())
        ux = cx * cos_t + cy * sin_t
        uy = -cx * sin_t + cy * cos_t
        _, h = _quad_size(p.quad)
        items.append((uy, ux, max(h, 1.0), p))
    items.sort(key=lambda it: it[0])

    rows: list[list[tuple[float, float, float, _Piece]]] = []
    for it in items:
        uy, ux, h, p = it
        placed = False
        for row in reversed(rows[-3:]):
            row_y = sum(r[0] for r in row) / len(row)
            row_h = max(r[2] for r in row)
            if abs(uy - row_y) <= 0.5 * max(h, row_h) and not _overlaps_in_row(it, row):
                row.append(it)
                placed = True
                break
        if not placed:
            rows.append([it])

    lines: list[OcrLine] = []
    for row in sorted(rows, key=lambda r: sum(x[0] for x in r) / len(r)):
        row.sort(key=lambda r: r[1])
        text = ROW_JOIN.join(r[3].text for r in row)
        conf = min(r[3].score for r in row)
        pts = np.concatenate([r[3].quad for r in row])
        box = (
            float(pts[:, 0].min()),
            float(pts[:, 1].min()),
            float(pts[:, 0].max()),
            float(pts[:, 1].max()),
        )
        lines.append(OcrLine(text=text, confidence=conf, box=box))
    return lines


def _overlaps_in_row(
    item: tuple[float, float, float, _Piece], row: list[tuple[float, float, float, _Piece]]
) -> bool:
    """Two boxes that overlap horizontally are stacked lines, never one row."""
    q = item[3].quad
    x0, x1 = float(q[:, 0].min()), float(q[:, 0].max())
    for other in row:
        o = other[3].quad
        ox0, ox1 = float(o[:, 0].min()), float(o[:, 0].max())
        overlap = min(x1, ox1) - max(x0, ox0)
        if overlap > 0.3 * min(x1 - x0, ox1 - ox0):
            return True
    return False


def recognize_image(image: Image.Image) -> OcrPage:
    """OCR one page image; a page without readable text gives an empty :class:`OcrPage`."""
    start = time.perf_counter()
    rgb = imaging.to_rgb_array(image)
    if imaging.is_blank(rgb):
        return OcrPage(elapsed_ms=(time.perf_counter() - start) * 1000.0)
    if max(rgb.shape[:2]) > MAX_LONG_SIDE:
        rgb, _ = imaging.resize_to_long_side(rgb, MAX_LONG_SIDE)

    models = _get_models()
    with models.lock:
        lines, rotation = _recognize_locked(models, rgb)
    return OcrPage(lines=lines, rotation=rotation, elapsed_ms=(time.perf_counter() - start) * 1000.0)


def _recognize_locked(models: _Models, rgb: imaging.Array) -> tuple[list[OcrLine], int]:
    small, scale = imaging.resize_to_long_side(rgb, DET_LONG_SIDE)
    quads = [q / scale for q in models.detect(small)]
    if not quads:
        return [], 0

    rotation = 0
    h, w = rgb.shape[:2]
    if _is_vertical_page(quads):
        rotation = 90
        quads = _rotate_quads(quads, 90, w, h)
        rgb = imaging.rotate_right_angle(rgb, 90)
        h, w = rgb.shape[:2]

    probe = [imaging.crop_quad(rgb, q) for q in _widest(quads, 12)]
    if models.upside_down_votes(probe) > 0.5:
        rotation = (rotation + 180) % 360
        quads = _rotate_quads(quads, 180, w, h)
        rgb = imaging.rotate_right_angle(rgb, 180)

    crops = [imaging.crop_quad(rgb, q) for q in quads]
    results = models.recognize(crops)
    pieces = [
        _Piece(quad=q, text=text.strip(), score=score)
        for q, (text, score) in zip(quads, results, strict=True)
        if text.strip() and score >= MIN_PIECE_SCORE
    ]
    skew = imaging.dominant_skew([p.quad for p in pieces])
    return _group_rows(pieces, skew), rotation

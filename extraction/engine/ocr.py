"""OCR of one page image into text lines in reading order.

Engine: RapidOCR (PP-OCR detection + recognition models run by onnxruntime). The model
files ship inside the ``rapidocr`` wheel; they are passed by explicit path so the library
never tries its download fallback, and the process works offline. ``docs/ocr.md`` has the
measured comparison with Tesseract and the reasons for this choice.

Pipeline of :func:`recognize_image`:

1. Convert to RGB; tiny or uniform images return an empty page. A photographed page
   found as a quadrilateral on a darker background is warped flat to a rectangle
   (:func:`page_geometry.straighten_page`), and uneven light or a shadow is divided out
   (:func:`imaging.even_illumination`); scans and PNGs pass through both untouched.
2. Detect text boxes at ``DET_LONG_SIDE`` pixels for the whole page, running the
   detector only on the inked area (:func:`imaging.content_box`): same scale, about
   half the area. Lower detection scales were measured to lose codes.
3. Orientation: when most boxes are taller than wide the page lies on its side and is
   turned by 90 degrees; then the direction classifier votes on the widest lines to tell
   upright from upside down. Boxes are mapped through the rotation, not re-detected.
   Skew of a few degrees needs no image rotation: each box is cut from the
   full-resolution image with a perspective warp.
4. Boxes are grouped into visual rows (centres rotated by the page's dominant skew),
   and rows are read top to bottom, each crop alone (no batch padding), decoded over
   printable ASCII only. Lines wider than ``SPLIT_RATIO`` heights are read in parts cut
   at word gaps. Code-like lines are read from three framings and voted token by token.
5. Reading stops after the row that ends the report ("DO NOT LOSE THIS REPORT" or the
   instructor's statement heading) unless ``full_page=True``.

Settings are module constants (``DET_LONG_SIDE``, ``SPLIT_RATIO``, ``VOTE_FRAMES``,
``DET_CROP``, ``MIN_PIECE_SCORE``, ``STRAIGHTEN``, ``EVEN_LIGHT``, ``VOTE_SHAPES``);
``bench/bench_ocr.py`` measures their variants.

Thread safety: the models load once per process behind a lock; inference is serialised
by a second lock so a process never runs more than ``INTRA_OP_THREADS`` math threads.
"""

from __future__ import annotations

import math
import re
import time
import unicodedata
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from extraction.engine import imaging, page_geometry
from extraction.engine.form_words import may_hold_copied_value
from extraction.engine.layout import CharReads
from extraction.engine.ocr_models import OcrModels, Quad, Reading, get_models

DET_LONG_SIDE = 1024
# Pages larger than this are scaled down before cropping lines: 400 dpi letter is ~4400 px,
# and more pixels add memory without adding legibility.
MAX_LONG_SIDE = 4400
# Math threads per process; OCR_THREADS overrides it (read when the models load).
INTRA_OP_THREADS = 2
MIN_PIECE_SCORE = 0.3
ROW_JOIN = "   "
# Narrower line crops are padded to this width before recognition (0: no padding).
REC_MIN_WIDTH = 0
# Lines wider than this many heights are read in parts cut at word gaps (0: never).
SPLIT_RATIO = 20.0
# Detect on the inked area of the page only (same scale, less area).
DET_CROP = True
# Flatten a photographed page found as a quadrilateral on its background (keystone).
STRAIGHTEN = True
# Divide the page by its paper background when light or a shadow varies across it.
EVEN_LIGHT = True
# Extra framings (vertical, horizontal growth in line heights) read for code-like text.
VOTE_FRAMES: tuple[tuple[float, float], ...] = ((0.1, 0.2), (-0.08, 0.0))
# Code lines: only the readings with the most well-formed codes vote (False: all of them).
VOTE_SHAPES = True
# The framing every other piece is read from once more (None: never). A value copied from the
# page (a name, an FTN, a test site) has no catalogue to catch a confident misreading, and such
# a misreading seldom survives a change of framing: the second reading does not vote, it only
# tells the parser where the recogniser would have read the value otherwise.
CHECK_FRAME: tuple[float, float] | None = (0.1, 0.2)
# Share of a box's height by which two level boxes of one line may overlap (the detector's
# margin on both sides).
LEVEL_OVERLAP = 0.6
# A row whose ink reaches this share of the page's width from its right edge runs into it.
CLIP_MARGIN = 0.005
# Pieces longer than this are prose (the explanatory paragraph): no copied value is, and a
# second reading of them would cost about half a second a page.
CHECK_LONGEST = 48
# Text that may hold a code, including readings that lost a dot (``PHILB.K2``, ``AIXIA.R2``).
CODE_LIKE = re.compile(r"\b[A-Z]{2}\s*[.,]\s*[IVXLl1|]|PLT\s*\d|\b[A-Z]{2}\S{0,9}[.,][KRS]\d")
# A code read with every dot where the grammar puts it; the characters the recogniser confuses
# (roman numerals, 1/l/I, 5/S) are left for the catalogue step to settle.
_CODE_SHAPE = re.compile(r"[A-Z]{2}\.[IVXLl1|]{1,4}\.[A-Z]\.[KRS][0-9SIlO]{1,2}|PLT\d{3}")
_END_MARKERS = ("DONOTLOSETHISREPORT", "INSTRUCTOR'SSTATEMENT", "INSTRUCTORSSTATEMENT")


@dataclass(frozen=True, slots=True)
class OcrLine:
    """One visual row: its text, the lowest piece confidence, and (x0, y0, x1, y1).

    ``pieces`` are the detector boxes the row is made of, left to right, as (text, x0, x1,
    confidence): a form's columns need where each cell stands, not only the row's extent.
    """

    text: str
    confidence: float
    box: tuple[float, float, float, float]
    pieces: tuple[tuple[str, float, float, float], ...] = ()
    # Each piece's text with each of its characters' probabilities, where those are known.
    readings: tuple[tuple[str, CharReads], ...] = ()
    # Each piece that another framing read otherwise, with those other readings.
    others: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # The row runs into the page's right edge: its last characters may be cut off.
    clipped: bool = False


@dataclass(slots=True)
class OcrPage:
    """Lines top to bottom; ``rotation`` is the counter-clockwise turn (PIL ``rotate``
    sense) applied to the input to make it upright."""

    lines: list[OcrLine] = field(default_factory=list)
    rotation: int = 0
    elapsed_ms: float = 0.0
    # The prepared page the boxes refer to (flattened, evened, turned upright, scaled
    # down), for callers that crop from it; None for an empty page.
    image: imaging.Array | None = None

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(slots=True)
class _Piece:
    quad: Quad
    text: str
    score: float
    chars: CharReads = ()  # each character's probability and runner-up; () when unknown
    others: tuple[str, ...] = ()  # what other framings read instead


def warm_up() -> None:
    """Load the models now (e.g. in a worker's start-up) rather than on the first page."""
    get_models(INTRA_OP_THREADS)


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


def rows_of_boxes(quads: list[Quad], skew_degrees: float) -> list[list[Quad]]:
    """Group boxes whose de-skewed vertical centres fall within half a line height.

    Rows come back top to bottom, each sorted left to right. Boxes that overlap
    horizontally are stacked lines and never share a row.
    """
    theta = math.radians(skew_degrees)
    cos_t, sin_t = math.cos(theta), math.sin(theta)
    items: list[tuple[float, float, float, Quad]] = []
    for q in quads:
        cx = float(q[:, 0].mean())
        cy = float(q[:, 1].mean())
        _, h = _quad_size(q)
        items.append((-cx * sin_t + cy * cos_t, cx * cos_t + cy * sin_t, max(h, 1.0), q))
    items.sort(key=lambda it: it[0])

    rows: list[list[tuple[float, float, float, Quad]]] = []
    for it in items:
        uy, _, h, q = it
        for row in reversed(rows[-3:]):
            row_y = sum(r[0] for r in row) / len(row)
            row_h = max(r[2] for r in row)
            if abs(uy - row_y) <= 0.5 * max(h, row_h) and not _overlaps(it, row):
                row.append(it)
                break
        else:
            rows.append([it])
    rows.sort(key=lambda r: sum(x[0] for x in r) / len(r))
    return [[r[3] for r in sorted(row, key=lambda r: r[1])] for row in rows]


def _overlaps(item: tuple[float, float, float, Quad], row: list[tuple[float, float, float, Quad]]) -> bool:
    """Whether the box overlaps a box of the row horizontally as stacked lines do.

    The detector grows each word's box by about 0.3 of its height on every side, so two
    adjacent words of one line whose centres stand level (within a quarter of a height) may
    overlap by up to 0.6 of a height: short words with one blank between them (``EXP.`` and
    ``DT``) are not stacked lines.
    """
    uy, _, h, q = item
    x0, x1 = float(q[:, 0].min()), float(q[:, 0].max())
    for oy, _, oh, o in row:
        ox0, ox1 = float(o[:, 0].min()), float(o[:, 0].max())
        allowed = 0.3 * min(x1 - x0, ox1 - ox0)
        if abs(uy - oy) <= 0.25 * max(h, oh):
            allowed = max(allowed, LEVEL_OVERLAP * min(h, oh))
        if min(x1, ox1) - max(x0, ox0) > allowed:
            return True
    return False


def _line(pieces: list[_Piece], width: int = 0) -> OcrLine:
    """One row of pieces; ``width``: the page's, to tell a row that runs into its edge."""
    pts = np.concatenate([p.quad for p in pieces])
    return OcrLine(
        text=ROW_JOIN.join(p.text for p in pieces),
        confidence=min(p.score for p in pieces),
        box=(
            float(pts[:, 0].min()),
            float(pts[:, 1].min()),
            float(pts[:, 0].max()),
            float(pts[:, 1].max()),
        ),
        pieces=tuple((p.text, float(p.quad[:, 0].min()), float(p.quad[:, 0].max()), p.score) for p in pieces),
        readings=tuple((p.text, p.chars) for p in pieces if p.chars),
        others=tuple((p.text, p.others) for p in pieces if p.others),
        clipped=bool(width) and float(pts[:, 0].max()) >= width * (1.0 - CLIP_MARGIN),
    )


def _is_end_marker(text: str) -> bool:
    squashed = "".join(text.split()).upper()
    return any(marker in squashed for marker in _END_MARKERS)


def recognize_image(image: Image.Image, *, full_page: bool = False) -> OcrPage:
    """OCR one page image; a page without readable text gives an empty :class:`OcrPage`.

    Rows are read top to bottom and reading stops after the row that ends the report
    ("DO NOT LOSE THIS REPORT" or the instructor's statement heading): what follows is a
    fixed endorsement form that never carries results, and skipping it saves about a
    third of the recognition time. ``full_page=True`` reads every row.
    """
    start = time.perf_counter()
    rgb = imaging.to_rgb_array(image)
    if imaging.is_blank(rgb):
        return OcrPage(elapsed_ms=(time.perf_counter() - start) * 1000.0)
    if max(rgb.shape[:2]) > MAX_LONG_SIDE:
        rgb, _ = imaging.resize_to_long_side(rgb, MAX_LONG_SIDE)
    if STRAIGHTEN:
        rgb = page_geometry.straighten_page(rgb)
    if EVEN_LIGHT:
        rgb = imaging.even_illumination(rgb)

    models = get_models(INTRA_OP_THREADS)
    with models.lock:
        lines, rotation, rgb = _recognize_locked(models, rgb, full_page)
    return OcrPage(
        lines=lines, rotation=rotation, elapsed_ms=(time.perf_counter() - start) * 1000.0, image=rgb
    )


def read_line(image: Image.Image) -> tuple[str, float]:
    """Recognise an image that is one line of text, with no detection: for a glyph or two the
    detector does not box however it is framed. (text, confidence); ("", 0.0) for nothing."""
    rgb = imaging.to_rgb_array(image)
    if imaging.is_blank(rgb):
        return "", 0.0
    models = get_models(INTRA_OP_THREADS)
    with models.lock:
        text, score = models.recognize_line(rgb, SPLIT_RATIO, REC_MIN_WIDTH)
    return unicodedata.normalize("NFKC", text).strip(), float(score)


def _grow_quad(q: Quad, vertical: float, horizontal: float) -> Quad:
    """Move the quad's edges outwards (negative: inwards) by fractions of its height."""
    tl, tr, br, bl = q
    height = float(np.linalg.norm(bl - tl)) or 1.0
    ux = (tr - tl) / (float(np.linalg.norm(tr - tl)) or 1.0)
    uy = (bl - tl) / height
    dv = uy * vertical * height
    dh = ux * horizontal * height
    return np.array([tl - dv - dh, tr - dv + dh, br + dv + dh, bl + dv - dh], dtype=np.float64)


def _read_piece(
    models: OcrModels, rgb: imaging.Array, q: Quad, *, check: bool = True
) -> tuple[Reading, tuple[str, ...]]:
    """Read one detected box: the reading, and what other framings read instead.

    The recogniser can flip ``III`` to ``II`` with full confidence when the box moves by a
    pixel or two, and such a misreading is itself a valid code. Code-like text is read as
    detected, slightly enlarged and slightly tightened, and each token takes its majority,
    which removes most of these flips for a few extra short reads per page; the readings that
    lost the vote are kept. Other text up to ``CHECK_LONGEST`` characters that may hold a copied
    value (``form_words``) is read once more from ``CHECK_FRAME`` when ``check`` (above the
    codes, where the copied values stand).
    """
    text, score, chars = models.read_line_chars(imaging.crop_quad(rgb, q), SPLIT_RATIO, REC_MIN_WIDTH)
    if not VOTE_FRAMES or not CODE_LIKE.search(text):
        if not check or CHECK_FRAME is None or len(text) > CHECK_LONGEST or not may_hold_copied_value(text):
            return (text, score, chars), ()
        other = _read_framed(models, rgb, q, CHECK_FRAME)[0]
        return (text, score, chars), _others([other], text)
    readings = [(text, score)]
    chars_of = {text: chars}
    for frame in VOTE_FRAMES:
        framed, framed_score, framed_chars = _read_framed(models, rgb, q, frame)
        readings.append((framed, framed_score))
        chars_of.setdefault(framed, framed_chars)
        texts = [t for t, _ in readings]
        agreed = texts.count(texts[0]) == len(texts) and (not VOTE_SHAPES or _CODE_SHAPE.search(texts[0]))
        if len(readings) * 2 > len(VOTE_FRAMES) + 1 and agreed:
            # A majority of the planned readings already agree word for word on well-formed
            # codes: the remaining framings cannot change any token's majority.
            break
    voted, voted_score = vote_readings(readings)
    # Each character's probability is known where one framing read the voted text whole.
    return (voted, voted_score, chars_of.get(voted, ())), _others([t for t, _ in readings], voted)


def _read_framed(models: OcrModels, rgb: imaging.Array, q: Quad, frame: tuple[float, float]) -> Reading:
    vertical, horizontal = frame
    return models.read_line_chars(
        imaging.crop_quad(rgb, _grow_quad(q, vertical, horizontal)), SPLIT_RATIO, REC_MIN_WIDTH
    )


def _others(texts: list[str], kept: str) -> tuple[str, ...]:
    """The distinct readings other than the one kept, as the page's text is normalised."""
    kept = unicodedata.normalize("NFKC", kept).strip()
    return tuple(
        dict.fromkeys(t for t in (unicodedata.normalize("NFKC", x).strip() for x in texts) if t and t != kept)
    )


def vote_readings(readings: list[tuple[str, float]]) -> tuple[str, float]:
    """The readings with the most well-formed codes vote: token-wise majority when they split
    into the same number of tokens, otherwise the most frequent whole reading; ties go to the
    more confident reading.

    On blurred photos the recogniser loses the dot of ``II.B`` (``ILB``) in some framings
    and keeps it in others; a reading that kept every dot is the better witness even when
    it is outvoted, and the majority still decides between well-formed readings
    (``III`` against ``II``).
    """
    if VOTE_SHAPES:
        shapes = [len(_CODE_SHAPE.findall(t)) for t, _ in readings]
        readings = [r for r, n in zip(readings, shapes, strict=True) if n == max(shapes)]
    token_lists = [t.split() for t, _ in readings]
    if len({len(tokens) for tokens in token_lists}) == 1:
        voted: list[str] = []
        for position in range(len(token_lists[0])):
            candidates = [(tokens[position], readings[i][1]) for i, tokens in enumerate(token_lists)]
            voted.append(_majority(candidates))
        return " ".join(voted), float(np.mean([sc for _, sc in readings]))
    best = _majority(readings)
    return best, max(sc for t, sc in readings if t == best)


def _majority(candidates: list[tuple[str, float]]) -> str:
    counts: dict[str, int] = {}
    for value, _ in candidates:
        counts[value] = counts.get(value, 0) + 1
    return max(candidates, key=lambda c: (counts[c[0]], c[1]))[0]


def _detect_page(models: OcrModels, rgb: imaging.Array) -> list[Quad]:
    """Boxes in page coordinates, detected at ``DET_LONG_SIDE`` scale on the inked area only."""
    h, w = rgb.shape[:2]
    scale = DET_LONG_SIDE / float(max(h, w))
    x0, y0, x1, y1 = imaging.content_box(rgb) if DET_CROP else (0, 0, w, h)
    region = imaging.resize_by(rgb[y0:y1, x0:x1], scale)
    offset = np.array([x0, y0], dtype=np.float64)
    return [q / scale + offset for q in models.detect(region)]


def _recognize_locked(
    models: OcrModels, rgb: imaging.Array, full_page: bool
) -> tuple[list[OcrLine], int, imaging.Array]:
    quads = _detect_page(models, rgb)
    if not quads:
        return [], 0, rgb

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
    if rotation:
        # Boxes found on turned text are looser than on upright text (measured: a quarter
        # of the documents lost a code when the mapped boxes were read), so a turned page
        # is detected again once upright and reads exactly like an upright original.
        quads = _detect_page(models, rgb) or quads

    rows = rows_of_boxes(quads, imaging.dominant_skew(quads))
    lines: list[OcrLine] = []
    header = True  # above the first line of codes, where the values copied from the page stand
    for row in rows:
        pieces = []
        for q in row:
            (read, score, chars), others = _read_piece(models, rgb, q, check=header)
            text = unicodedata.normalize("NFKC", read).strip()
            if text and score >= MIN_PIECE_SCORE:
                pieces.append(_Piece(q, text, score, chars if text == read else (), others))
        if not pieces:
            continue
        lines.append(_line(pieces, rgb.shape[1]))
        header = header and not _CODE_SHAPE.search(lines[-1].text)
        if not full_page and _is_end_marker(lines[-1].text):
            break
    return lines, rotation, rgb

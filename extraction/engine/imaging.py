"""Image preparation for OCR: pixel format, blank-page test, right-angle rotation, skew.

Kept free of any OCR engine so each step can be measured and tested on its own. The
functions work on numpy arrays (H x W x 3, uint8, RGB) because that is what the detector
and recogniser consume; conversions from PIL happen once, in :func:`to_rgb_array`.
"""

from __future__ import annotations

import itertools
import math

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

Array = NDArray[np.uint8]

# A page whose grey levels barely vary carries no text worth running the detector on.
_BLANK_STDDEV = 4.0


def to_rgb_array(image: Image.Image) -> Array:
    """Return an RGB uint8 array for any PIL mode (palette, 16-bit grey, CMYK, alpha).

    Transparent pixels are composited on white: scanned forms saved with an alpha
    channel would otherwise turn black where they are transparent.
    """
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr16 = np.asarray(image, dtype=np.float64)
        peak = float(arr16.max()) or 1.0
        grey = np.clip(arr16 * (255.0 / peak), 0, 255).astype(np.uint8)
        return np.ascontiguousarray(np.stack([grey, grey, grey], axis=-1))
    if image.mode == "F":
        grey = np.clip(np.asarray(image, dtype=np.float64), 0, 255).astype(np.uint8)
        return np.ascontiguousarray(np.stack([grey, grey, grey], axis=-1))
    return np.ascontiguousarray(np.asarray(image.convert("RGB"), dtype=np.uint8))


def to_gray(rgb: Array) -> Array:
    return np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), dtype=np.uint8)


def is_blank(rgb: Array) -> bool:
    """True for images too small or too uniform to hold text."""
    h, w = rgb.shape[:2]
    if h < 16 or w < 16:
        return True
    gray = to_gray(rgb)
    step = max(1, min(h, w) // 400)
    return float(gray[::step, ::step].std()) < _BLANK_STDDEV


def resize_to_long_side(rgb: Array, long_side: int) -> tuple[Array, float]:
    """Scale so the longer side equals ``long_side``; returns the image and the factor."""
    h, w = rgb.shape[:2]
    scale = long_side / float(max(h, w))
    if abs(scale - 1.0) < 1e-3:
        return rgb, 1.0
    interp = cv2.INTER_AREA if scale < 1.0 else cv2.INTER_CUBIC
    out = cv2.resize(rgb, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=interp)
    return np.asarray(out, dtype=np.uint8), scale


def thumbnail(rgb: Array, long_side: int) -> tuple[Array, float]:
    """The page shrunk to about ``long_side`` for the steps that need only its shape (the
    sheet's outline, the inked area, the paper's light), and the factor from page to
    thumbnail coordinates.

    OpenCV's area resize is about three times faster by a whole factor than by any other,
    and these steps run on every page: the page is first reduced by the largest whole
    factor that keeps it above ``long_side`` (the few rows and columns past a multiple of
    that factor are left out), then by the rest.
    """
    h, w = rgb.shape[:2]
    k = max(h, w) // long_side
    if k < 2:
        return resize_to_long_side(rgb, long_side)
    h, w = h - h % k, w - w % k
    reduced = cv2.resize(rgb[:h, :w], (w // k, h // k), interpolation=cv2.INTER_AREA)
    small, scale = resize_to_long_side(np.asarray(reduced, dtype=np.uint8), long_side)
    return small, scale / k


def resize_by(rgb: Array, scale: float) -> Array:
    if abs(scale - 1.0) < 1e-3:
        return rgb
    h, w = rgb.shape[:2]
    interp = cv2.INTER_AREA if scale < 1.0 else cv2.INTER_CUBIC
    out = cv2.resize(rgb, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=interp)
    return np.asarray(out, dtype=np.uint8)


def rotate_right_angle(rgb: Array, degrees: int) -> Array:
    """Rotate counter-clockwise by a multiple of 90 degrees (PIL's sense of ``rotate``)."""
    turns = (degrees // 90) % 4
    if turns == 0:
        return rgb
    return np.ascontiguousarray(np.rot90(rgb, k=turns))


def map_points_after_rotation(
    points: NDArray[np.float64], degrees: int, width: int, height: int
) -> NDArray[np.float64]:
    """Map (x, y) points of an image of ``width`` x ``height`` into the image rotated by
    :func:`rotate_right_angle` with the same ``degrees``."""
    turns = (degrees // 90) % 4
    x = points[..., 0]
    y = points[..., 1]
    if turns == 0:
        nx, ny = x, y
    elif turns == 1:
        nx, ny = y, (width - 1) - x
    elif turns == 2:
        nx, ny = (width - 1) - x, (height - 1) - y
    else:
        nx, ny = (height - 1) - y, x
    return np.stack([nx, ny], axis=-1)


def quad_angle(quad: NDArray[np.float64]) -> float:
    """Angle in degrees of a text box's top edge (positive = clockwise on screen)."""
    dx = float(quad[1][0] - quad[0][0])
    dy = float(quad[1][1] - quad[0][1])
    return math.degrees(math.atan2(dy, dx))


def dominant_skew(quads: list[NDArray[np.float64]]) -> float:
    """Length-weighted median of the top-edge angles of the wider text boxes.

    Short boxes (single digits) give noisy angles, so only boxes at least three times as
    wide as tall vote.
    """
    angles: list[float] = []
    weights: list[float] = []
    for q in quads:
        width = float(np.linalg.norm(q[1] - q[0]))
        height = float(np.linalg.norm(q[3] - q[0]))
        if height <= 0 or width < 3 * height:
            continue
        a = quad_angle(q)
        if abs(a) > 45:
            continue
        angles.append(a)
        weights.append(width)
    if not angles:
        return 0.0
    order = np.argsort(angles)
    cum = np.cumsum(np.asarray(weights)[order])
    mid = int(np.searchsorted(cum, cum[-1] / 2.0))
    return float(np.asarray(angles)[order][mid])


def crop_quad(rgb: Array, quad: NDArray[np.float64]) -> Array:
    """Warp the quadrilateral ``quad`` (tl, tr, br, bl) to an axis-aligned strip."""
    src = quad.astype(np.float32)
    width = round(float(max(np.linalg.norm(src[0] - src[1]), np.linalg.norm(src[3] - src[2]))))
    height = round(float(max(np.linalg.norm(src[0] - src[3]), np.linalg.norm(src[1] - src[2]))))
    width = max(width, 2)
    height = max(height, 2)
    dst = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    out = cv2.warpPerspective(
        rgb, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    return np.asarray(out, dtype=np.uint8)


def normalize_illumination(rgb: Array) -> Array:
    """Divide by a blurred background estimate so shadows and gradients become white paper.

    A large median-like blur (morphological closing) keeps text out of the background
    estimate; dividing instead of subtracting preserves contrast in dark corners.
    """
    gray = to_gray(rgb)
    h, w = gray.shape
    k = max(15, (min(h, w) // 40) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    background = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, kernel)
    background = cv2.GaussianBlur(background, (0, 0), k / 4)
    norm = cv2.divide(gray, np.maximum(background, 1), scale=255)
    norm_u8 = np.asarray(norm, dtype=np.uint8)
    return np.ascontiguousarray(np.stack([norm_u8, norm_u8, norm_u8], axis=-1))


def split_wide_strip(crop: Array, max_ratio: float) -> list[Array]:
    """Cut a line crop wider than ``max_ratio`` times its height at inter-word gaps.

    The recogniser was trained on short strips; on a 100-character line of codes it
    measurably drops strokes (``III`` read as ``II``). Cuts go only through columns
    without ink that are at least a quarter of the height wide (word spaces, never the
    gap between two letters), each piece as wide as allowed. A line without such gaps is
    returned whole.
    """
    h, w = crop.shape[:2]
    if h < 4 or w <= max_ratio * h:
        return [crop]
    gray = to_gray(crop)
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    band = ink[int(h * 0.15) : max(int(h * 0.85), int(h * 0.15) + 1)]
    empty = band.sum(axis=0) == 0
    gaps: list[int] = []
    x = 0
    min_gap = max(2, int(0.25 * h))
    while x < w:
        if not empty[x]:
            x += 1
            continue
        start = x
        while x < w and empty[x]:
            x += 1
        if start > 0 and x < w and x - start >= min_gap:
            gaps.append((start + x) // 2)
    limit = max_ratio * h
    cuts: list[int] = []
    left = 0
    previous: int | None = None
    for gap in gaps:
        if gap - left > limit and previous is not None and previous > left:
            cuts.append(previous)
            left = previous
        previous = gap
    if w - left > limit and previous is not None and previous > left:
        cuts.append(previous)
    bounds = [0, *cuts, w]
    return [crop[:, a:b] for a, b in itertools.pairwise(bounds) if b - a > 2]


def content_box(rgb: Array, margin: float = 0.03, ink_ratio: float = 0.85) -> tuple[int, int, int, int]:
    """Bounding box (x0, y0, x1, y1) of the ink on a page, with a margin.

    Detection cost grows with area and a report's text fills about half of the sheet;
    running the detector on this box at the same scale gives the same boxes for less.
    Ink is what is clearly darker than the local paper (so shadows and gradients do not
    count); the whole image is returned when nothing stands out.
    """
    h, w = rgb.shape[:2]
    small, scale = thumbnail(rgb, 512)
    gray = to_gray(small).astype(np.float32)
    background = cv2.dilate(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (21, 21)))
    ink = gray < background * ink_ratio
    rows = np.flatnonzero(ink.sum(axis=1) >= 2)
    cols = np.flatnonzero(ink.sum(axis=0) >= 2)
    if rows.size == 0 or cols.size == 0:
        return 0, 0, w, h
    pad = margin * max(h, w)
    x0 = max(0, int(cols[0] / scale - pad))
    y0 = max(0, int(rows[0] / scale - pad))
    x1 = min(w, int((cols[-1] + 1) / scale + pad))
    y1 = min(h, int((rows[-1] + 1) / scale + pad))
    if x1 - x0 < 16 or y1 - y0 < 16:
        return 0, 0, w, h
    return x0, y0, x1, y1


# --------------------------------------------------------------------------- light

_LIGHT_LONG_SIDE = 512
# Background estimates whose darkest part is at least this share of the brightest are
# already even (a scan, a PNG, a well lit photo) and are left alone.
_EVEN_LIGHT = 0.85


def paper_background(rgb: Array) -> NDArray[np.uint8]:
    """The brightness of the paper under the text, at a reduced size (grey).

    A closing wider than any stroke replaces text by the paper around it; a median then
    removes what is left of bold headings and rules without smearing a shadow's edge.
    """
    small, _ = thumbnail(rgb, _LIGHT_LONG_SIDE)
    gray = to_gray(small)
    closed = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (11, 11)))
    return np.asarray(cv2.medianBlur(closed, 9), dtype=np.uint8)


def even_illumination(rgb: Array) -> Array:
    """Divide the page by its paper background so shadows and light fall-off become white.

    Computed on a small copy and applied through a smooth gain, so the cost on a full
    photo is one resize and one division. Evenly lit pages (scans, PNGs) are returned
    unchanged.
    """
    background = paper_background(rgb)
    low, high = np.percentile(background, [2, 98])
    if high <= 0 or low >= _EVEN_LIGHT * high:
        return rgb
    h, w = rgb.shape[:2]
    smooth = cv2.GaussianBlur(background, (0, 0), 2.0)
    full = cv2.resize(np.maximum(smooth, 1), (w, h), interpolation=cv2.INTER_LINEAR)
    out = cv2.divide(rgb, cv2.merge([full, full, full]), scale=255.0)
    return np.asarray(out, dtype=np.uint8)

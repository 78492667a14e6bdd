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
    small, scale = resize_to_long_side(rgb, 512)
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


# --------------------------------------------------------------------------- page geometry

# The page finder works on a copy this large: enough for corners within a pixel or two of
# the full picture once each side is refitted to its contour points.
_QUAD_LONG_SIDE = 640
# A page smaller than this share of the picture is more likely a label on it than the page.
_QUAD_MIN_AREA = 0.2
# A quad whose corners all sit this close (share of the long side) to the picture's corners
# is the picture itself: a scan or a PNG, nothing to straighten.
_QUAD_FRAME_SLACK = 0.015
# Common paper aspects (long / short side): letter and A4, and legal.
_PAPER_ASPECTS = (11.0 / 8.5, 297.0 / 210.0, 14.0 / 8.5)


def _order_corners(points: NDArray[np.float64]) -> NDArray[np.float64]:
    """Four points as tl, tr, br, bl: clockwise on screen, starting nearest the top-left."""
    centre = points.mean(axis=0)
    angles = np.arctan2(points[:, 1] - centre[1], points[:, 0] - centre[0])
    ordered = points[np.argsort(angles)]
    start = int(np.argmin(ordered.sum(axis=1)))
    return np.roll(ordered, -start, axis=0)


def _side_line(
    points: NDArray[np.float64], a: NDArray[np.float64], b: NDArray[np.float64]
) -> tuple[float, float, float] | None:
    """The straight edge (a x + b y + c = 0) that most contour points near side ``a``-``b`` lie on.

    A consensus fit (pairs of points, count those within 1.5 px, refit on the best set):
    a bright object touching the page or a dog-eared corner bends the outline, and a plain
    least-squares line would follow it. None when fewer points than half the side's length
    are straight, i.e. the side is not a paper edge.
    """
    length = float(np.linalg.norm(b - a))
    if length < 8:
        return None
    direction = (b - a) / length
    rel = points - a
    along = rel @ direction
    across = np.abs(rel[:, 0] * direction[1] - rel[:, 1] * direction[0])
    near = points[(along > -0.05 * length) & (along < 1.05 * length) & (across < 0.08 * length + 2)]
    if len(near) < 0.5 * length:
        return None
    rng = np.random.default_rng(0)
    pairs = rng.integers(0, len(near), size=(64, 2))
    best: NDArray[np.bool_] | None = None
    for i, j in pairs:
        p, q = near[i], near[j]
        d = q - p
        norm = float(np.linalg.norm(d))
        if norm < 0.2 * length:
            continue
        dist = np.abs((near[:, 0] - p[0]) * d[1] - (near[:, 1] - p[1]) * d[0]) / norm
        inliers = dist < 1.5
        if best is None or int(inliers.sum()) > int(best.sum()):
            best = inliers
    if best is None or int(best.sum()) < 0.5 * length:
        return None
    fit = cv2.fitLine(near[best].astype(np.float32), cv2.DIST_L2, 0, 0.01, 0.01).ravel()
    vx, vy, x0, y0 = (float(v) for v in fit)
    return vy, -vx, vx * y0 - vy * x0


def _refit_sides(contour: NDArray[np.float64], corners: NDArray[np.float64]) -> NDArray[np.float64] | None:
    """Corners as intersections of the four straight edges of the outline, or None.

    approxPolyDP puts corners on contour pixels, which at the finder's scale are a few
    pixels off on the full picture, and bends towards anything touching the page; lines
    fitted on each side's straight run are neither.
    """
    lines = []
    for i in range(4):
        line = _side_line(contour, corners[i], corners[(i + 1) % 4])
        if line is None:
            return None
        lines.append(line)
    refined = []
    for i in range(4):
        a1, b1, c1 = lines[(i - 1) % 4]
        a2, b2, c2 = lines[i]
        det = a1 * b2 - a2 * b1
        if abs(det) < 1e-9:
            return None
        refined.append(((b1 * c2 - b2 * c1) / det, (a2 * c1 - a1 * c2) / det))
    return np.asarray(refined, dtype=np.float64)


def _plausible_page(quad: NDArray[np.float64], width: int, height: int) -> bool:
    """A convex quad with near-right angles, a large share of the picture, not the frame."""
    if not cv2.isContourConvex(quad.astype(np.float32)):
        return False
    area = float(cv2.contourArea(quad.astype(np.float32)))
    if area < _QUAD_MIN_AREA * width * height:
        return False
    frame = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float64)
    if float(np.abs(quad - frame).max()) <= _QUAD_FRAME_SLACK * max(width, height):
        return False
    sides = [float(np.linalg.norm(quad[(i + 1) % 4] - quad[i])) for i in range(4)]
    if min(sides[0], sides[2]) < 0.6 * max(sides[0], sides[2]):
        return False
    if min(sides[1], sides[3]) < 0.6 * max(sides[1], sides[3]):
        return False
    for i in range(4):
        u = quad[(i - 1) % 4] - quad[i]
        v = quad[(i + 1) % 4] - quad[i]
        cosine = float(u @ v) / (float(np.linalg.norm(u) * np.linalg.norm(v)) or 1.0)
        if abs(cosine) > math.cos(math.radians(60)):
            return False
    return True


def _edge_contrast(gray: NDArray[np.uint8], quad: NDArray[np.float64]) -> float:
    """Median of (inside - outside) brightness just across each side of the quad.

    The page is paper on something darker: every side must show that step. A quad traced
    along a table edge or a printed box shows it on some sides only.
    """
    h, w = gray.shape
    centre = quad.mean(axis=0)
    steps: list[float] = []
    offset = max(3.0, 0.012 * max(h, w))
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        normal = np.array([b[1] - a[1], a[0] - b[0]], dtype=np.float64)
        normal /= float(np.linalg.norm(normal)) or 1.0
        if float((centre - (a + b) / 2) @ normal) < 0:
            normal = -normal
        side: list[float] = []
        for t in np.linspace(0.15, 0.85, 9):
            p = a + (b - a) * t
            xi, yi = (p + normal * offset).round().astype(int)
            xo, yo = (p - normal * offset).round().astype(int)
            if 0 <= xi < w and 0 <= yi < h and 0 <= xo < w and 0 <= yo < h:
                side.append(float(gray[yi, xi]) - float(gray[yo, xo]))
        if len(side) < 3:
            return 0.0
        steps.append(float(np.median(side)))
    return float(min(steps))


def find_page_quad(rgb: Array) -> NDArray[np.float64] | None:
    """Corners (tl, tr, br, bl) of the sheet of paper in a photo, or None when unsure.

    The text is first closed away (a grey closing wider than a stroke), so the page is one
    bright region; its outline comes from Otsu thresholding and from Canny edges, each
    contour reduced to four corners by approxPolyDP, refined by line fits, and kept only if
    it is convex, near-rectangular, large, not the frame of the picture, and brighter
    inside than outside along all four sides. Flat scans and PNGs have no such outline and
    give None, so they are never touched.
    """
    h, w = rgb.shape[:2]
    if h < 64 or w < 64:
        return None
    small, scale = resize_to_long_side(rgb, _QUAD_LONG_SIDE)
    gray = to_gray(small)
    sh, sw = gray.shape
    closed = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9)))
    closed = cv2.GaussianBlur(closed, (5, 5), 0)
    masks: list[NDArray[np.uint8]] = []
    _, otsu = cv2.threshold(closed, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    masks.append(np.asarray(otsu, dtype=np.uint8))
    # Shade divided out first: a shadow over half the page must not split it in two.
    coarse = cv2.resize(closed, (max(1, sw // 16), max(1, sh // 16)), interpolation=cv2.INTER_AREA)
    shade = cv2.resize(cv2.GaussianBlur(coarse, (0, 0), 2.0), (sw, sh), interpolation=cv2.INTER_LINEAR)
    flat = cv2.divide(closed, np.maximum(shade, 1), scale=128)
    _, relative = cv2.threshold(flat, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    masks.append(np.asarray(relative, dtype=np.uint8))
    edges = cv2.Canny(closed, 30, 90)
    masks.append(np.asarray(cv2.dilate(edges, np.ones((3, 3), np.uint8)), dtype=np.uint8))
    best: tuple[float, NDArray[np.float64]] | None = None
    for mask in masks:
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
        for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:3]:
            if cv2.contourArea(contour) < _QUAD_MIN_AREA * sh * sw:
                break
            hull = cv2.convexHull(contour)
            perimeter = cv2.arcLength(hull, True)
            approx = None
            for eps in (0.01, 0.02, 0.03, 0.05):
                candidate = cv2.approxPolyDP(hull, eps * perimeter, True)
                if len(candidate) == 4:
                    approx = candidate
                    break
            if approx is None:
                continue
            corners = _order_corners(approx.reshape(4, 2).astype(np.float64))
            refined = _refit_sides(contour.reshape(-1, 2).astype(np.float64), corners)
            if refined is None or not _plausible_page(refined, sw, sh):
                continue
            corners = refined
            contrast = _edge_contrast(gray, corners)
            if contrast < 12:
                continue
            area = float(cv2.contourArea(corners.astype(np.float32)))
            if best is None or area > best[0] * 1.02:
                best = (area, corners)
    if best is None:
        return None
    return best[1] / scale


def page_size(quad: NDArray[np.float64]) -> tuple[int, int]:
    """Width and height of the flattened page: the longer of each pair of opposite sides,
    with the aspect snapped to a paper size when it is within 6% of one (keystone shortens
    the far side, so the measured aspect is only an estimate)."""
    width = max(float(np.linalg.norm(quad[1] - quad[0])), float(np.linalg.norm(quad[2] - quad[3])))
    height = max(float(np.linalg.norm(quad[3] - quad[0])), float(np.linalg.norm(quad[2] - quad[1])))
    long_side, short_side = max(width, height), max(min(width, height), 1.0)
    aspect = long_side / short_side
    for paper in _PAPER_ASPECTS:
        if abs(aspect - paper) <= 0.06 * paper:
            short_side = long_side / paper
            break
    if width >= height:
        return round(long_side), round(short_side)
    return round(short_side), round(long_side)


def flatten_page(rgb: Array, quad: NDArray[np.float64]) -> Array:
    """Warp the page quadrilateral to an upright rectangle of the page's own size."""
    width, height = page_size(quad)
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    out = cv2.warpPerspective(
        rgb, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    return np.asarray(out, dtype=np.uint8)


def straighten_page(rgb: Array) -> Array:
    """The photographed page flattened to a rectangle; any other image unchanged."""
    quad = find_page_quad(rgb)
    return rgb if quad is None else flatten_page(rgb, quad)


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
    small, _ = resize_to_long_side(rgb, _LIGHT_LONG_SIDE)
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

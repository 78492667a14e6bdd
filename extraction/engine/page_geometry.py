"""The page in a photograph: its four corners found on a darker background, and flattened.

A phone photo shows the page as a quadrilateral, often keystoned; warping it to a rectangle
of the paper's proportions gives the OCR straight, evenly sized lines. A picture that is
already the page (a scan, a PNG) has no such outline and passes through untouched.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import cv2
import numpy as np
from numpy.typing import NDArray

from .imaging import Array, thumbnail, to_gray

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


def _sides(
    quad: NDArray[np.float64],
) -> Iterator[tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]]:
    """Each side of the quad as its two corners and its unit normal pointing inwards."""
    centre = quad.mean(axis=0)
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        normal = np.array([b[1] - a[1], a[0] - b[0]], dtype=np.float64)
        normal /= float(np.linalg.norm(normal)) or 1.0
        if float((centre - (a + b) / 2) @ normal) < 0:
            normal = -normal
        yield a, b, normal


def _edge_contrast(gray: NDArray[np.uint8], quad: NDArray[np.float64]) -> float:
    """Median of (inside - outside) brightness just across each side of the quad.

    The page is paper on something darker: every side must show that step. A quad traced
    along a table edge or a printed box shows it on some sides only.
    """
    h, w = gray.shape
    steps: list[float] = []
    offset = max(3.0, 0.012 * max(h, w))
    for a, b, normal in _sides(quad):
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


_STROKE = cv2.getStructuringElement(cv2.MORPH_RECT, (7, 7))
_INK_STEP = 25
# A side with text beyond it at this share of the page's own ink density cuts through the page.
_INK_BEYOND = 0.25


def _cuts_text(ink: NDArray[np.uint8], quad: NDArray[np.float64]) -> bool:
    """Whether text goes on beyond a side of the quad: an edge of light or shadow across the
    page (the lower half of a photo in shade), not the paper's edge, which has nothing printed
    beyond it. Measured on 1,080 generated photos, every true page shows no ink at all there."""
    h, w = ink.shape
    mask = np.zeros_like(ink)
    cv2.fillConvexPoly(mask, quad.round().astype(np.int32), 1)
    inside = float(ink[mask > 0].mean()) if mask.any() else 0.0
    if inside <= 0.0:
        return False
    offset = max(3.0, 0.012 * max(h, w))
    for a, b, normal in _sides(quad):
        seen = [
            int(ink[y, x])
            for t in np.linspace(0.1, 0.9, 40)
            for d in np.linspace(offset, 4 * offset, 6)
            for x, y in [(a + (b - a) * t - normal * d).round().astype(int)]
            if 0 <= x < w and 0 <= y < h
        ]
        if seen and sum(seen) / len(seen) > _INK_BEYOND * inside:
            return True
    return False


def find_page_quad(rgb: Array) -> NDArray[np.float64] | None:
    """Corners (tl, tr, br, bl) of the sheet of paper in a photo, or None when unsure.

    The text is first closed away (a grey closing wider than a stroke), so the page is one
    bright region; its outline comes from Otsu thresholding and from Canny edges, each
    contour reduced to four corners by approxPolyDP, refined by line fits, and kept only if
    it is convex, near-rectangular, large, not the frame of the picture, brighter inside
    than outside along all four sides, and has no text beyond any side. Flat scans and PNGs
    have no such outline and give None, so they are never touched.
    """
    h, w = rgb.shape[:2]
    if h < 64 or w < 64:
        return None
    small, scale = thumbnail(rgb, _QUAD_LONG_SIDE)
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
    # Strokes of text: dark marks narrower than a few pixels (the closing above took them away).
    ink = np.asarray(cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, _STROKE) > _INK_STEP, dtype=np.uint8)
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
            if contrast < 12 or _cuts_text(ink, corners):
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

"""Phone photos of generated AKTR pages, with the page's true corners.

A phone picture differs from a scan in ways the OCR has to undo: the page is a
quadrilateral (keystone) on a darker, cluttered background, light falls off across it and
a hand or the phone casts a soft shadow, and the pixels are stored turned with an EXIF
Orientation tag saying so. :func:`phone_photo` applies all of that to a rendered page from
a seed and returns the JPEG plus the corners of the page in the upright picture, so tests
can check the page finder and the bench can measure the whole path.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, replace

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from tests.engine.generator.images import rasterize
from tests.engine.generator.render import render_pdf
from tests.engine.generator.spec import DocumentSpec

EXIF_ORIENTATION = 274
# What a viewer does to stored pixels for each Orientation value (ImageOps.exif_transpose);
# a camera stores the inverse of it.
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_STORED = {**_UPRIGHT, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}


@dataclass(frozen=True)
class PhonePhoto:
    data: bytes  # JPEG
    corners: NDArray[np.float64]  # page corners tl, tr, br, bl in the upright picture
    orientation: int  # EXIF Orientation tag stored in the file (1: upright)
    size: tuple[int, int]  # upright picture (width, height)


def render_page(report: DocumentSpec, dpi: int) -> Image.Image:
    """Page 1 of the report, rendered in grey at ``dpi``."""
    return rasterize(render_pdf(report), dpi, pages=1)[0]


def stored_with_orientation(upright: Image.Image, orientation: int) -> Image.Image:
    """The pixels a camera stores for ``upright`` when it writes ``orientation`` in EXIF."""
    return upright.transpose(_STORED[orientation]) if orientation in _STORED else upright.copy()


def jpeg_with_orientation(stored: Image.Image, orientation: int, quality: int = 88) -> bytes:
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = orientation
    out = io.BytesIO()
    stored.convert("RGB").save(out, format="JPEG", quality=quality, exif=exif.tobytes())
    return out.getvalue()


def _background(rng: random.Random, width: int, height: int) -> NDArray[np.uint8]:
    """A desk: dark, tinted, with low-frequency blotches, a few objects and sensor noise."""
    nprng = np.random.default_rng(rng.randrange(2**32))
    base = rng.randint(35, 120)
    tint = np.array([rng.uniform(0.8, 1.2) for _ in range(3)])
    blotch = cv2.resize(
        nprng.normal(0.0, 18.0, (8, 8)).astype(np.float32), (width, height), interpolation=cv2.INTER_CUBIC
    )
    desk = (base + blotch)[..., np.newaxis] * tint
    for _ in range(rng.randint(0, 4)):  # pens, a mug, the edge of a keyboard
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1, y1 = x0 + rng.randint(20, width // 3), y0 + rng.randint(20, height // 3)
        shade = [rng.randint(10, 200) for _ in range(3)]
        cv2.rectangle(desk, (x0, y0), (x1, y1), shade, thickness=-1)
    desk += nprng.normal(0.0, 4.0, desk.shape)
    return np.clip(desk, 0, 255).astype(np.uint8)


def _page_corners(
    rng: random.Random, page_w: int, page_h: int, width: int, height: int
) -> NDArray[np.float64]:
    """Where the page lands: tilted, off-centre, one edge farther from the lens than the other."""
    scale = min(width / page_w, height / page_h) * rng.uniform(0.78, 0.9)
    w, h = page_w * scale, page_h * scale
    squeeze = rng.uniform(0.04, 0.16)
    corners = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]])
    side = rng.choice(["top", "bottom", "left", "right"])
    if side in ("top", "bottom"):
        rows = [0, 1] if side == "top" else [2, 3]
        corners[rows, 0] *= 1 - squeeze
    else:
        cols = [0, 3] if side == "left" else [1, 2]
        corners[cols, 1] *= 1 - squeeze
    corners += np.array([[rng.uniform(-0.02, 0.02) * w, rng.uniform(-0.02, 0.02) * h] for _ in range(4)])
    angle = np.radians(rng.uniform(-7.0, 7.0))
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    corners = corners @ turn.T
    centre = np.array(
        [width / 2 + rng.uniform(-0.03, 0.03) * width, height / 2 + rng.uniform(-0.03, 0.03) * height]
    )
    return corners + centre


def _lighting(rng: random.Random, width: int, height: int) -> NDArray[np.float32]:
    """Multiplicative light: a fall-off across the picture and a soft-edged shadow."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    direction = rng.uniform(0, 2 * np.pi)
    ramp = (xs * np.cos(direction) + ys * np.sin(direction)) / max(width, height)
    ramp = (ramp - ramp.min()) / max(float(ramp.max() - ramp.min()), 1e-6)
    light = 1.0 - rng.uniform(0.15, 0.4) * ramp
    if rng.random() < 0.7:
        mask = np.zeros((height, width), dtype=np.float32)
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        axes = (int(rng.uniform(0.2, 0.5) * width), int(rng.uniform(0.2, 0.5) * height))
        cv2.ellipse(mask, (int(cx), int(cy)), axes, rng.uniform(0, 180), 0, 360, 1.0, thickness=-1)
        soft = max(3, int(0.04 * max(width, height))) | 1
        mask = np.asarray(cv2.GaussianBlur(mask, (soft, soft), 0), dtype=np.float32)
        light *= 1.0 - rng.uniform(0.2, 0.4) * mask
    return light.astype(np.float32)


def phone_photo(page: Image.Image, seed: int, orientation: int | None = None) -> PhonePhoto:
    """``page`` (grey) photographed on a desk: keystone, tilt, shadow, blur, JPEG, EXIF turn."""
    rng = random.Random(seed * 104729 + 17)
    page_rgb = np.asarray(page.convert("RGB"), dtype=np.uint8)
    page_h, page_w = page_rgb.shape[:2]
    width = int(page_w * rng.uniform(1.15, 1.35))
    height = int(page_h * rng.uniform(1.1, 1.25))
    picture = _background(rng, width, height)
    corners = _page_corners(rng, page_w, page_h, width, height)
    source = np.array([[0, 0], [page_w, 0], [page_w, page_h], [0, page_h]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, corners.astype(np.float32))
    warped = cv2.warpPerspective(page_rgb, matrix, (width, height), flags=cv2.INTER_AREA)
    cover = cv2.warpPerspective(np.full((page_h, page_w), 255, np.uint8), matrix, (width, height))
    alpha = (cover.astype(np.float32) / 255.0)[..., np.newaxis]
    light = _lighting(rng, width, height)[..., np.newaxis]
    lit: NDArray[np.float32] = (warped * alpha + picture * (1.0 - alpha)) * light
    blur = rng.uniform(0.0, 1.0)
    if blur > 0.3:
        lit = np.asarray(cv2.GaussianBlur(lit, (0, 0), blur), dtype=np.float32)
    upright = Image.fromarray(np.clip(lit, 0, 255).astype(np.uint8))
    if orientation is None:
        orientation = rng.choice([1, 1, 3, 6, 6, 8])
    stored = stored_with_orientation(upright, orientation)
    data = jpeg_with_orientation(stored, orientation, quality=rng.randint(60, 90))
    return PhonePhoto(data=data, corners=corners, orientation=orientation, size=upright.size)


def photo_variant(report: DocumentSpec, seed: int) -> tuple[DocumentSpec, PhonePhoto]:
    """The report photographed by a phone, chosen by the seed (page 1 holds every code)."""
    report = replace(report, split_at=None)
    dpi = random.Random(seed * 31 + 5).randint(130, 220)
    return report, phone_photo(render_page(report, dpi), seed)

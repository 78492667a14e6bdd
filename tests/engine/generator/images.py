"""A generated report as users upload it: text PDF, clean PNG, scanned PDF, or phone photo.

``png``: page 1 rasterized at 150-300 dpi (grey or colour). ``scan``: every page as a grey
raster inside a PDF, as a flatbed or office scanner makes it: tilted up to 1.5 degrees,
shifted, ink and paper tones off, noise, a little blur, sometimes bilevel, embedded as JPEG
or lossless. ``photo``: page 1 lying on a desk, seen by a phone: the page quadrilateral in
perspective (keystone, corners not square), a soft shadow across part of it, uneven light,
a colour cast, slight focus or motion blur, sensor noise, JPEG quality 60-90; turned by a
quarter, half or three-quarter turn, either with the pixels stored turned and an EXIF
Orientation tag (274) that makes them upright when honoured, or with the pixels turned and
no tag. A picture shows one page, so photo and PNG documents are drawn single-page.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

import numpy as np
from fpdf import FPDF
from PIL import Image

from .render import render_pdf_info
from .spec import DocumentSpec

FORMATS = ("text", "scan", "png", "photo")
EXTENSIONS = {"text": "pdf", "scan": "pdf", "png": "png", "photo": "jpg"}
ORIENTATION_TAG = 274
# EXIF orientation -> how the stored pixels were turned from upright (PIL transpose ops),
# the inverse of what an EXIF-honouring reader (ImageOps.exif_transpose) applies.
_STORED_TURN = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}


def render_document(spec: DocumentSpec, fmt: str) -> tuple[bytes, dict[str, str]]:
    """The bytes of ``spec`` in ``fmt`` and tags describing the rendering."""
    pdf, info = render_pdf_info(spec)
    tags = {"pages": str(info.pages), "header_per_row": str(info.header_per_row)}
    if fmt == "text":
        return pdf, tags
    rng = random.Random(f"{spec.seed}:{fmt}")
    nprng = np.random.default_rng(rng.getrandbits(64))
    if fmt == "png":
        dpi = rng.randint(150, 300)
        page = rasterize(pdf, dpi, pages=1)[0]
        if rng.random() < 0.3:
            page = page.convert("RGB")
        out = io.BytesIO()
        page.save(out, format="PNG", dpi=(dpi, dpi))
        return out.getvalue(), {**tags, "dpi": str(dpi), "mode": page.mode}
    if fmt == "scan":
        return _scan(pdf, rng, nprng, tags)
    if fmt == "photo":
        return _photo(pdf, rng, nprng, tags)
    raise ValueError(fmt)


def rasterize(pdf: bytes, dpi: int, pages: int | None = None) -> list[Image.Image]:
    """Grey rasters of the first ``pages`` pages (all when None) at ``dpi``."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    out = []
    try:
        for index in range(len(doc) if pages is None else min(pages, len(doc))):
            page = doc[index]
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            out.append(bitmap.to_pil().convert("L"))
            bitmap.close()
            page.close()
    finally:
        doc.close()
    return out


def _scan(
    pdf: bytes, rng: random.Random, nprng: np.random.Generator, tags: dict[str, str]
) -> tuple[bytes, dict[str, str]]:
    import cv2

    dpi = rng.choice([200, 200, 240, 300, 300])
    bilevel = rng.random() < 0.15
    as_jpeg = not bilevel and rng.random() < 0.6
    angle = rng.uniform(-1.5, 1.5)
    ink, paper = rng.randint(0, 60), rng.randint(215, 250)
    out = FPDF(unit="pt", format="letter")
    out.set_creation_date(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    for image in rasterize(pdf, dpi):
        arr: Any = np.asarray(image, dtype=np.float32) / 255.0
        arr = ink + (paper - ink) * arr
        h, w = arr.shape
        shift = (rng.uniform(-0.01, 0.01) * w, rng.uniform(-0.01, 0.01) * h)
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        matrix[:, 2] += shift
        arr = cv2.warpAffine(arr, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=float(paper))
        arr = cv2.GaussianBlur(arr, (0, 0), rng.uniform(0.3, 0.9))
        arr += nprng.normal(0.0, rng.uniform(2.0, 7.0), arr.shape).astype(np.float32)
        if rng.random() < 0.4:  # dust specks
            n = int(rng.uniform(20, 120))
            ys, xs = nprng.integers(0, h, n), nprng.integers(0, w, n)
            arr[ys, xs] = ink
        if bilevel:
            arr = np.where(arr < rng.uniform(120, 170), 0.0, 255.0)
        page = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")
        if bilevel:
            page = page.convert("1")
        out.add_page()
        if as_jpeg:
            buf = io.BytesIO()
            page.save(buf, format="JPEG", quality=rng.randint(70, 92))
            buf.seek(0)
            out.image(buf, x=0, y=0, w=612, h=792)
        else:
            out.image(page, x=0, y=0, w=612, h=792)
    extra = {"dpi": str(dpi), "tilt": f"{angle:.2f}", "bilevel": str(bilevel), "jpeg": str(as_jpeg)}
    return bytes(out.output()), {**tags, **extra}


BACKGROUNDS = (
    (122, 86, 52),  # wood desk
    (88, 88, 94),  # grey desk
    (200, 198, 190),  # light table
    (38, 38, 44),  # dark surface
    (52, 92, 64),  # cutting mat
    (150, 120, 95),  # clipboard
)


def _photo(
    pdf: bytes, rng: random.Random, nprng: np.random.Generator, tags: dict[str, str]
) -> tuple[bytes, dict[str, str]]:
    import cv2

    dpi = rng.randint(150, 220)
    page = np.asarray(rasterize(pdf, dpi, pages=1)[0], dtype=np.float32) / 255.0
    ph, pw = page.shape
    paper = np.array([rng.uniform(232, 252), rng.uniform(228, 250), rng.uniform(215, 245)], np.float32)
    ink = rng.uniform(10, 50)
    rgb = ink + (paper[None, None, :] - ink) * page[:, :, None]
    # the scene: a desk, a little larger than the page
    H = int(ph * rng.uniform(1.1, 1.3))
    W = int(pw * rng.uniform(1.05, 1.25))
    base = np.array(rng.choice(BACKGROUNDS), np.float32)
    low = nprng.normal(0, 16, (6, 6, 1)) + nprng.normal(0, 3, (6, 6, 3))
    texture = cv2.resize(low.astype(np.float32), (W, H), interpolation=cv2.INTER_CUBIC)
    scene: Any = base[None, None, :] + texture + nprng.normal(0, 6, (H, W, 3)).astype(np.float32)
    # where the page's corners land: scaled, turned a little, keystoned, corners jittered
    scale = min(W / pw, H / ph) * rng.uniform(0.78, 0.94)
    cx, cy = W / 2 + rng.uniform(-0.04, 0.04) * W, H / 2 + rng.uniform(-0.04, 0.04) * H
    hw, hh = pw * scale / 2, ph * scale / 2
    keystone = rng.uniform(0.0, 0.12)
    far_top = rng.random() < 0.7  # the phone tilted back: the top edge is the far, narrow one
    top_k, bottom_k = (1 - keystone, 1.0) if far_top else (1.0, 1 - keystone)
    corners = np.array(
        [[-hw * top_k, -hh], [hw * top_k, -hh], [hw * bottom_k, hh], [-hw * bottom_k, hh]], np.float32
    )
    tilt = np.deg2rad(rng.uniform(-7.0, 7.0))
    rot = np.array([[np.cos(tilt), -np.sin(tilt)], [np.sin(tilt), np.cos(tilt)]], np.float32)
    corners = corners @ rot.T + np.array([cx, cy], np.float32)
    corners += nprng.normal(0, 0.012 * pw * scale, corners.shape).astype(np.float32)
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    matrix = cv2.getPerspectiveTransform(src, corners.astype(np.float32))
    warped = cv2.warpPerspective(rgb, matrix, (W, H), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.ones((ph, pw), np.float32), matrix, (W, H), flags=cv2.INTER_LINEAR)
    scene = scene * (1 - mask[:, :, None]) + warped * mask[:, :, None]
    # light: a lamp off-centre, and the soft shadow of a hand or the phone over part of it
    # (computed on a coarse grid and scaled up: both vary slowly across the picture)
    f = 8
    h8, w8 = max(H // f, 2), max(W // f, 2)
    yy, xx = np.mgrid[0:h8, 0:w8].astype(np.float32) * f
    lx, ly = rng.uniform(-0.2, 1.2) * W, rng.uniform(-0.2, 1.2) * H
    dist = np.sqrt((xx - lx) ** 2 + (yy - ly) ** 2) / np.hypot(W, H)
    light = 1.0 - rng.uniform(0.1, 0.35) * dist / max(float(dist.max()), 1e-6)
    shadow = np.ones((h8, w8), np.float32)
    has_shadow = rng.random() < 0.7
    if has_shadow:
        theta = rng.uniform(0, 2 * np.pi)
        nx, ny = np.cos(theta), np.sin(theta)
        offset = rng.uniform(0.2, 0.45) * (abs(nx) * W + abs(ny) * H)
        side = (xx - W / 2) * nx + (yy - H / 2) * ny - offset + (abs(nx) * W + abs(ny) * H) / 2
        region = (side > 0).astype(np.float32)
        region = cv2.GaussianBlur(region, (0, 0), max(w8, h8) * rng.uniform(0.02, 0.06))
        shadow = 1.0 - rng.uniform(0.25, 0.5) * region
    shading = cv2.resize((light * shadow).astype(np.float32), (W, H), interpolation=cv2.INTER_LINEAR)
    cast = np.array([rng.uniform(0.94, 1.06) for _ in range(3)], np.float32)
    scene = scene * shading[:, :, None] * cast[None, None, :]
    blur = rng.uniform(0.3, 1.3)
    scene = cv2.GaussianBlur(scene, (0, 0), blur)
    motion = rng.random() < 0.15
    if motion:
        k = rng.choice([3, 5, 7])
        kernel: Any = np.zeros((k, k), np.float32)
        kernel[k // 2, :] = 1.0 / k
        rotation = cv2.getRotationMatrix2D((k / 2 - 0.5, k / 2 - 0.5), rng.uniform(0, 180), 1.0)
        kernel = cv2.warpAffine(kernel, rotation, (k, k))
        kernel /= max(float(kernel.sum()), 1e-6)
        scene = cv2.filter2D(scene, -1, kernel)
    scene += nprng.normal(0, rng.uniform(2.0, 6.0), scene.shape).astype(np.float32)
    image = Image.fromarray(np.clip(scene, 0, 255).astype(np.uint8), "RGB")
    # orientation: how the phone was held, and whether the file says so
    turn = rng.choices([0, 90, 180, 270], weights=[55, 20, 10, 15])[0]
    with_exif = turn != 0 and rng.random() < 0.6
    exif = Image.Exif()
    exif[0x010F] = rng.choice(["Apple", "samsung", "Google"])
    exif[0x0110] = rng.choice(["iPhone 13", "SM-G991U", "Pixel 7"])
    if with_exif:
        tag = {180: 3, 270: 6, 90: 8}[turn]
        image = image.transpose(_STORED_TURN[tag])
        exif[ORIENTATION_TAG] = tag
    elif turn:
        image = image.rotate(turn, expand=True)
        if rng.random() < 0.5:
            exif[ORIENTATION_TAG] = 1
    quality = rng.randint(60, 90)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, exif=exif.tobytes())
    extra = {
        "dpi": str(dpi),
        "turn": str(turn),
        "exif": str(with_exif),
        "keystone": f"{keystone:.3f}",
        "shadow": str(has_shadow),
        "motion_blur": str(motion),
        "quality": str(quality),
    }
    return out.getvalue(), {**tags, **extra}


def upright(data: bytes) -> Any:
    """The photo as an EXIF-honouring viewer shows it (for checks)."""
    from PIL import ImageOps

    return ImageOps.exif_transpose(Image.open(io.BytesIO(data)))

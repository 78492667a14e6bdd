"""Phone photos: EXIF orientation, the page quadrilateral, flattening, shadows, whole extraction.

Every picture is generated here: an AKTR rendered by the generator (``generator.documents``), photographed by
``photo_fixtures.phone_photo`` (keystone on a darker desk, tilt, shadow, JPEG, EXIF tag),
so the true page corners are known.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from extraction.engine import Catalog, extract_document, images, imaging, page_geometry
from tests.engine.generator.documents import aktr
from tests.engine.photo_fixtures import (
    jpeg_with_orientation,
    phone_photo,
    render_page,
    stored_with_orientation,
)

LETTER = 11.0 / 8.5


def _marked_picture() -> Image.Image:
    """A picture that looks different under each of the 8 flips and turns."""
    image = Image.new("RGB", (240, 160), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 60, 40), fill=(0, 0, 0))
    draw.rectangle((200, 0, 239, 100), fill=(128, 128, 128))
    draw.rectangle((0, 140, 30, 159), fill=(60, 60, 60))
    return image


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_is_applied_on_decode(orientation: int) -> None:
    upright = _marked_picture()
    stored = stored_with_orientation(upright, orientation)
    if orientation in (5, 6, 7, 8):
        assert stored.size == (upright.height, upright.width)
    decoded = images.decode_image(jpeg_with_orientation(stored, orientation, quality=95), "jpeg")
    assert decoded.size == upright.size
    diff = np.abs(np.asarray(decoded.convert("L"), float) - np.asarray(upright.convert("L"), float))
    assert diff.mean() < 4.0


@pytest.fixture(scope="module")
def page() -> Image.Image:
    return render_page(aktr(), 150)


@pytest.mark.parametrize(("seed", "orientation"), [(11, 1), (12, 6), (13, 3), (14, 8)])
def test_page_quad_is_found_at_the_true_corners(page: Image.Image, seed: int, orientation: int) -> None:
    photo = phone_photo(page, seed, orientation)
    picture = imaging.to_rgb_array(images.decode_image(photo.data, "jpeg"))
    assert picture.shape[1::-1] == photo.size
    quad = page_geometry.find_page_quad(picture)
    assert quad is not None
    error = np.linalg.norm(quad - photo.corners, axis=1)
    assert error.max() < 0.01 * max(photo.size)


@pytest.mark.parametrize("seed", [21, 22])
def test_flattened_page_is_a_letter_rectangle(page: Image.Image, seed: int) -> None:
    photo = phone_photo(page, seed, 1)
    picture = imaging.to_rgb_array(images.decode_image(photo.data, "jpeg"))
    quad = page_geometry.find_page_quad(picture)
    assert quad is not None
    width, height = page_geometry.page_size(quad)
    assert height / width == pytest.approx(LETTER, rel=0.01)
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    mapped = cv2.perspectiveTransform(photo.corners.reshape(-1, 1, 2).astype(np.float32), matrix)
    assert np.abs(mapped.reshape(4, 2) - target).max() < 0.01 * height
    flat = page_geometry.flatten_page(picture, quad)
    assert flat.shape[:2] == (height, width)
    # Back at the rendering's size, the flattened photo lies on the rendering itself.
    evened = imaging.to_gray(imaging.even_illumination(flat))
    back = cv2.resize(evened, page.size, interpolation=cv2.INTER_AREA).astype(np.float32)
    truth = np.asarray(page, dtype=np.float32)
    blur = (cv2.GaussianBlur(back, (0, 0), 2), cv2.GaussianBlur(truth, (0, 0), 2))
    assert np.corrcoef(blur[0].ravel(), blur[1].ravel())[0, 1] > 0.8


def test_clean_pages_pass_through_untouched(page: Image.Image) -> None:
    clean = imaging.to_rgb_array(page)
    assert page_geometry.find_page_quad(clean) is None
    assert page_geometry.straighten_page(clean) is clean
    assert imaging.even_illumination(clean) is clean
    tilted = imaging.to_rgb_array(page.rotate(1.0, expand=True, fillcolor=255))
    assert page_geometry.find_page_quad(tilted) is None


def test_photo_from_inside_the_page_is_left_alone(page: Image.Image) -> None:
    photo = phone_photo(page, 31, 1)
    picture = imaging.to_rgb_array(images.decode_image(photo.data, "jpeg"))
    left, top = photo.corners.min(axis=0)
    right, bottom = photo.corners.max(axis=0)
    # The middle of the page: text on paper, no edge and no desk in sight.
    x0, x1 = int(left + 0.25 * (right - left)), int(left + 0.75 * (right - left))
    y0, y1 = int(top + 0.1 * (bottom - top)), int(top + 0.6 * (bottom - top))
    inside = np.ascontiguousarray(picture[y0:y1, x0:x1])
    assert page_geometry.find_page_quad(inside) is None


def test_shadow_is_evened_out(page: Image.Image) -> None:
    grey = np.asarray(page, dtype=np.float32)
    w = grey.shape[1]
    light = np.ones_like(grey)
    light[:, : w // 2] = 0.55  # a hard-edged shadow over the left half, softened a little
    light = np.asarray(cv2.GaussianBlur(light, (0, 0), 6), dtype=np.float32)
    shaded = Image.fromarray((grey * light).astype(np.uint8))
    out = imaging.to_gray(imaging.even_illumination(imaging.to_rgb_array(shaded)))
    paper = out[grey > 250]
    assert np.percentile(paper, 5) > 200
    assert out[grey < 60].mean() < 110  # the text stays dark


@pytest.mark.parametrize(("seed", "orientation", "layout"), [(41, 6, "grid_rows"), (42, 3, "separated")])
def test_photos_extract_exactly(catalog: Catalog, seed: int, orientation: int, layout: str) -> None:
    report = aktr(
        codes=["PA.I.C.K2a", "PA.III.B.R1", "PA.IX.A.K3", "PA.VIII.B.K1", "PA.XI.A.R1"],
        code_layout=layout,
        codes_per_line=6,
    )
    photo = phone_photo(render_page(report, 170), seed, orientation)
    result = extract_document(photo.data, catalog)
    expected = report.expected()
    assert sorted(result.codes) == expected["codes"]
    for name in ("applicant_name", "ftn", "exam_id", "exam_code", "exam_date", "score", "grade", "take"):
        assert getattr(result, name) == expected[name], name
    assert result.unresolved == []


def _text_block() -> np.ndarray:
    """Strokes of text (ink = 1) in lines from row 20 to row 180, columns 40 to 160."""
    ink = np.zeros((200, 200), dtype=np.uint8)
    for y in range(20, 181, 10):
        for x in range(40, 160, 6):
            ink[y : y + 3, x : x + 4] = 1
    return ink


@pytest.mark.parametrize(("bottom", "cuts"), [(195.0, False), (100.0, True)])
def test_a_side_with_text_beyond_it_is_no_page_edge(bottom: float, cuts: bool) -> None:
    # An edge of shade across the page (bottom 100) has text beyond it; the paper's edge none.
    quad = np.array([[25.0, 5.0], [175.0, 5.0], [175.0, bottom], [25.0, bottom]])
    assert page_geometry._cuts_text(_text_block(), quad) is cuts

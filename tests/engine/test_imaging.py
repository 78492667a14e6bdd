"""Image preparation helpers: pixel formats, blank pages, rotations, skew, illumination."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from extraction.engine import imaging


def _text_page(size: tuple[int, int] = (900, 400)) -> Image.Image:
    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    draw.text((40, 60), "PA.I.C.K2a   PLT058", font=ImageFont.load_default(size=40), fill=0)
    return page


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA", "P", "I;16", "CMYK", "LA", "1"])
def test_any_pil_mode_becomes_rgb_uint8(mode: str) -> None:
    arr = imaging.to_rgb_array(_text_page().convert(mode))
    assert arr.dtype == np.uint8
    assert arr.shape == (400, 900, 3)
    assert arr.min() < 64 < 192 < arr.max()


def test_transparent_background_is_composited_on_white() -> None:
    rgba = Image.new("RGBA", (50, 50), (0, 0, 0, 0))
    assert imaging.to_rgb_array(rgba).min() == 255


def test_blank_detection() -> None:
    assert imaging.is_blank(imaging.to_rgb_array(Image.new("L", (600, 800), 250)))
    assert imaging.is_blank(imaging.to_rgb_array(Image.new("L", (10, 800), 0)))
    assert not imaging.is_blank(imaging.to_rgb_array(_text_page()))


@pytest.mark.parametrize("degrees", [0, 90, 180, 270])
def test_rotation_matches_pil_and_points_follow(degrees: int) -> None:
    page = _text_page()
    arr = imaging.to_rgb_array(page)
    rotated = imaging.rotate_right_angle(arr, degrees)
    expected = imaging.to_rgb_array(page.rotate(degrees, expand=True))
    assert np.array_equal(rotated, expected)

    h, w = arr.shape[:2]
    points = np.array([[0.0, 0.0], [w - 1.0, 0.0], [w - 1.0, h - 1.0], [17.0, 5.0]])
    mapped = imaging.map_points_after_rotation(points, degrees, w, h)
    marker = arr.copy()
    marker[5, 17] = (255, 0, 0)
    moved = imaging.rotate_right_angle(marker, degrees)
    x, y = mapped[3].astype(int)
    assert tuple(moved[y, x]) == (255, 0, 0)


def test_resize_to_long_side() -> None:
    arr = imaging.to_rgb_array(_text_page((1000, 500)))
    small, scale = imaging.resize_to_long_side(arr, 400)
    assert small.shape[:2] == (200, 400)
    assert scale == pytest.approx(0.4)


def test_dominant_skew_ignores_short_boxes() -> None:
    def box(x: float, y: float, w: float, h: float, deg: float) -> np.ndarray:
        t = np.radians(deg)
        d = np.array([np.cos(t), np.sin(t)])
        n = np.array([-np.sin(t), np.cos(t)])
        tl = np.array([x, y])
        return np.array([tl, tl + w * d, tl + w * d + h * n, tl + h * n])

    quads = [box(0, 100 * i, 600, 30, 3.0) for i in range(5)] + [box(0, 0, 30, 30, -20.0)]
    assert imaging.dominant_skew(quads) == pytest.approx(3.0, abs=0.01)
    assert imaging.dominant_skew([]) == 0.0


def test_crop_quad_straightens_a_tilted_line() -> None:
    page = _text_page().rotate(4, expand=True, fillcolor=255)
    arr = imaging.to_rgb_array(page)
    h, w = arr.shape[:2]
    quad = np.array([[0.0, 0.0], [w - 1.0, 0.0], [w - 1.0, h - 1.0], [0.0, h - 1.0]])
    assert imaging.crop_quad(arr, quad).shape[:2] == (h - 1, w - 1)


def test_illumination_normalisation_flattens_a_shadow() -> None:
    page = np.asarray(_text_page((800, 400)), dtype=np.float64)
    gradient = np.linspace(1.0, 0.45, page.shape[1])[np.newaxis, :]
    shaded = Image.fromarray((page * gradient).astype(np.uint8))
    out = imaging.normalize_illumination(imaging.to_rgb_array(shaded))[..., 0]
    paper = out[300:, :]
    assert paper[:, :50].mean() > 240
    assert paper[:, -50:].mean() > 240
    assert out.min() < 100

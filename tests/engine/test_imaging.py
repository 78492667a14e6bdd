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


@pytest.mark.parametrize("size", [(2550, 3300), (2551, 3307), (1700, 2200), (700, 500)])
def test_thumbnail_is_the_area_resize_within_rounding_and_maps_points_back(size: tuple[int, int]) -> None:
    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    draw.rectangle((size[0] // 3, size[1] // 4, size[0] // 3 + 60, size[1] // 4 + 40), fill=0)
    for y in range(size[1] // 2, size[1] - 100, 90):  # text below, the box alone above
        draw.text((80, y), "PA.I.C.K2a   PLT058   SCORE 85", font=ImageFont.load_default(size=40), fill=0)
    arr = imaging.to_rgb_array(page)
    small, scale = imaging.thumbnail(arr, 512)
    direct, direct_scale = imaging.resize_to_long_side(arr, 512)
    assert abs(max(small.shape[:2]) - 512) <= 1
    assert scale == pytest.approx(direct_scale, rel=0.01)
    cropped = direct[: small.shape[0], : small.shape[1]].astype(np.int16)
    difference = np.abs(small[: cropped.shape[0], : cropped.shape[1]].astype(np.int16) - cropped)
    assert difference.mean() < 3.0
    # The black box's corner lands where the factor puts it, within a thumbnail pixel.
    gray = small[..., 0]
    ys, xs = np.nonzero(gray[: int(size[1] // 2 * scale) - 2] < 64)
    assert xs.min() == pytest.approx(size[0] // 3 * scale, abs=1.5)
    assert ys.min() == pytest.approx(size[1] // 4 * scale, abs=1.5)


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


def _line_strip(text: str, size: int = 40) -> np.ndarray:
    font = ImageFont.load_default(size=size)
    _, _, right, bottom = font.getbbox(text)
    strip = Image.new("L", (int(right) + 20, int(bottom) + 16), 255)
    ImageDraw.Draw(strip).text((10, 8), text, font=font, fill=0)
    return imaging.to_rgb_array(strip)


def test_wide_strip_is_cut_at_word_gaps_only() -> None:
    strip = _line_strip(", ".join(["PA.III.B.R1", "PA.I.C.K2a", "PA.XI.A.S5"] * 4))
    h, w = strip.shape[:2]
    parts = imaging.split_wide_strip(strip, 10)
    assert len(parts) > 1
    assert sum(p.shape[1] for p in parts) == w
    assert all(p.shape[0] == h for p in parts)
    # Each cut falls on a column without ink.
    x = 0
    for part in parts[:-1]:
        x += part.shape[1]
        assert strip[int(h * 0.15) : int(h * 0.85), x].min() > 128


def test_narrow_or_gapless_strips_stay_whole() -> None:
    short = _line_strip("PA.I.C.K2a")
    assert len(imaging.split_wide_strip(short, 20)) == 1
    solid = np.zeros((20, 2000, 3), dtype=np.uint8)
    assert len(imaging.split_wide_strip(solid, 10)) == 1


def test_content_box_covers_faint_text_and_skips_empty_paper() -> None:
    page = Image.new("L", (1700, 2200), 228)
    draw = ImageDraw.Draw(page)
    font = ImageFont.load_default(size=36)
    draw.text((150, 150), "NAME:   OKAFOR, WEI", font=font, fill=175)
    draw.text((900, 900), "PA.I.C.K2a", font=font, fill=175)
    x0, y0, x1, y1 = imaging.content_box(imaging.to_rgb_array(page))
    assert x0 <= 150 and y0 <= 150
    assert x1 >= 900 + 200 and y1 >= 900 + 36
    assert (x1 - x0) * (y1 - y0) < 0.5 * 1700 * 2200


def test_content_box_of_a_blank_page_is_the_page() -> None:
    arr = imaging.to_rgb_array(Image.new("L", (300, 400), 255))
    assert imaging.content_box(arr) == (0, 0, 300, 400)

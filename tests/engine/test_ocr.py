"""OCR contract: reading order, row grouping, orientation recovery, empty pages.

Fixtures are rendered here with Pillow's bundled scalable font, so the tests need no
sample files and no system fonts.
"""

from __future__ import annotations

from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont

from extraction.engine.ocr import OcrLine, OcrPage, recognize_image

ROWS: list[list[tuple[int, str]]] = [
    [(120, "AIRMAN KNOWLEDGE TEST REPORT")],
    [(120, "NAME:"), (620, "OKAFOR, WEI")],
    [(120, "FTN:"), (620, "A7G4U809")],
    [(120, "EXAM DATE:"), (620, "02/17/2022")],
    [(120, "PA.I.C.K2a"), (620, "PA.III.B.R1"), (1120, "PA.XI.A.S5")],
    [(120, "EXPIRATION DATE: 02/29/2024")],
]


def _render(rows: list[list[tuple[int, str]]] = ROWS, size: int = 38) -> Image.Image:
    font = ImageFont.load_default(size=size)
    page = Image.new("L", (1700, 110 + 95 * len(rows)), 255)
    draw = ImageDraw.Draw(page)
    for i, row in enumerate(rows):
        for x, text in row:
            draw.text((x, 80 + 95 * i), text, font=font, fill=0)
    return page


def _squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def upright() -> OcrPage:
    return recognize_image(_render())


def test_rows_are_grouped_and_in_reading_order(upright: OcrPage) -> None:
    assert [type(line) for line in upright.lines] == [OcrLine] * len(ROWS)
    for line, row in zip(upright.lines, ROWS, strict=True):
        pieces = line.text.split("   ")
        assert [_squash(p) for p in pieces] == [_squash(t) for _, t in row]
    assert upright.text == "\n".join(line.text for line in upright.lines)
    assert upright.rotation == 0
    assert upright.elapsed_ms > 0


def test_lines_carry_confidence_and_boxes(upright: OcrPage) -> None:
    tops = [line.box[1] for line in upright.lines]
    assert tops == sorted(tops)
    for line in upright.lines:
        x0, y0, x1, y1 = line.box
        assert 0 <= x0 < x1 <= 1700
        assert 0 <= y0 < y1
        assert 0.0 <= line.confidence <= 1.0


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_right_angle_rotations_are_undone(degrees: int, upright: OcrPage) -> None:
    page = recognize_image(_render().rotate(degrees, expand=True))
    assert (degrees + page.rotation) % 360 == 0
    assert [_squash(line.text) for line in page.lines] == [_squash(line.text) for line in upright.lines]


def test_small_skew_keeps_rows_together() -> None:
    page = recognize_image(_render().rotate(3, expand=True, fillcolor=255))
    assert len(page.lines) == len(ROWS)
    assert _squash(page.lines[4].text) == "PA.I.C.K2aPA.III.B.R1PA.XI.A.S5"


@pytest.mark.parametrize(
    "image",
    [
        Image.new("RGB", (800, 1000), "white"),
        Image.new("L", (5, 5), 0),
        Image.new("RGBA", (300, 300), (0, 0, 0, 0)),
    ],
    ids=["white", "tiny", "transparent"],
)
def test_images_without_text_give_an_empty_page(image: Image.Image) -> None:
    page = recognize_image(image)
    assert page.lines == []
    assert page.text == ""


def test_code_like_readings_are_voted_token_by_token() -> None:
    from extraction.engine.ocr import vote_readings

    readings = [
        ("AM.II.A.R3, AM.III.E.R1", 1.0),
        ("AM.III.A.R3, AM.III.E.R1", 0.97),
        ("AM.III.A.R3, AM.II.E.R1", 0.95),
    ]
    text, _ = vote_readings(readings)
    assert text == "AM.III.A.R3, AM.III.E.R1"
    # Different token counts: the most frequent whole reading, ties to confidence.
    assert vote_readings([("PA.I.C.K2a", 0.9), ("PA.I.C. K2a", 0.99), ("PA.I.C.K2a", 0.8)])[0] == "PA.I.C.K2a"


def test_models_load_from_the_wheel_without_network(tmp_path: object) -> None:
    """A fresh process with sockets disabled loads the models and reads a line."""
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import socket\n"
        "def refuse(*a, **k):\n"
        "    raise OSError('network disabled')\n"
        "socket.socket.connect = refuse\n"
        "socket.socket.connect_ex = refuse\n"
        "socket.create_connection = refuse\n"
        "from PIL import Image, ImageDraw, ImageFont\n"
        "from extraction.engine.ocr import recognize_image\n"
        "im = Image.new('L', (900, 200), 255)\n"
        "ImageDraw.Draw(im).text((40, 60), 'PLT058', font=ImageFont.load_default(size=48), fill=0)\n"
        "print(recognize_image(im).text)\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root), "HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "PLT058"


def _box(x0: float, y0: float, x1: float, y1: float) -> Any:
    import numpy as np

    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64)


def test_level_words_whose_grown_boxes_overlap_share_a_row_and_stacked_lines_do_not() -> None:
    from extraction.engine.ocr import rows_of_boxes

    # ``EXP.`` and ``DT`` one blank apart: the detector's margins overlap by 18 of 35 pixels.
    label, short, value = _box(159, 1017, 259, 1050), _box(241, 1015, 299, 1050), _box(327, 1015, 537, 1050)
    assert [len(row) for row in rows_of_boxes([label, short, value], 0.0)] == [3]
    # A word under another, half a line lower, overlapping as much: two rows.
    assert [len(row) for row in rows_of_boxes([label, _box(241, 1032, 299, 1067)], 0.0)] == [1, 1]
    # Level boxes that overlap by more than both margins are still kept apart.
    assert [len(row) for row in rows_of_boxes([label, _box(220, 1015, 299, 1050)], 0.0)] == [1, 1]

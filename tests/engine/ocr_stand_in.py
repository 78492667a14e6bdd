"""A stand-in for the OCR module's page: the tests of the OCR path feed it lines, no models.

It follows the contract of ``extraction.engine.ocr.recognize_image``: lines (text, confidence,
box) in reading order, a row's pieces joined by three spaces, and optionally the prepared
page the boxes refer to and the turn applied to make it upright.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FakeLine:
    text: str
    confidence: float
    box: tuple[float, float, float, float]
    clipped: bool = False  # the row runs into the page's right edge


@dataclass
class FakePage:
    lines: list[FakeLine] = field(default_factory=list)
    image: object = None
    rotation: int = 0

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

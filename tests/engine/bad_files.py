"""Inputs that are not a readable AKTR, each with the error code the engine must give, and the
small builders they are made of (a plain page of lines, an encrypted PDF, image headers).
"""

from __future__ import annotations

import datetime as dt
import struct
import zlib

from fpdf import FPDF

from tests.engine.generator.documents import aktr_pdf


def text_pdf(lines: list[str], pages: int = 1) -> bytes:
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_creation_date(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    pdf.set_font("Helvetica", "", 11)
    for p in range(pages):
        pdf.add_page()
        for i, line in enumerate(lines):
            pdf.text(60, 80 + 16 * i, f"{line} {p + 1}" if pages > 1 else line)
    return bytes(pdf.output())


def encrypted_pdf(user_password: str = "secret") -> bytes:  # noqa: S107
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_creation_date(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    pdf.set_encryption(owner_password="owner", user_password=user_password)
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    pdf.text(60, 80, "AIRMAN KNOWLEDGE TEST REPORT")
    return bytes(pdf.output())


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header declares the given size (the pixel data is a tiny stub)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def jpeg_header(width: int, height: int) -> bytes:
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return (
        b"\xff\xd8\xff\xe0"
        + struct.pack(">H", 16)
        + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + sof
        + b"\xff\xd9"
    )


def bad_inputs() -> dict[str, tuple[bytes, str]]:
    """name -> (bytes, expected error code)."""
    good = aktr_pdf()
    return {
        "empty": (b"", "empty_file"),
        "whitespace": (b"  \n\t ", "empty_file"),
        "gif": (
            b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00\x00\x00\x00\x00,"
            b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
            "unsupported_type",
        ),
        "svg": (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
            "unsupported_type",
        ),
        "html": (
            b"<!DOCTYPE html><html><body>AIRMAN KNOWLEDGE TEST REPORT</body></html>",
            "unsupported_type",
        ),
        "zip": (b"PK\x03\x04" + b"\0" * 100, "unsupported_type"),
        "truncated_pdf": (good[: len(good) // 2], "corrupt_file"),
        "garbage_after_header": (b"%PDF-1.7\n" + bytes(range(256)) * 40, "corrupt_file"),
        "garbage_with_eof": (b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n", "corrupt_file"),
        "truncated_png": (png_header(800, 600)[:40], "corrupt_file"),
        "encrypted_pdf": (encrypted_pdf(), "encrypted_pdf"),
        "encrypted_pdf_empty_user_password": (encrypted_pdf(""), "encrypted_pdf"),
        "eleven_pages": (text_pdf(["AIRMAN KNOWLEDGE TEST REPORT", "page"], pages=11), "too_many_pages"),
        "png_bomb": (png_header(60000, 60000), "image_too_large"),
        "jpeg_bomb": (jpeg_header(50000, 50000), "image_too_large"),
        "too_large": (b"%PDF-1.4\n" + b"0" * (15 * 1024 * 1024), "file_too_large"),
        "not_an_aktr": (
            text_pdf(
                [
                    "Quarterly maintenance invoice",
                    "Hangar rent: 1,200 USD",
                    "Fuel: 340 gallons",
                    "Thank you for your business.",
                ]
            ),
            "not_an_aktr",
        ),
    }

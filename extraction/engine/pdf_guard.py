"""Structural checks of a PDF before pdfium opens it.

A few kilobytes of PDF can expand into gigabytes of streams or draw one form thousands of
times. These checks read the raw objects with bounded decoders and refuse such a file before
pdfium spends memory or time on it.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from collections.abc import Iterator

from .images import MAX_PIXELS, MAX_SIDE
from .types import ExtractionError

# --------------------------------------------------------------------------- PDFs


MAX_STREAM_BYTES = 16 * 1024 * 1024  # decoded size of one non-image stream (content, font, ...)
MAX_DECODED_BYTES = 64 * 1024 * 1024  # all non-image streams of a document together
MAX_DRAWS = 2_000  # images and forms one content stream draws, forms expanded
MAX_FORM_DEPTH = 48

_STREAM_START = re.compile(rb"\bstream(?:\r\n|\n|\r)")
_OBJ_HEADER = re.compile(rb"(\d{1,10})\s+\d{1,5}\s+obj\b")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()]+)")
_NAME = re.compile(rb"/([^\s/\[\]<>()]+)")
_INT_KEY = {
    key: re.compile(rb"/" + key + rb"\s+(\d+)(?!\s+\d+\s+R)") for key in (b"Width", b"Height", b"Length")
}
_DO = re.compile(rb"/([^\s/\[\]<>()]+)\s*Do\b")
_XOBJECT_DICT = re.compile(rb"/XObject\s*<<(.*?)>>", re.DOTALL)
_XOBJECT_REF = re.compile(rb"/XObject\s+(\d+)\s+\d+\s+R")
_NAMED_REF = re.compile(rb"/([^\s/\[\]<>()]+)\s+(\d+)\s+\d+\s+R")
_NOT_CONTENT = re.compile(
    rb"/(?:Length1|Length2|Length3|Type1C|CIDFontType0C|OpenType|Metadata|XRef|EmbeddedFile)\b"
)
_IMAGE_CODECS = frozenset({b"DCTDecode", b"DCT", b"JPXDecode", b"JBIG2Decode", b"CCITTFaxDecode", b"CCF"})


def check_pdf_structure(data: bytes) -> None:
    """Refuse compression and rendering bombs by reading the raw file, before pdfium does.

    Every stream is found by its ``stream`` keyword. Image streams are judged by their
    declared size (never inflated); every other stream is decoded through its filters with a
    cap per stream and for the document, so a few KB that inflate to gigabytes cost at most
    the cap. Object streams are searched for the dictionaries they hide, and the XObjects each
    content stream draws are counted with forms expanded, which catches one image tiled ten
    thousand times and forms that draw each other a hundred million times.
    """
    budget = MAX_DECODED_BYTES
    bodies: dict[int, bytes] = {}
    draws_of: dict[int, list[bytes]] = {}
    forms: set[int] = set()
    for number, dictionary, payload in _raw_streams(data):
        subtype = _name_value(dictionary, b"Subtype")
        if subtype == b"Image":
            _check_image_dictionary(dictionary)
            continue
        decoded = _decode_stream(dictionary, payload, min(MAX_STREAM_BYTES, budget))
        budget -= len(decoded)
        if _name_value(dictionary, b"Type") == b"ObjStm":
            bodies.update(_object_stream_bodies(dictionary, decoded))
            continue
        if _NOT_CONTENT.search(dictionary):
            continue
        bodies.setdefault(number, dictionary)
        draws_of[number] = _DO.findall(decoded)
        if subtype == b"Form":
            forms.add(number)
    for match in _OBJ_HEADER.finditer(data):
        number = int(match.group(1))
        if number not in bodies:
            end = data.find(b"endobj", match.end(), match.end() + 65536)
            bodies[number] = data[match.end() : end if end >= 0 else match.end() + 4096]
    names = _xobject_names(bodies)
    memo: dict[int, int] = {}
    for number in list(draws_of):
        if _draws(number, draws_of, names, forms, memo, ()) > MAX_DRAWS:
            raise ExtractionError(
                "document_too_complex", f"A page draws more than {MAX_DRAWS} images or forms."
            )


def _raw_streams(data: bytes) -> Iterator[tuple[int, bytes, bytes]]:
    """(object number, dictionary, raw payload) of every stream in the file."""
    for match in _STREAM_START.finditer(data):
        start = match.end()
        head = data.rfind(b"obj", max(0, match.start() - 65536), match.start())
        if head < 0:
            continue
        header = _OBJ_HEADER.search(data, max(0, head - 24), head + 3)
        number = int(header.group(1)) if header else -1
        dictionary = data[head + 3 : match.start()]
        length = _int_value(dictionary, b"Length")
        if length is not None and data[start + length : start + length + 32].lstrip().startswith(
            b"endstream"
        ):
            end = start + length
        else:
            found = data.find(b"endstream", start)
            end = found if found >= 0 else len(data)
        yield number, dictionary, data[start:end]


def _int_value(dictionary: bytes, key: bytes) -> int | None:
    match = _INT_KEY[key].search(dictionary)
    return int(match.group(1)) if match else None


def _name_value(dictionary: bytes, key: bytes) -> bytes | None:
    match = re.search(rb"/" + key + rb"\s*/([^\s/\[\]<>()]+)", dictionary)
    return match.group(1) if match else None


def _check_image_dictionary(dictionary: bytes) -> None:
    width, height = _int_value(dictionary, b"Width"), _int_value(dictionary, b"Height")
    if width is None or height is None:
        return
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise ExtractionError(
            "image_too_large",
            f"The PDF holds a {width}x{height} image; the limit is {MAX_PIXELS // 1_000_000} megapixels.",
        )


def _decode_stream(dictionary: bytes, payload: bytes, cap: int) -> bytes:
    """The stream decoded through its filters, refused when it would exceed ``cap`` bytes."""
    match = _FILTER.search(dictionary)
    filters = _NAME.findall(match.group(1)) if match else []
    data = payload
    for name in filters:
        if name in _IMAGE_CODECS:
            break
        try:
            data = _apply_filter(name, data, cap)
        except _TooLarge:
            raise ExtractionError(
                "document_too_complex",
                f"A PDF stream decodes to more than {cap // (1024 * 1024)} MB.",
            ) from None
        except (ValueError, zlib.error, binascii.Error):
            break  # pdfium decides what a damaged stream is worth; its size is bounded here
    if len(data) > cap:
        raise ExtractionError("document_too_complex", "A PDF stream is too large.")
    return data


class _TooLarge(Exception):
    pass


def _apply_filter(name: bytes, data: bytes, cap: int) -> bytes:
    if name in (b"FlateDecode", b"Fl"):
        out = zlib.decompressobj().decompress(data, cap + 1)
        if len(out) > cap:
            raise _TooLarge
        return out
    if name in (b"ASCIIHexDecode", b"AHx"):
        hex_digits = re.sub(rb"[^0-9A-Fa-f]", b"", data.split(b">", 1)[0])
        return binascii.unhexlify(hex_digits + b"0" * (len(hex_digits) % 2))
    if name in (b"ASCII85Decode", b"A85"):
        return base64.a85decode(re.sub(rb"\s", b"", data.split(b"~>", 1)[0]))
    if name in (b"RunLengthDecode", b"RL"):
        return _run_length(data, cap)
    if name in (b"LZWDecode", b"LZW"):
        return _lzw(data, cap)
    return data  # Crypt and unknown filters: left as they are


def _run_length(data: bytes, cap: int) -> bytes:
    out = bytearray()
    i = 0
    while i < len(data) and data[i] != 128:
        n = data[i]
        if n < 128:
            out += data[i + 1 : i + 2 + n]
            i += n + 2
        else:
            out += data[i + 1 : i + 2] * (257 - n)
            i += 2
        if len(out) > cap:
            raise _TooLarge
    return bytes(out)


def _lzw(data: bytes, cap: int) -> bytes:
    """PDF LZW (early change) with a bound on the output."""
    out = bytearray()
    table = [bytes([i]) for i in range(256)] + [b"", b""]
    width, bits, value, previous = 9, 0, 0, b""
    for byte in data:
        value = (value << 8) | byte
        bits += 8
        while bits >= width:
            bits -= width
            code = (value >> bits) & ((1 << width) - 1)
            if code == 256:
                table, width, previous = table[:258], 9, b""
                continue
            if code == 257:
                return bytes(out)
            if code < len(table):
                entry = table[code]
                if previous:
                    table.append(previous + entry[:1])
            elif previous:
                entry = previous + previous[:1]
                table.append(entry)
            else:
                return bytes(out)
            out += entry
            if len(out) > cap:
                raise _TooLarge
            previous = entry
            if len(table) + 1 >= (1 << width) and width < 12:
                width += 1
    return bytes(out)


def _object_stream_bodies(dictionary: bytes, decoded: bytes) -> dict[int, bytes]:
    """Objects stored inside an object stream, by number."""
    match = re.search(rb"/First\s+(\d+)", dictionary)
    first = int(match.group(1)) if match else 0
    numbers = [int(x) for x in decoded[:first].split()[: 2 * 100_000]]
    pairs = list(zip(numbers[::2], numbers[1::2], strict=False))
    bodies = {}
    for i, (number, offset) in enumerate(pairs):
        end = first + pairs[i + 1][1] if i + 1 < len(pairs) else len(decoded)
        bodies[number] = decoded[first + offset : end]
    return bodies


def _xobject_names(bodies: dict[int, bytes]) -> dict[bytes, set[int]]:
    """Every XObject resource name in the file and the objects it names anywhere."""
    names: dict[bytes, set[int]] = {}
    for body in bodies.values():
        if b"/XObject" not in body:
            continue
        entries = [m.group(1) for m in _XOBJECT_DICT.finditer(body)]
        entries += [bodies.get(int(m.group(1)), b"") for m in _XOBJECT_REF.finditer(body)]
        for entry in entries:
            for name, number in _NAMED_REF.findall(entry):
                names.setdefault(name, set()).add(int(number))
    return names


def _draws(
    number: int,
    draws_of: dict[int, list[bytes]],
    names: dict[bytes, set[int]],
    forms: set[int],
    memo: dict[int, int],
    stack: tuple[int, ...],
) -> int:
    """Images and forms a stream draws, each form counted with what it draws (bounded)."""
    if number in memo:
        return memo[number]
    total = 0
    for name in draws_of.get(number, []):
        targets = [t for t in names.get(name, ()) if t in forms and t not in stack and t != number]
        if targets and len(stack) < MAX_FORM_DEPTH:
            total += 1 + max(_draws(t, draws_of, names, forms, memo, (*stack, number)) for t in targets)
        else:
            total += 1
        if total > MAX_DRAWS:
            break
    memo[number] = total
    return total

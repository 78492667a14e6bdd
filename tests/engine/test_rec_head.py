"""The recognition model's class layer cut to the classes the decoder reads (``rec_head``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
from PIL import Image, ImageDraw, ImageFont

from extraction.engine import imaging, ocr, rec_head
from extraction.engine.ocr_models import fit_strip, get_models


def _cpu_session(model: bytes, threads: int) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    return ort.InferenceSession(model, sess_options=opts, providers=["CPUExecutionProvider"])


def _rec_model() -> bytes:
    import rapidocr

    return (Path(rapidocr.__file__).resolve().parent / "models" / "PP-OCRv6_rec_small.onnx").read_bytes()


def _charset(model: bytes) -> list[str]:
    return ["", *rec_head.metadata(model)["character"].splitlines(), " "]


def _line(text: str) -> imaging.Array:
    image = Image.new("RGB", (40 + 26 * len(text), 64), "white")
    ImageDraw.Draw(image).text((20, 10), text, font=ImageFont.load_default(size=40), fill="black")
    return imaging.to_rgb_array(image)


def test_wire_format_round_trip_is_byte_identical() -> None:
    model = _rec_model()
    assert rec_head._serialize(rec_head._parse(model)) == model


def test_metadata_holds_the_recogniser_dictionary() -> None:
    charset = _charset(_rec_model())
    assert len(charset) > 18000
    assert {"A", "I", ".", "7"} <= set(charset)


def test_cut_model_scores_the_kept_classes_as_a_share_of_the_full_softmax() -> None:
    model = _rec_model()
    charset = _charset(model)
    keep = [0, *(charset.index(ch) for ch in "ACIKLMPRSVX.0123456789 ")]
    full = _cpu_session(model, 1)
    cut = _cpu_session(rec_head.cut_classes(model, keep, len(charset)), 1)
    strip = fit_strip(_line("CA.IV.M.K3 PLT058"), 48, 480)[np.newaxis]
    expected = full.run(None, {"x": strip})[0][0][:, keep]
    got = cut.run(None, {"x": strip})[0][0]
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected / expected.sum(axis=1, keepdims=True), atol=1e-5)
    assert (got.argmax(axis=1) == expected.argmax(axis=1)).all()


def test_cut_keeps_the_order_it_is_given() -> None:
    model = _rec_model()
    charset = _charset(model)
    forward = [0, charset.index("A"), charset.index("B")]
    backward = [0, charset.index("B"), charset.index("A")]
    strip = fit_strip(_line("ABBA"), 48, 200)[np.newaxis]
    a = _cpu_session(rec_head.cut_classes(model, forward, len(charset)), 1).run(None, {"x": strip})[0][0]
    b = _cpu_session(rec_head.cut_classes(model, backward, len(charset)), 1).run(None, {"x": strip})[0][0]
    np.testing.assert_allclose(a[:, [0, 2, 1]], b, atol=1e-6)


def test_a_model_without_that_class_layer_is_refused() -> None:
    model = _rec_model()
    with pytest.raises(ValueError, match="class layer"):
        rec_head.cut_classes(model, [0, 1, 2], 12345)
    with pytest.raises(ValueError):
        rec_head.cut_classes(b"\x0f", [0], 10)  # wire type 7 does not exist
    with pytest.raises(ValueError, match="truncated"):
        rec_head.cut_classes(model[:1000], [0], 10)


def test_loaded_recogniser_scores_printable_ascii_and_reads_a_code_line() -> None:
    models = get_models(ocr.INTRA_OP_THREADS)
    assert models.rec.get_outputs()[0].shape[-1] == len(models.rec_chars) == 96
    assert models.rec_chars[0] == "" and set(models.rec_chars[1:]) <= {chr(c) for c in range(32, 127)}
    text, score, _ = models.read_line_chars(_line("PA.I.C.K2"), ocr.SPLIT_RATIO)
    assert text == "PA.I.C.K2" and score > 0.9

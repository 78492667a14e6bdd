"""The OCR models: PP-OCR detection, direction and recognition run by onnxruntime.

The ONNX files ship inside the ``rapidocr`` wheel and are opened by explicit path, so the
library's download fallback is never reached and the process works offline. Sessions are
bounded in threads and load once per process; the recogniser's class layer is cut to the
characters the decoder reads as it loads (``rec_head``).
"""

from __future__ import annotations

import math
import os
import threading
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from extraction.engine import imaging, rec_head
from extraction.engine.layout import CharReads

Quad = NDArray[np.float64]
# (text, mean character probability, each character's probability and runner-up)
Reading = tuple[str, float, CharReads]


def _threads(default: int) -> int:
    try:
        value = int(os.environ.get("OCR_THREADS", default))
    except ValueError:
        value = default
    return max(1, min(value, os.cpu_count() or 1))


def _session(model: Path | bytes, threads: int) -> Any:
    """An onnxruntime session bounded to ``threads`` math threads that sleep when idle.

    Spinning worker threads (onnxruntime's default) burn a core between calls, which on a
    small shared machine slows every other process for no gain here.
    """
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.enable_cpu_mem_arena = False
    opts.log_severity_level = 3
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    source = model if isinstance(model, bytes) else str(model)
    return ort.InferenceSession(source, sess_options=opts, providers=["CPUExecutionProvider"])


# Weight a mark must reach in the frames between two letters to be kept there: a blurred word
# gap, an apostrophe or a hyphen the greedy reading lost (``SARAH F``, ``O'NEIL``).
SOFT_MARKS: dict[str, float] = {" ": 0.1, "'": 0.2, "-": 0.2}
# A mark whose weight reached this share of its threshold is not kept, but makes the letter
# after it a hesitation whose rival reading holds the mark (a name run together, ``LIAMZOE``).
NEAR_MARK = 0.5
# Weight from which a glyph in the blank frames between two characters is a hesitation: one
# the greedy reading dropped (``VI`` read ``V``), rare on a glyph read right.
HIDDEN_GLYPH_MIN = 0.05
# A thin glyph the recogniser held over this many frames or more may be two (a roman ``II``
# read as one ``I``, no blank frame between them): on generated photos a single ``I`` held
# one or two frames, and a run of three hid a second ``I`` in two cases out of three.
DOUBLED_RUN = 3
DOUBLED_GLYPHS = frozenset("Il|")


class OcrModels:
    """Detection, direction and recognition sessions over the model files of the wheel.

    Only the ONNX files and the DB box post-processing come from ``rapidocr``; the
    sessions are built here so no code path can reach the library's download fallback.
    """

    def __init__(self, threads: int) -> None:
        import rapidocr
        from rapidocr.ch_ppocr_det.utils import DBPostProcess

        model_dir = Path(rapidocr.__file__).resolve().parent / "models"
        paths = {
            "det": model_dir / "PP-OCRv6_det_small.onnx",
            "rec": model_dir / "PP-OCRv6_rec_small.onnx",
            "cls": model_dir / "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
        }
        for path in paths.values():
            if not path.is_file():
                raise RuntimeError(f"OCR model missing from the rapidocr package: {path}")
        self.det = _session(paths["det"], threads)
        self.cls = _session(paths["cls"], threads)
        rec_model = paths["rec"].read_bytes()
        # Class 0 is the CTC blank, then the model's dictionary, then a space; the decoder
        # reads the blank, printable ASCII and the space, and the model scores those only.
        charset = ["", *rec_head.metadata(rec_model)["character"].splitlines(), " "]
        keep = [0] + [i for i, ch in enumerate(charset) if len(ch) == 1 and 32 <= ord(ch) < 127]
        self.rec = _session(rec_head.cut_classes(rec_model, keep, len(charset)), threads)
        self.rec_chars = [charset[i] for i in keep]
        self.db = DBPostProcess(
            thresh=0.3,
            box_thresh=0.5,
            max_candidates=1000,
            unclip_ratio=1.6,
            score_mode="fast",
            use_dilation=True,
        )
        self.rec_marks = np.asarray([self.rec_chars.index(mark) for mark in SOFT_MARKS], dtype=np.int64)
        self.lock = threading.Lock()

    def detect(self, rgb: imaging.Array) -> list[Quad]:
        """Text boxes (tl, tr, br, bl) in the coordinates of ``rgb``."""
        h, w = rgb.shape[:2]
        ph, pw = -(-h // 32) * 32, -(-w // 32) * 32
        canvas = np.full((ph, pw, 3), 255, dtype=np.uint8)
        canvas[:h, :w] = rgb
        x = (canvas.astype(np.float32) / 127.5 - 1.0).transpose(2, 0, 1)[np.newaxis]
        pred = self.det.run(None, {self.det.get_inputs()[0].name: x})[0]
        boxes, _ = self.db(pred, (ph, pw))
        return [np.asarray(b, dtype=np.float64) for b in boxes]

    def upside_down_votes(self, crops: list[imaging.Array]) -> float:
        """Share of crops the direction classifier reads as turned by 180 degrees."""
        if not crops:
            return 0.0
        batch = np.stack([fit_strip(c, 48, 192) for c in crops])
        probs = self.cls.run(None, {self.cls.get_inputs()[0].name: batch})[0]
        return float(np.mean(probs[:, 1] > probs[:, 0]))

    def recognize(self, crop: imaging.Array, min_width: int = 0) -> Reading:
        """Text, mean character probability and each character's probability of one line crop,
        decoded over printable ASCII.

        One crop per call: padding a crop to share a batch with wider ones measurably changes
        what the model reads (and costs more CPU than it saves), so each line is read alone
        and the result never depends on its neighbours.

        The multilingual model also knows CJK glyphs and full-width punctuation; a report
        holds neither, and the model scores printable ASCII only (``rec_head``), which turns
        readings such as a CJK glyph for ``III`` into the nearest Latin characters.
        """
        width = math.ceil(48 * crop.shape[1] / max(crop.shape[0], 1))
        batch = fit_strip(crop, 48, max(min_width, width))[np.newaxis]
        probs = self.rec.run(None, {self.rec.get_inputs()[0].name: batch})[0]
        return self._decode(probs[0])

    def recognize_line(
        self, crop: imaging.Array, split_ratio: float, min_width: int = 0
    ) -> tuple[str, float]:
        """Read a detected line; lines wider than ``split_ratio`` heights in word-aligned parts."""
        text, score, _ = self.read_line_chars(crop, split_ratio, min_width)
        return text, score

    def read_line_chars(self, crop: imaging.Array, split_ratio: float, min_width: int = 0) -> Reading:
        """``recognize_line`` with each character's probability and runner-up (a certain blank
        joins the parts)."""
        texts: list[str] = []
        chars: list[tuple[float, str]] = []
        weighted = 0.0
        for part in imaging.split_wide_strip(crop, split_ratio) if split_ratio else [crop]:
            text, score, probs = self.recognize(part, min_width)
            lead = len(text) - len(text.lstrip())
            text = text.strip()
            if text:
                if texts:
                    chars.append((1.0, ""))
                texts.append(text)
                chars.extend(probs[lead : lead + len(text)])
                weighted += score * len(text)
        count = sum(len(t) for t in texts)
        if not count:
            return "", 0.0, ()
        return " ".join(texts), weighted / count, tuple(chars)

    def _decode(self, probs: NDArray[np.float32]) -> Reading:
        """Greedy CTC decoding, with the marks a blurred gap between two letters hides.

        A low-resolution photo can close the gap between two words (``SARAHF``) or swallow an
        apostrophe (``ONEIL``): the model then still gives the mark some weight in the frames
        between the letters. Between two letters of a word made of letters only, the mark of
        ``SOFT_MARKS`` whose weight there reaches its threshold is kept; codes, numbers and
        punctuation are never parted. One that reached ``NEAR_MARK`` of it is not kept, but
        the letter after it is a hesitation whose rival is the mark and the letter.

        A thin glyph held over ``DOUBLED_RUN`` frames or more may be two that no blank frame
        parted (CTC collapses them): ``VII`` read ``VI``. Its rival is the glyph twice.

        A glyph the model nearly wrote in the blank frames between two characters (the last
        ``I`` of ``IR.VI.A.S2`` read ``IR.V.A.S2``) makes the character after it a hesitation
        too, whose rival holds that glyph, once its weight reaches ``HIDDEN_GLYPH_MIN``.
        """
        best = probs.argmax(axis=1)
        best_p = probs.max(axis=1)
        marks = probs[:, self.rec_marks]
        marks_at = self.rec_marks.tolist()
        chars: list[str] = []
        scores: list[float] = []
        peaks: list[float] = []  # each character's probability: the peak over its frames
        runs: list[tuple[int, float]] = []  # each character's frames and its lowest there
        at: list[int] = []  # the frame of that peak; -1 for a mark slipped into a gap
        doubts: dict[int, tuple[str, float]] = {}  # a character after a mark nearly kept
        hidden: dict[int, tuple[str, float]] = {}  # a character after a glyph nearly written
        previous = -1
        last = 0  # the frame of the last character
        end = written = 0  # the last frame the last character held, and its class
        word_letters = False  # the word read so far is letters only
        for t, (k, p) in enumerate(zip(best.tolist(), best_p.tolist(), strict=True)):
            if k != previous and k != 0:
                ch = self.rec_chars[k]
                if word_letters and ch.isalpha() and t > last + 1:
                    gap = marks[last + 1 : t].max(axis=0)
                    soft = _soft_mark(gap)
                    if soft is not None:
                        # Its probability is the weight it had: a guess, however well founded.
                        chars.append(soft[0])
                        peaks.append(soft[1])
                        runs.append((0, soft[1]))
                        at.append(-1)
                    elif (near := _soft_mark(gap, NEAR_MARK)) is not None:
                        doubts[len(chars)] = near
                if chars:  # a gap lies between this character and the last
                    nearly = _hidden_glyph(probs[end + 1 : t], [0, written, k, *marks_at], self.rec_chars)
                    if nearly is not None:
                        hidden[len(chars)] = nearly
                chars.append(ch)
                scores.append(p)
                peaks.append(p)
                runs.append((1, p))
                at.append(t)
                end, written = t, k
                word_letters = ch.isalpha() and (word_letters or len(chars) < 2 or chars[-2] == " ")
                last = t
            elif k == previous and k != 0:
                end = t
                runs[-1] = (runs[-1][0] + 1, min(runs[-1][1], p))
                if p > peaks[-1]:
                    peaks[-1], at[-1] = p, t
            previous = k
        if not chars:
            return "", 0.0, ()
        reads = list(zip(peaks, _rivals(probs, at, self.rec_chars), strict=True))
        for k, (mark, weight) in doubts.items():
            # The rival of the letter is the mark before it (``LIAMZOE`` as ``LIAM ZOE``),
            # as likely as the mark's weight came near its threshold.
            ratio = weight / SOFT_MARKS[mark]
            reads[k] = (min(reads[k][0], 1.0 - ratio), mark + chars[k])
        for k, (glyph, weight) in hidden.items():
            if 1.0 - weight < reads[k][0]:
                reads[k] = (1.0 - weight, glyph + chars[k])
        for k, (frames, lowest) in enumerate(runs):
            if frames >= DOUBLED_RUN and chars[k] in DOUBLED_GLYPHS:
                # Its rival is the glyph twice, as likely as its weakest frame was weak.
                reads[k] = (lowest, chars[k] * 2)
        return "".join(chars), float(np.mean(scores)), tuple(reads)


def _hidden_glyph(
    gap: NDArray[np.float32], left_out: list[int], names: list[str]
) -> tuple[str, float] | None:
    """The glyph with the most weight in the blank frames between two characters, leaving
    out ``left_out`` (the blank, the marks, both neighbours), and that weight; None under
    ``HIDDEN_GLYPH_MIN``."""
    if not len(gap):
        return None
    weights = gap.max(axis=0)
    weights[left_out] = 0.0
    best = int(weights.argmax())
    return (names[best], float(weights[best])) if weights[best] >= HIDDEN_GLYPH_MIN else None


def _rivals(sub: NDArray[np.float32], at: list[int], names: list[str]) -> list[str]:
    """The runner-up character at each character's peak frame ("" for a slipped-in mark:
    its rival is no mark at all)."""
    frames = [t for t in at if t >= 0]
    if not frames:
        return [""] * len(at)
    rows = sub[frames].copy()
    rows[:, 0] = 0.0  # the blank is no rival character
    rows[np.arange(len(frames)), rows.argmax(axis=1)] = 0.0
    second = iter(rows.argmax(axis=1).tolist())
    return [names[next(second)] if t >= 0 else "" for t in at]


_MARKS = tuple(SOFT_MARKS)
_MARK_THRESHOLDS = np.array(list(SOFT_MARKS.values()), dtype=np.float64)


def _soft_mark(gap: NDArray[np.float32], share: float = 1.0) -> tuple[str, float] | None:
    """The mark the gap's weights give, relative to each mark's threshold, with its weight;
    None when every weight is below ``share`` of its mark's threshold."""
    ratios = gap / _MARK_THRESHOLDS
    best = int(ratios.argmax())
    return (_MARKS[best], float(gap[best])) if ratios[best] >= share else None


def fit_strip(crop: imaging.Array, height: int, width: int) -> NDArray[np.float32]:
    """Scale a line crop to ``height`` keeping its aspect, normalise to [-1, 1], pad right."""
    h, w = crop.shape[:2]
    new_w = min(width, max(1, math.ceil(height * w / max(h, 1))))
    resized = cv2.resize(crop, (new_w, height), interpolation=cv2.INTER_LINEAR)
    out = np.zeros((3, height, width), dtype=np.float32)
    out[:, :, :new_w] = (resized.astype(np.float32) / 127.5 - 1.0).transpose(2, 0, 1)
    return out


_models: OcrModels | None = None
_models_lock = threading.Lock()


def get_models(threads: int) -> OcrModels:
    """The process's models, loaded once behind a lock; ``threads`` applies to the first load."""
    global _models
    if _models is None:
        with _models_lock:
            if _models is None:
                _models = OcrModels(_threads(threads))
    return _models

"""Rows read side by side in reading lanes give the lines of reading one row after the other."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest

from extraction.engine import ocr
from extraction.engine.ocr_models import get_models

from .test_ocr import ROWS, _render

_ROWS = ["NAME: OKAFOR, WEI", "PA.I.A.K1", "TAKE: 1", "DO NOT LOSE THIS REPORT", "INSTRUCTOR'S STATEMENT"]


class _Lanes:
    """Models whose reads run in a pool of two lanes, or at once when ``pool`` is None."""

    def __init__(self, pool: ThreadPoolExecutor | None) -> None:
        self.pool = pool
        self.lanes = 2 if pool is not None else 1

    def read_async(self, read: Callable[..., Any], *args: Any) -> Future[Any]:
        if self.pool is not None:
            return self.pool.submit(read, *args)
        done: Future[Any] = Future()
        done.set_result(read(*args))
        return done


def _quads() -> list[list[np.ndarray]]:
    return [
        [np.array([[0.0, 10.0 * i], [50.0, 10.0 * i], [50.0, 10.0 * i + 8], [0.0, 10.0 * i + 8]])]
        for i in range(5)
    ]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, bool]]]:
    """Each row reads as its line of ``_ROWS``; a value above the codes gets a checked reading."""
    calls: list[tuple[str, bool]] = []

    def read_piece(models: Any, rgb: Any, q: Any, *, check: bool = True) -> Any:
        text = _ROWS[int(q[0][1]) // 10]
        calls.append((text, check))
        checked = check and not ocr.CODE_LIKE.search(text)
        return (text, 0.9, ()), ((text + "?",) if checked else ()), checked

    monkeypatch.setattr(ocr, "_read_piece", read_piece)
    yield calls


def _lines(models: _Lanes) -> list[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]]]:
    lines = ocr._read_rows(models, np.zeros((60, 60, 3), np.uint8), _quads(), full_page=False)  # type: ignore[arg-type]
    return [(line.text, line.others) for line in lines]


def test_a_row_read_ahead_is_settled_as_if_read_after_the_rows_above(reads: list[tuple[str, bool]]) -> None:
    with ThreadPoolExecutor(2) as pool:
        ahead = _lines(_Lanes(pool))
    # The take was read while the code row above it was, as if still above the codes ...
    assert ("TAKE: 1", True) in reads
    reads.clear()
    one_by_one = _lines(_Lanes(None))
    assert ("TAKE: 1", False) in reads
    # ... and is taken as read below them: no checked reading, the report ends where it ends.
    assert (
        ahead
        == one_by_one
        == [
            ("NAME: OKAFOR, WEI", (("NAME: OKAFOR, WEI", ("NAME: OKAFOR, WEI?",)),)),
            ("PA.I.A.K1", ()),
            ("TAKE: 1", ()),
            ("DO NOT LOSE THIS REPORT", ()),
        ]
    )


def test_a_failed_read_is_raised_and_leaves_no_read_running(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[Future[Any]] = []

    def read_piece(models: Any, rgb: Any, q: Any, *, check: bool = True) -> Any:
        if int(q[0][1]) == 10:
            raise RuntimeError("model failed")
        return ("TEXT", 0.9, ()), (), False

    class Tracked(_Lanes):
        def read_async(self, read: Callable[..., Any], *args: Any) -> Future[Any]:
            started.append(super().read_async(read, *args))
            return started[-1]

    monkeypatch.setattr(ocr, "_read_piece", read_piece)
    with ThreadPoolExecutor(2) as pool, pytest.raises(RuntimeError, match="model failed"):
        ocr._read_rows(Tracked(pool), np.zeros((60, 60, 3), np.uint8), _quads(), full_page=False)  # type: ignore[arg-type]
    assert started and all(future.done() for future in started)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="reading lanes need two threads")
def test_a_page_read_in_lanes_reads_as_one_row_after_the_other(monkeypatch: pytest.MonkeyPatch) -> None:
    page = _render([*ROWS, [(120, "DO NOT LOSE THIS REPORT")], [(120, "INSTRUCTOR'S STATEMENT")]])
    models = get_models(ocr.INTRA_OP_THREADS)
    assert models.pool is not None and models.lanes == 2
    in_lanes = ocr.recognize_image(page)
    monkeypatch.setattr(models, "pool", None)
    monkeypatch.setattr(models, "lanes", 1)
    one_by_one = ocr.recognize_image(page)
    assert in_lanes.lines == one_by_one.lines
    assert in_lanes.lines[-1].text == "DO NOT LOSE THIS REPORT"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_process_reads_with_lanes_of_its_own() -> None:
    import multiprocessing

    parent = get_models(ocr.INTRA_OP_THREADS)
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        text = pool.apply_async(_read_in_child, (id(parent),)).get(timeout=120)
    assert "OKAFOR" in text


def _read_in_child(parent_id: int) -> str:
    models = get_models(ocr.INTRA_OP_THREADS)
    assert id(models) != parent_id
    return ocr.recognize_image(_render(ROWS[:2])).text

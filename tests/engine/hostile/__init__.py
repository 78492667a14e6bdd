"""Hostile files built in code: documents crafted to cost time or memory, with the answer each
must get.

Each case is small on disk (at most a few hundred KB) and expensive if read naively: text
layers with tens of thousands of runs, compression bombs inside PDFs and PNGs, image headers
that declare huge pixel counts, render sizes far beyond a sheet of paper, self-referencing
structures. The engine must answer every one with a stable status or error code, within
seconds and a bounded peak memory (issue 8, "Bounded cost on any input").

Built by concern: raw PDFs (:mod:`.pdfs`), pictures (:mod:`.images`), the catalogue of cases with
their expected answers (:mod:`.cases`) and the fresh-process runner (:mod:`.runner`).
"""

from .cases import CASE_NAMES, Hostile, hostile_file, hostile_files
from .pdfs import many_runs, pages_pdf, scanned_pages
from .runner import Run, answer, run_fresh

__all__ = [
    "CASE_NAMES",
    "Hostile",
    "Run",
    "answer",
    "hostile_file",
    "hostile_files",
    "many_runs",
    "pages_pdf",
    "run_fresh",
    "scanned_pages",
]

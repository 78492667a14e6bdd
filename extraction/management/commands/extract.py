"""``manage.py extract PATH [PATH ...]``: run the extraction engine on files, print JSON.

Prints one JSON array to stdout with one object per path, in the order given. A file the
engine refuses (or cannot read) gets ``"status": "error"`` and its error code; the exit
status stays 0. ``--summary`` prints a table for people instead.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from extraction.adapter.extract import get_catalog
from extraction.engine import ExtractionError, empty_fields, error_to_dict, extract_document, result_to_dict

MAX_READ = 15 * 1024 * 1024 + 1  # one byte past the engine's limit is enough to refuse


def extract_path(path: str, catalog: Any) -> dict[str, Any]:
    """One entry of the output array (never raises for a bad document)."""
    started = time.perf_counter()
    entry: dict[str, Any] = {"file": path, "status": "ok", "error": None}
    try:
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_READ)
        except OSError as exc:
            raise ExtractionError("corrupt_file", f"Cannot read the file: {exc.strerror or exc}.") from None
        result = extract_document(data, catalog)
    except ExtractionError as exc:
        entry.update(status="error", error=error_to_dict(exc), **empty_fields())
        entry["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 2)
        return entry
    entry.update(result_to_dict(result))
    return entry


class Command(BaseCommand):
    help = "Extract AKTR fields and deficient codes from PDF/PNG/JPEG files; prints a JSON array."
    # The engine needs no URL, model or admin check; running them would import every API view
    # and cost each fresh process about half a second before the first file is read.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--summary", action="store_true", help="print a human-readable table instead")

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[str] = options["paths"]
        catalog = get_catalog()
        entries = []
        for i, path in enumerate(paths, 1):
            entry = extract_path(path, catalog)
            entries.append(entry)
            if len(paths) > 1:
                state = entry["status"] if entry["error"] is None else entry["error"]["code"]
                self.stderr.write(f"[{i}/{len(paths)}] {path}: {state} ({entry['elapsed_ms']:.0f} ms)")
        if options["summary"]:
            self.stdout.write(render_summary(entries))
        else:
            self.stdout.write(json.dumps(entries, indent=2, ensure_ascii=False))


def render_summary(entries: list[dict[str, Any]]) -> str:
    header = ("file", "status", "exam", "date", "score", "grade", "codes", "unres.", "conf.", "ms")
    rows = [header]
    for e in entries:
        if e["status"] != "ok":
            rows.append(
                (
                    Path(e["file"]).name,
                    e["error"]["code"],
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    f"{e['elapsed_ms']:.0f}",
                )
            )
            continue
        rows.append(
            (
                Path(e["file"]).name,
                "ok",
                e["exam_code"] or "?",
                e["exam_date"] or "?",
                "" if e["score"] is None else str(e["score"]),
                e["grade"] or "?",
                str(len(e["codes"])),
                str(len(e["unresolved"])),
                f"{e['confidence']:.2f}",
                f"{e['elapsed_ms']:.0f}",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    ok = sum(e["status"] == "ok" for e in entries)
    lines.append(f"{ok} of {len(entries)} extracted")
    return "\n".join(lines)

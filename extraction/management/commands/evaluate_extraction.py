"""``manage.py evaluate_extraction DIR``: score the engine against truth files beside documents.

Per format (text, scan, png, photo): documents exactly right, code precision / recall / F1,
accuracy of each field, p50 / p95 time per document (measured in-process around the engine
call, catalogue already built), and how many wrong and right documents the engine's ``review``
flags. Then a reliability table: confidence bins against the observed exact rate, so one sees
whether ``confidence`` is a probability that the document is right. ``--json`` prints the same
figures as JSON; ``--failures`` lists every document that is not exactly right, what
differed and whether review flagged it, then the exactly right documents review flagged.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from extraction.adapter.extract import get_catalog
from extraction.engine import ExtractionError, extract_document, result_to_dict
from extraction.evaluation.cases import FORMATS, Outcome, load_cases
from extraction.evaluation.reliability import calibration_error, reliability, render_reliability
from extraction.evaluation.scores import render_table, summarize


class Command(BaseCommand):
    help = "Evaluate the extraction engine on a directory of documents with *.json truth files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", metavar="DIR")
        parser.add_argument(
            "--format", action="append", choices=FORMATS, dest="formats", help="only this format (repeatable)"
        )
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")
        parser.add_argument(
            "--failures",
            action="store_true",
            help="list the documents not exactly right, and the right ones that review flags",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"])
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory")
        cases = load_cases(directory)
        if options["formats"]:
            cases = [c for c in cases if c.format in options["formats"]]
        if not cases:
            raise CommandError(f"no documents with truth files in {directory}")
        catalog = get_catalog()
        outcomes: list[Outcome] = []
        for i, case in enumerate(cases, 1):
            data = case.document.read_bytes()
            started = time.perf_counter()
            try:
                result = extract_document(data, catalog)
                predicted: dict[str, Any] | None = result_to_dict(result)
                error = None
            except ExtractionError as exc:
                predicted, error = None, exc.code
            elapsed = (time.perf_counter() - started) * 1000
            outcome = Outcome(case, predicted, error, elapsed)
            outcomes.append(outcome)
            mark = "ok" if outcome.exact else "MISS " + ",".join(outcome.wrong_fields)
            if outcome.review:
                mark += " review:" + ",".join(_reasons(outcome))
            self.stderr.write(
                f"[{i}/{len(cases)}] {case.document.name} ({case.format}) {elapsed:.0f} ms {mark}"
            )
        reports = summarize(outcomes, known_code=catalog.__contains__)
        bins = reliability(outcomes)
        if options["json"]:
            ece = calibration_error(bins)
            payload = {
                "documents": len(outcomes),
                "formats": [r.as_dict() for r in reports],
                "reliability": [b.as_dict() for b in bins],
                "calibration_error": None if ece is None else round(ece, 4),
                "review": reports[-1].review_dict(),
            }
            self.stdout.write(json.dumps(payload, indent=2))
        else:
            self.stdout.write(render_table(reports))
            self.stdout.write("")
            self.stdout.write(render_reliability(bins, reports))
        if options["failures"]:
            self.stdout.write("")
            for o in outcomes:
                if o.exact:
                    continue
                self.stdout.write(f"{o.case.document.name} ({o.case.format}):")
                if o.predicted is not None:
                    flagged = "flagged " + ",".join(_reasons(o)) if o.review else "NOT flagged"
                    self.stdout.write(f"  review: {flagged}")
                for f in o.wrong_fields:
                    if f.startswith("error:"):
                        self.stdout.write(f"  refused: {f[6:]}")
                        continue
                    got = o.predicted.get(f) if o.predicted else None
                    self.stdout.write(f"  {f}: got {got!r}, expected {o.case.truth.get(f)!r}")
            for o in outcomes:
                if o.exact and o.review:
                    name = f"{o.case.document.name} ({o.case.format})"
                    self.stdout.write(f"{name}: exactly right but flagged {','.join(_reasons(o))}")


def _reasons(outcome: Outcome) -> list[str]:
    return [str(r) for r in (outcome.predicted or {}).get("review_reasons") or []]

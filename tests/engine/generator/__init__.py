"""The project's own AKTR variant generator: seeded specs, text PDFs, scans, PNGs, phone photos.

``draw_spec(seed, catalog)`` names one document; ``render_document(spec, fmt)`` gives its
bytes; ``spec.expected()`` its truth. ``python -m tests.engine.generator.sweep`` measures
the engine on them. Seeds from ``wording.HOLDOUT_SEED`` on are held out for measurement.
"""

from .draw import draw_spec
from .images import FORMATS, render_document
from .render import render_pdf
from .spec import DocumentSpec

__all__ = ["FORMATS", "DocumentSpec", "draw_spec", "render_document", "render_pdf"]

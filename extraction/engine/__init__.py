"""AKTR extraction engine: bytes in, :class:`ExtractionResult` out. No Django import here.

Public API (the rest of the project imports this package and :mod:`.grammar`, nothing else)::

    from extraction.engine import Catalog, extract_document, ExtractionError
    catalog = Catalog.from_json("extraction/data/acs_catalog.json.gz")  # once per process
    result = extract_document(data, catalog)
"""

from .catalog import Catalog
from .data.exams import EXAM_PREFIXES, EXAM_TITLES
from .fields import expiration_for
from .pipeline import ENGINE_VERSION, extract_document, warm_up, warm_up_ocr
from .serialize import FIELDS, empty_fields, error_to_dict, result_to_dict
from .types import CatalogEntry, CodeDetail, CodeKind, ExtractionError, ExtractionResult, Unresolved
from .vision import VisionAnswer, VisionError, parse_payload, read_document
from .vision_merge import merge as merge_vision

__all__ = [
    "ENGINE_VERSION",
    "EXAM_PREFIXES",
    "EXAM_TITLES",
    "FIELDS",
    "Catalog",
    "CatalogEntry",
    "CodeDetail",
    "CodeKind",
    "ExtractionError",
    "ExtractionResult",
    "Unresolved",
    "VisionAnswer",
    "VisionError",
    "empty_fields",
    "error_to_dict",
    "expiration_for",
    "extract_document",
    "merge_vision",
    "parse_payload",
    "read_document",
    "result_to_dict",
    "warm_up",
    "warm_up_ocr",
]

"""AKTR extraction engine: bytes in, :class:`ExtractionResult` out. No Django import here.

Public API::

    from extraction.engine import Catalog, extract_document, ExtractionError
    catalog = Catalog.from_json("extraction/data/acs_catalog.json.gz")  # once per process
    result = extract_document(data, catalog)
"""

from .catalog import Catalog
from .pipeline import ENGINE_VERSION, extract_document, warm_up
from .types import CatalogEntry, CodeDetail, ExtractionError, ExtractionResult, Unresolved

__all__ = [
    "ENGINE_VERSION",
    "Catalog",
    "CatalogEntry",
    "CodeDetail",
    "ExtractionError",
    "ExtractionResult",
    "Unresolved",
    "extract_document",
    "warm_up",
]

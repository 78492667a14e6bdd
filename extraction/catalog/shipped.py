"""The ACS catalogue shipped with the code: one path for the loader, the engine adapter and tools.

Plain Python (no Django), so scripts and the engine's callers can read it without settings.
"""

from pathlib import Path

SHIPPED_CATALOG = Path(__file__).resolve().parent.parent / "data" / "acs_catalog.json.gz"

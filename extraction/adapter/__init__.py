"""The Django side of the engine: one catalogue per process, one call per document, the fallback."""

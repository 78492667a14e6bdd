"""Cross-cutting API pieces: problem+json errors, pagination, health checks."""

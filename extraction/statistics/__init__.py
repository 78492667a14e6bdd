"""National statistics: anonymised daily counts of reports and missed codes, kept as reports come
and go, and the national picture read from them (docs/statistics.md)."""

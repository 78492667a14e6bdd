"""Stored extraction results: writing, claiming, reviewing and expiring reports, and reading them."""

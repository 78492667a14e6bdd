"""The WSGI entry point builds the extraction catalogue before any request, and an extraction
answers from what it just wrote without reading it back."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from extraction.adapter import extract as adapter
from tests.personas import client_for
from tests.reports.helpers import upload


@pytest.mark.django_db
def test_wsgi_module_builds_the_catalogue_at_import() -> None:
    import cfipros.wsgi

    adapter.reset_catalog()
    assert adapter._catalog is None
    importlib.reload(cfipros.wsgi)
    assert adapter._catalog is not None


@pytest.mark.django_db
def test_anonymous_extraction_costs_ten_queries(pdf: bytes) -> None:
    """Durability setting, the report, the catalogue lookup of its codes, the codes, the national
    statistics of its codes and of its exam (one upsert each); for the quota: the anonymous plan,
    the day's record read as its Redis counter starts, its write; and for the answer, the national
    picture of its exam (read once, then cached for minutes; its codes are not read for an exam
    with fewer than 5 reports)."""
    client = client_for(None)
    with CaptureQueriesContext(connection) as queries:
        response = upload(client, pdf)
    assert response.status_code == 201
    # The test's own transaction turns the view's atomic block into a savepoint; those don't count.
    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 10, statements

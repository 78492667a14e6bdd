"""Catalogue admin: searchable, filterable, no N+1 on the changelist, keys read-only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from extraction.models import AcsDocument, AcsElement

pytestmark = pytest.mark.django_db

ELEMENTS = "/admin/extraction/acselement/"
DOCUMENTS = "/admin/extraction/acsdocument/"


def test_element_changelist_search_and_filters(admin_client: Client, loaded_catalog: Path) -> None:
    response = admin_client.get(ELEMENTS, {"q": "PA.IX.B"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 5
    response = admin_client.get(ELEMENTS, {"q": "certificate privileges"})
    assert [el.code for el in response.context["cl"].result_list] == ["PA.I.A.K1"]
    response = admin_client.get(ELEMENTS, {"prefix": "CA", "element_type": "K", "area": "I"})
    assert response.context["cl"].result_count == 3


def test_element_changelist_query_count_does_not_grow(
    admin_client: Client, loaded_catalog: Path, django_assert_max_num_queries: Any
) -> None:
    admin_client.get(ELEMENTS)
    with django_assert_max_num_queries(12):
        response = admin_client.get(ELEMENTS)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 65


def test_element_keys_are_read_only_and_text_is_editable(admin_client: Client, loaded_catalog: Path) -> None:
    element = AcsElement.objects.get(code="PA.I.A.K1")
    url = f"{ELEMENTS}{element.pk}/change/"
    response = admin_client.get(url)
    assert response.status_code == 200
    form_fields = set(response.context["adminform"].form.fields)
    assert {"description", "topic", "area_title", "task_title", "exam_codes"} <= form_fields
    assert not {"code", "edition", "prefix", "document"} & form_fields
    response = admin_client.post(
        url,
        {
            "area_title": element.area_title,
            "task_title": element.task_title,
            "description": "Corrected wording.",
            "topic": element.topic,
            "exam_codes": '["PAR"]',
        },
    )
    assert response.status_code == 302
    element.refresh_from_db()
    assert element.description == "Corrected wording."
    assert element.code == "PA.I.A.K1"
    assert admin_client.get(f"{ELEMENTS}add/").status_code == 403


def test_document_changelist_counts_elements(admin_client: Client, loaded_catalog: Path) -> None:
    response = admin_client.get(DOCUMENTS)
    assert response.status_code == 200
    counts = {doc.prefix: doc.element_count for doc in response.context["cl"].result_list}
    assert counts == {"CA": 3, "FI": 2, "PA": 60}
    document = AcsDocument.objects.get(prefix="PA")
    response = admin_client.get(f"{DOCUMENTS}{document.pk}/change/")
    assert response.status_code == 200
    assert "prefix" not in response.context["adminform"].form.fields
    assert admin_client.get(f"{DOCUMENTS}add/").status_code == 200

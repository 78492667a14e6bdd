"""/api/v1/acs-codes: public, paginated, filtered, searchable, ordered; detail by any code spelling."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

LIST = "/api/v1/acs-codes"
FIELDS = {
    "code",
    "prefix",
    "area",
    "area_title",
    "task",
    "task_title",
    "element_type",
    "number",
    "sub_letter",
    "description",
    "topic",
    "exam_codes",
    "edition",
}


def codes(anonymous_client: APIClient, **params: Any) -> list[str]:
    response = anonymous_client.get(LIST, {"limit": 200, **params})
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["results"]]


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    assert body["status"] == status
    return body


def test_list_is_public_and_paginated(anonymous_client: APIClient, loaded_catalog: Path) -> None:
    response = anonymous_client.get(LIST, {"limit": 5})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 65
    assert body["previous"] is None
    assert "offset=5" in body["next"]
    assert len(body["results"]) == 5
    assert set(body["results"][0]) == FIELDS

    last = anonymous_client.get(LIST, {"limit": 5, "offset": 60}).json()
    assert last["next"] is None
    assert last["previous"] is not None
    assert len(last["results"]) == 5


def test_a_bad_bearer_token_does_not_block_the_public_catalogue(
    anonymous_client: APIClient, loaded_catalog: Path
) -> None:
    anonymous_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert anonymous_client.get(LIST).status_code == 200
    assert anonymous_client.get(f"{LIST}/PA.I.A.K1").status_code == 200


def test_default_order_is_catalogue_order(anonymous_client: APIClient, loaded_catalog: Path) -> None:
    result = codes(anonymous_client, prefix="PA", task="A", element_type="K")
    areas = list(dict.fromkeys(code.split(".")[1] for code in result))
    assert areas == ["I", "II", "IV", "V", "IX", "X"]
    assert result[:3] == ["PA.I.A.K1", "PA.I.A.K2", "PA.I.A.K2a"]
    assert codes(anonymous_client, prefix="FI") == ["FI.I.A.K1", "FI.I.A.K10"]


@pytest.mark.parametrize(
    ("params", "expected_count"),
    [
        ({"prefix": "PA"}, 60),
        ({"prefix": "pa"}, 60),
        ({"prefix": "CA"}, 3),
        ({"exam": "PAR"}, 60),
        ({"exam": "par"}, 60),
        ({"exam": "FIA"}, 2),
        ({"exam": "CAX"}, 3),
        ({"exam": "AMG"}, 0),
        ({"element_type": "R"}, 12),
        ({"element_type": "k"}, 41),
        ({"area": "IX"}, 10),
        ({"area": "ix", "task": "b"}, 5),
        ({"prefix": "PA", "area": "I", "task": "A", "element_type": "K"}, 3),
    ],
)
def test_filters(
    anonymous_client: APIClient, loaded_catalog: Path, params: dict[str, str], expected_count: int
) -> None:
    response = anonymous_client.get(LIST, params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == expected_count
    for item in body["results"]:
        if "prefix" in params:
            assert item["prefix"] == params["prefix"].upper()
        if "exam" in params:
            assert params["exam"].upper() in item["exam_codes"]
        if "element_type" in params:
            assert item["element_type"] == params["element_type"].upper()
        if "area" in params:
            assert item["area"] == params["area"].upper()


def test_exam_filter_without_json_containment(
    anonymous_client: APIClient, loaded_catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The text-match path used where the database has no JSON containment (SQLite)."""
    from django.db import connection

    monkeypatch.setattr(connection.features, "supports_json_field_contains", False)
    assert len(codes(anonymous_client, exam="FOI")) == 2
    assert len(codes(anonymous_client, exam="PAR")) == 60
    assert codes(anonymous_client, exam="FOI") == codes(anonymous_client, exam="FIA")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"prefix": "P1"}, "prefix"),
        ({"prefix": "PAX"}, "prefix"),
        ({"exam": "ZZZ"}, "exam"),
        ({"element_type": "Q"}, "element_type"),
        ({"area": "IIIII"}, "area"),
        ({"area": "4"}, "area"),
        ({"task": "AB"}, "task"),
        ({"edition": "x" * 41}, "edition"),
        ({"ordering": "description"}, "ordering"),
        ({"ordering": "code,-nope"}, "ordering"),
    ],
)
def test_invalid_query_values_are_422(
    anonymous_client: APIClient, loaded_catalog: Path, params: dict[str, str], field: str
) -> None:
    body = assert_problem(anonymous_client.get(LIST, params), 422)
    assert set(body["errors"]) == {field}


def test_search_over_code_and_description(anonymous_client: APIClient, loaded_catalog: Path) -> None:
    assert codes(anonymous_client, search="PA.IX.B") == [
        "PA.IX.B.K1",
        "PA.IX.B.K2",
        "PA.IX.B.K2a",
        "PA.IX.B.R1",
        "PA.IX.B.S1",
    ]
    assert codes(anonymous_client, search="pilot certificate privileges") == ["PA.I.A.K1"]
    assert codes(anonymous_client, search="CERTIFICATES") == ["PA.I.A.K1"]
    assert codes(anonymous_client, search="fi.i.a.k1") == ["FI.I.A.K1", "FI.I.A.K10"]
    assert codes(anonymous_client, search="no such words") == []


def test_ordering(anonymous_client: APIClient, loaded_catalog: Path) -> None:
    by_area = codes(anonymous_client, prefix="PA", task="A", element_type="S", ordering="area")
    assert by_area == [f"PA.{area}.A.S1" for area in ("I", "II", "IV", "V", "IX", "X")]
    by_area_desc = codes(anonymous_client, prefix="PA", task="A", element_type="S", ordering="-area")
    assert by_area_desc == list(reversed(by_area))

    by_task = codes(anonymous_client, prefix="PA", element_type="S", ordering="-task,area")
    assert by_task[:2] == ["PA.I.B.S1", "PA.II.B.S1"]
    assert by_task[-1] == "PA.X.A.S1"

    by_prefix = codes(anonymous_client, ordering="-prefix", element_type="K", area="I", task="A")
    assert [code.split(".")[0] for code in by_prefix] == ["PA"] * 3 + ["FI"] * 2 + ["CA"] * 3

    reversed_codes = codes(anonymous_client, ordering="-code", prefix="FI")
    assert reversed_codes == ["FI.I.A.K10", "FI.I.A.K1"]


def test_pages_do_not_overlap(anonymous_client: APIClient, loaded_catalog: Path) -> None:
    seen: list[str] = []
    for offset in range(0, 65, 10):
        seen += [
            item["code"]
            for item in anonymous_client.get(LIST, {"limit": 10, "offset": offset}).json()["results"]
        ]
    assert len(seen) == len(set(seen)) == 65


@pytest.mark.parametrize("limit", [5, 200])
def test_list_costs_at_most_three_queries(
    anonymous_client: APIClient, loaded_catalog: Path, django_assert_max_num_queries: Any, limit: int
) -> None:
    with django_assert_max_num_queries(3):
        response = anonymous_client.get(
            LIST, {"limit": limit, "exam": "PAR", "search": "pa.", "ordering": "area"}
        )
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(limit, 60)
    with django_assert_max_num_queries(3):
        assert anonymous_client.get(LIST, {"limit": limit}).status_code == 200


@pytest.mark.parametrize("spelling", ["PA.I.A.K1", "pa.i.a.k1", "pa-i-a-k1", "Pa.I.a.K1", "PA-I-A-K1"])
def test_detail_accepts_every_spelling(
    anonymous_client: APIClient, loaded_catalog: Path, spelling: str
) -> None:
    response = anonymous_client.get(f"{LIST}/{spelling}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == FIELDS
    assert body["code"] == "PA.I.A.K1"
    assert body["description"] == "Certificates and documents: pilot certificate privileges."
    assert body["area_title"] == "Area I of PA"
    assert body["task_title"] == "Task A of area I"
    assert body["exam_codes"] == ["PAR"]
    assert body["edition"] == "current"


@pytest.mark.parametrize("spelling", ["pa.ix.b.k2a", "pa-ix-b-k2a", "PA.IX.B.K2A"])
def test_detail_keeps_the_sub_letter_lower_case(
    anonymous_client: APIClient, loaded_catalog: Path, spelling: str
) -> None:
    body = anonymous_client.get(f"{LIST}/{spelling}").json()
    assert body["code"] == "PA.IX.B.K2a"
    assert (body["number"], body["sub_letter"]) == (2, "a")


@pytest.mark.parametrize(
    "spelling", ["PA.I.A.K9", "PA.I.A", "not-a-code", "PA.I.A.K1.x", "PLT123", "PA..A.K1"]
)
def test_detail_unknown_code_is_404_problem(
    anonymous_client: APIClient, loaded_catalog: Path, spelling: str
) -> None:
    body = assert_problem(anonymous_client.get(f"{LIST}/{spelling}"), 404)
    assert body["instance"].startswith(LIST)


def test_detail_prefers_the_current_edition(
    anonymous_client: APIClient, catalog_rows: list[dict[str, Any]], tmp_path: Path
) -> None:
    from tests.catalog.conftest import run_loader, write_catalog

    old = dict(catalog_rows[0], edition="FAA-S-ACS-6B", description="Older wording.")
    run_loader(str(write_catalog(tmp_path / "both.json", [old, catalog_rows[0]])))
    body = anonymous_client.get(f"{LIST}/PA.I.A.K1").json()
    assert body["edition"] == "current"
    assert anonymous_client.get(LIST, {"search": "PA.I.A.K1"}).json()["count"] == 2

    older = anonymous_client.get(f"{LIST}/pa-i-a-k1", {"edition": "FAA-S-ACS-6B"}).json()
    assert (older["edition"], older["description"]) == ("FAA-S-ACS-6B", "Older wording.")
    assert codes(anonymous_client, edition="FAA-S-ACS-6B") == ["PA.I.A.K1"]
    body = assert_problem(anonymous_client.get(f"{LIST}/PA.I.A.K1", {"edition": "FAA-S-ACS-5"}), 404)
    assert "FAA-S-ACS-5" in body["detail"]


def test_catalogue_is_read_only(anonymous_client: APIClient, loaded_catalog: Path) -> None:
    assert_problem(anonymous_client.post(LIST, {"code": "PA.I.A.K1"}, format="json"), 405)
    assert_problem(anonymous_client.delete(f"{LIST}/PA.I.A.K1"), 405)


def test_the_plain_representation_is_what_the_declared_fields_give(loaded_catalog: Path) -> None:
    """The serializer reads columns directly; DRF's field-by-field rendering gives the same dict."""
    from rest_framework import serializers

    from extraction.api.catalog.serializers import AcsElementSerializer
    from extraction.models import AcsElement

    for element in AcsElement.objects.filter(code__in=["PA.I.A.K1", "PA.IX.B.K2a", "FI.I.A.K10"]):
        serializer = AcsElementSerializer(element)
        by_fields = serializers.ModelSerializer.to_representation(serializer, element)
        assert serializer.data == dict(by_fields)
        assert set(serializer.data) == FIELDS

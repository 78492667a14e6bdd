"""Catalogue reads: ETag and Cache-Control, 304 on If-None-Match, a new ETag when the data changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from freezegun.api import FrozenDateTimeFactory
from redis.exceptions import ConnectionError as RedisConnectionError
from rest_framework.test import APIClient

from extraction.api.catalog.caching import CACHE_CONTROL
from extraction.catalog.selectors import VERSION_MEMO_SECONDS, acs_catalog_version_get
from extraction.catalog.services import acs_catalog_version_bump, acs_element_update
from extraction.models import AcsCatalogVersion, AcsElement
from tests.catalog.conftest import run_loader, write_catalog

pytestmark = pytest.mark.django_db

LIST = "/api/v1/acs-codes"
DETAIL = f"{LIST}/PA.I.A.K1"
READS = [(LIST, {"search": "pilot", "limit": 5}), (DETAIL, {})]


@pytest.mark.parametrize(("path", "params"), READS)
def test_a_repeated_read_with_if_none_match_is_304(
    anonymous_client: APIClient, loaded_catalog: Path, path: str, params: dict[str, Any]
) -> None:
    first = anonymous_client.get(path, params)
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert first["Cache-Control"] == CACHE_CONTROL == "public, max-age=300"

    again = anonymous_client.get(path, params, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Cache-Control"] == CACHE_CONTROL

    for header in (f"W/{etag}", f'"other", {etag}', "*"):
        assert anonymous_client.get(path, params, HTTP_IF_NONE_MATCH=header).status_code == 304
    stale = anonymous_client.get(path, params, HTTP_IF_NONE_MATCH='"not-this-one"')
    assert stale.status_code == 200
    assert stale.content == first.content


def test_each_url_has_its_own_etag(anonymous_client: APIClient, loaded_catalog: Path) -> None:
    tags = {
        anonymous_client.get(LIST)["ETag"],
        anonymous_client.get(LIST, {"limit": 5})["ETag"],
        anonymous_client.get(LIST, {"search": "pilot"})["ETag"],
        anonymous_client.get(DETAIL)["ETag"],
        anonymous_client.get(f"{LIST}/pa-i-a-k1")["ETag"],
    }
    assert len(tags) == 5
    first_page = anonymous_client.get(LIST)["ETag"]
    other_page = anonymous_client.get(LIST, {"limit": 5}, HTTP_IF_NONE_MATCH=first_page)
    assert other_page.status_code == 200


def test_a_load_that_changes_the_catalogue_changes_every_etag(
    anonymous_client: APIClient, loaded_catalog: Path, catalog_rows: list[dict[str, Any]], tmp_path: Path
) -> None:
    before = {path: anonymous_client.get(path, params) for path, params in READS}
    assert "Reworded" not in before[DETAIL].json()["description"]

    assert "0 created, 0 updated" in run_loader(str(loaded_catalog))
    for path, params in READS:
        unchanged = anonymous_client.get(path, params, HTTP_IF_NONE_MATCH=before[path]["ETag"])
        assert unchanged.status_code == 304

    catalog_rows[0]["description"] = "Reworded: pilot certificate privileges."
    assert "1 updated" in run_loader(str(write_catalog(tmp_path / "changed.json", catalog_rows)))
    for path, params in READS:
        after = anonymous_client.get(path, params, HTTP_IF_NONE_MATCH=before[path]["ETag"])
        assert after.status_code == 200
        assert after["ETag"] != before[path]["ETag"]
    assert anonymous_client.get(DETAIL).json()["description"] == "Reworded: pilot certificate privileges."


def test_a_pruning_load_changes_the_etag(
    anonymous_client: APIClient, loaded_catalog: Path, catalog_rows: list[dict[str, Any]], tmp_path: Path
) -> None:
    etag = anonymous_client.get(LIST)["ETag"]
    assert "1 deleted" in run_loader(str(write_catalog(tmp_path / "fewer.json", catalog_rows[1:])), "--prune")
    response = anonymous_client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["count"] == 64


def test_an_admin_correction_changes_the_etag(
    admin_client: Client, anonymous_client: APIClient, loaded_catalog: Path
) -> None:
    first = anonymous_client.get(DETAIL)
    element = AcsElement.objects.get(code="PA.I.A.K1")
    response = admin_client.post(
        f"/admin/extraction/acselement/{element.pk}/change/",
        {
            "area_title": element.area_title,
            "task_title": element.task_title,
            "description": "Corrected in the admin.",
            "topic": element.topic,
            "exam_codes": '["PAR"]',
        },
    )
    assert response.status_code == 302
    after = anonymous_client.get(DETAIL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200
    assert after.json()["description"] == "Corrected in the admin."


def test_a_correction_that_changes_nothing_keeps_the_stamp(loaded_catalog: Path) -> None:
    element = AcsElement.objects.get(code="PA.I.A.K1")
    stamp = AcsCatalogVersion.objects.get().stamp
    acs_element_update(element=element, data={"description": element.description, "topic": element.topic})
    assert AcsCatalogVersion.objects.get().stamp == stamp
    acs_element_update(element=element, data={"topic": "Documents"})
    assert AcsCatalogVersion.objects.get().stamp != stamp
    element.refresh_from_db()
    assert element.topic == "Documents"
    with pytest.raises(Exception, match="code"):
        acs_element_update(element=element, data={"code": "PA.I.A.K9"})


def test_other_processes_see_a_new_stamp_within_the_memo_time(
    loaded_catalog: Path, frozen_time: FrozenDateTimeFactory
) -> None:
    """A bump in this process is seen at once; one written by another process within a second."""
    seen = acs_catalog_version_get()
    assert acs_catalog_version_bump() == acs_catalog_version_get() != seen
    current = acs_catalog_version_get()
    AcsCatalogVersion.objects.update(stamp="written-elsewhere")
    assert acs_catalog_version_get() == current
    frozen_time.tick(VERSION_MEMO_SECONDS + 0.01)
    assert acs_catalog_version_get() == "written-elsewhere"


@pytest.mark.parametrize(("path", "params"), READS)
def test_a_304_and_a_cached_answer_cost_no_query(
    anonymous_client: APIClient,
    loaded_catalog: Path,
    django_assert_max_num_queries: Any,
    path: str,
    params: dict[str, Any],
    frozen_time: FrozenDateTimeFactory,
) -> None:
    first = anonymous_client.get(path, params)
    with django_assert_max_num_queries(0):
        cached = anonymous_client.get(path, params)
        not_modified = anonymous_client.get(path, params, HTTP_IF_NONE_MATCH=first["ETag"])
    assert (cached.status_code, not_modified.status_code) == (200, 304)
    assert cached.content == first.content
    assert cached["Content-Type"] == first["Content-Type"] == "application/json"


def test_errors_carry_no_etag_and_are_not_cached(anonymous_client: APIClient, loaded_catalog: Path) -> None:
    for response in (
        anonymous_client.get(f"{LIST}/PA.I.A.K9"),
        anonymous_client.get(LIST, {"prefix": "P1"}),
        anonymous_client.get(LIST, {"search": "w " * 9}),
    ):
        assert response.status_code in (404, 422)
        assert "ETag" not in response
        assert response["Content-Type"] == "application/problem+json"
    client = cache._cache.get_client(None)  # type: ignore[attr-defined]
    assert list(client.scan_iter(match="*acs-catalog:*")) == []


def test_the_catalogue_answers_when_the_cache_is_down(
    anonymous_client: APIClient, loaded_catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(*args: Any, **kwargs: Any) -> None:
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    response = anonymous_client.get(LIST, {"search": "pilot privileges"})
    assert response.status_code == 200
    assert [item["code"] for item in response.json()["results"]] == ["PA.I.A.K1"]
    assert "ETag" in response


def test_a_workers_own_copy_is_served_without_asking_redis(
    anonymous_client: APIClient, loaded_catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = anonymous_client.get(DETAIL)
    asked: list[str] = []
    monkeypatch.setattr(cache, "get", lambda key, *args, **kwargs: asked.append(key))
    again = anonymous_client.get(DETAIL)
    assert again.content == first.content and asked == []


def test_a_copy_found_in_redis_is_kept_by_the_worker(
    anonymous_client: APIClient, loaded_catalog: Path
) -> None:
    from extraction.api.catalog.local_copies import local_copies

    first = anonymous_client.get(DETAIL)
    local_copies.clear()  # as another worker would be: only Redis has the copy
    assert anonymous_client.get(DETAIL).content == first.content
    assert len(local_copies) == 1


def test_local_copies_keep_the_most_recent_within_their_bytes() -> None:
    from extraction.api.catalog.local_copies import LocalCopies

    copies = LocalCopies(max_bytes=10)
    copies.put("a", b"aaaa")
    copies.put("b", b"bbbb")
    assert copies.get("a") == b"aaaa"  # now the most recent
    copies.put("c", b"cccc")  # 12 bytes: the least recent (b) goes
    assert (copies.get("a"), copies.get("b"), copies.get("c")) == (b"aaaa", None, b"cccc")
    assert copies.size == 8
    copies.put("a", b"a")
    assert copies.size == 5
    copies.put("huge", b"x" * 11)
    assert copies.get("huge") is None and len(copies) == 2

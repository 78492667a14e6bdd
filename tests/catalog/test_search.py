"""Catalogue search: every word in the code or the description, capped, indexed on PostgreSQL."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from extraction.api.catalog.filters import AcsSearchFilter
from extraction.catalog import selectors
from extraction.catalog.selectors import (
    SEARCH_MAX_LENGTH,
    SEARCH_MAX_TERM_LENGTH,
    SEARCH_MAX_TERMS,
    SEARCH_PATTERN,
    search_terms_parse,
)
from tests.catalog.conftest import make_rows, write_catalog

pytestmark = pytest.mark.django_db

LIST = "/api/v1/acs-codes"
ROOT = Path(__file__).resolve().parents[2]


def search(client: APIClient, terms: str, **params: Any) -> Any:
    return client.get(LIST, {"search": terms, "limit": 200, **params})


def assert_search_refused(response: Any, words: str) -> None:
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"].endswith("/invalid-search")
    assert set(body["errors"]) == {"search"}
    assert words in body["detail"]


def test_every_word_must_match_code_or_description(anonymous_client: APIClient, loaded_catalog: Path) -> None:
    found = [item["code"] for item in search(anonymous_client, "pilot,  privileges PA.I").json()["results"]]
    assert found == ["PA.I.A.K1"]
    assert search(anonymous_client, "privileges nowhere").json()["count"] == 0
    assert search(anonymous_client, "pa.ix.b.k2").json()["count"] == 2
    assert search(anonymous_client, "  ").json()["count"] == 65


def test_like_wildcards_in_a_word_are_plain_characters(
    anonymous_client: APIClient, loaded_catalog: Path
) -> None:
    assert search(anonymous_client, "%").json()["count"] == 0
    assert search(anonymous_client, "PA_I").json()["count"] == 0
    assert search(anonymous_client, "PA.I.A.K_").json()["count"] == 0


def test_a_search_at_every_cap_is_answered(anonymous_client: APIClient, loaded_catalog: Path) -> None:
    eight_words = "certificates and documents: pilot certificate privileges PA.I.A.K1 ate"
    assert len(eight_words.split()) == SEARCH_MAX_TERMS
    assert search(anonymous_client, eight_words).json()["count"] == 1
    longest_word = "x" * SEARCH_MAX_TERM_LENGTH
    assert search(anonymous_client, longest_word).json()["count"] == 0
    assert search(anonymous_client, " " * SEARCH_MAX_LENGTH).status_code == 200


@pytest.mark.parametrize(
    ("terms", "words"),
    [
        (" ".join(["w"] * (SEARCH_MAX_TERMS + 1)), f"at most {SEARCH_MAX_TERMS} words"),
        ("x" * (SEARCH_MAX_TERM_LENGTH + 1), f"at most {SEARCH_MAX_TERM_LENGTH} characters"),
        ("w " * 101, f"at most {SEARCH_MAX_LENGTH} characters"),
        (" ".join(["weather"] * 400), f"at most {SEARCH_MAX_LENGTH} characters"),
        (" ".join(["weather"] * 1300), f"at most {SEARCH_MAX_LENGTH} characters"),
        ("wea\x7fther", "control characters"),
        ("weather\tminimums", "control characters"),
    ],
)
def test_searches_past_a_cap_are_422_before_any_query(
    anonymous_client: APIClient,
    loaded_catalog: Path,
    django_assert_max_num_queries: Any,
    terms: str,
    words: str,
) -> None:
    anonymous_client.get(LIST)  # the version stamp is read once a second, not per request
    with django_assert_max_num_queries(0):
        response = search(anonymous_client, terms)
    assert_search_refused(response, words)


def test_a_nul_byte_is_no_part_of_a_word() -> None:
    """Refused here too, though a request carrying one is stopped earlier (400 malformed_query)."""
    with pytest.raises(Exception, match="control characters"):
        search_terms_parse("wea\x00ther")


def test_repeated_words_count_toward_the_cap_but_are_searched_once() -> None:
    assert search_terms_parse("fuel,fuel  FUEL") == ["fuel", "FUEL"]
    with pytest.raises(Exception, match="at most 8 words"):
        search_terms_parse(" ".join(["fuel"] * 9))


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "weather",
        " ,weather, minimums ",
        "a b c d e f g h",
        "a b c d e f g h i",
        "x" * 40,
        "x" * 41,
        "abc\n",
        "ab\x00c",
        "é ü",
        "a" * 199 + " ",
        "a " * 100 + "b",
    ],
)
def test_the_contract_pattern_accepts_exactly_what_the_server_does(raw: str) -> None:
    by_contract = len(raw) <= SEARCH_MAX_LENGTH and re.search(SEARCH_PATTERN, raw) is not None
    try:
        search_terms_parse(raw)
    except Exception:
        accepted = False
    else:
        accepted = True
    assert accepted == by_contract


def test_the_contract_states_the_caps() -> None:
    (parameter,) = AcsSearchFilter().get_schema_operation_parameters(view=None)  # type: ignore[arg-type]
    assert parameter["schema"] == {"type": "string", "maxLength": 200, "pattern": SEARCH_PATTERN}
    assert "at most 8 words of at most 40 characters" in parameter["description"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram indexes exist on PostgreSQL only")
def test_postgresql_answers_a_word_from_the_trigram_index(loaded_catalog: Path) -> None:
    """The plan of the real query: a bitmap scan of the description's trigram index, not the table."""
    with connection.cursor() as cursor:
        # 65 rows, where reading the table is cheapest: leave the planner only index conditions.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        queryset = selectors.acs_elements_search(selectors.acs_elements_list(), ["privileges"])
        plan = queryset.explain()
    assert "acs_element_description_trgm" in plan
    assert "acs_element_code_trgm" in plan
    assert [element.code for element in queryset] == ["PA.I.A.K1"]


def test_a_searched_page_sorts_on_an_expression_of_the_prefix(loaded_catalog: Path) -> None:
    """Same order, but no index presorts it: PostgreSQL reads the trigram bitmap, then sorts."""
    searched = selectors.acs_elements_order(
        selectors.acs_elements_search(selectors.acs_elements_list(), ["of"]), []
    )
    plain = selectors.acs_elements_order(selectors.acs_elements_list(), [])
    order_by = lambda queryset: str(queryset.query).split("ORDER BY")[1]  # noqa: E731
    assert order_by(searched).lstrip().startswith('UPPER("extraction_acselement"."prefix")')
    assert order_by(plain).lstrip().startswith('"extraction_acselement"."prefix" ASC')
    by_prefix = selectors.acs_elements_order(
        selectors.acs_elements_search(selectors.acs_elements_list(), ["."]), ["-prefix"]
    )
    assert [e.prefix for e in by_prefix][:1] == ["PA"] and [e.prefix for e in by_prefix][-1] == "CA"
    assert [e.code for e in searched] == [e.code for e in plain.filter(description__icontains="of")]


@pytest.mark.timeout(120)
def test_search_works_on_the_embedded_sqlite_default(tmp_path: Path) -> None:
    """``make run``'s database: migrated (no trigram index there), loaded, searched the same way."""
    catalog = write_catalog(tmp_path / "catalog.json", make_rows())
    script = textwrap.dedent(
        f"""
        import django, json
        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        call_command("migrate", verbosity=0)
        call_command("load_acs_catalog", {str(catalog)!r}, verbosity=0)
        client = Client()
        found = client.get("{LIST}", {{"search": "pilot privileges", "limit": 200}}).json()
        refused = client.get("{LIST}", {{"search": "w " * 9}})
        print(json.dumps({{"vendor": connection.vendor, "codes": [e["code"] for e in found["results"]],
                          "count": client.get("{LIST}", {{"search": "pa.ix.b"}}).json()["count"],
                          "refused": refused.status_code}}))
        """
    )
    env = {
        **{key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "CACHE_REDIS_URL"}},
        "DJANGO_SETTINGS_MODULE": "cfipros.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'embedded.sqlite3'}",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "testserver",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=110
    )
    assert result.returncode == 0, result.stderr
    answer = __import__("json").loads(result.stdout.strip().splitlines()[-1])
    assert answer == {"vendor": "sqlite", "codes": ["PA.I.A.K1"], "count": 5, "refused": 422}


def test_a_search_page_and_its_count_are_one_query(
    anonymous_client: APIClient, loaded_catalog: Path, django_assert_num_queries: Any
) -> None:
    anonymous_client.get(LIST)  # the version stamp is read at most once a second
    with django_assert_num_queries(1):
        body = anonymous_client.get(LIST, {"search": ".", "limit": 5, "offset": 5}).json()
    assert body["count"] == 65
    assert [item["code"] for item in body["results"]] == [
        item["code"] for item in anonymous_client.get(LIST, {"limit": 5, "offset": 5}).json()["results"]
    ]
    with django_assert_num_queries(1):
        assert anonymous_client.get(LIST, {"search": "nowhere"}).json() | {"next": None} == {
            "count": 0, "next": None, "previous": None, "results": []
        }  # fmt: skip


def test_a_search_page_past_the_end_still_counts(anonymous_client: APIClient, loaded_catalog: Path) -> None:
    body = anonymous_client.get(LIST, {"search": "PA.IX", "offset": 40}).json()
    assert (body["count"], body["results"]) == (10, [])
    assert body["previous"] == "http://testserver/api/v1/acs-codes?limit=50&search=PA.IX"


def test_the_filterset_is_built_only_when_a_filter_is_named(
    anonymous_client: APIClient, loaded_catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from extraction.api.catalog.filters import AcsElementFilter

    built: list[object] = []
    original = AcsElementFilter.__init__

    def counting(self: AcsElementFilter, *args: Any, **kwargs: Any) -> None:
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(AcsElementFilter, "__init__", counting)
    assert search(anonymous_client, "privileges", ordering="-code").json()["count"] == 1
    assert built == []
    assert search(anonymous_client, "privileges", prefix="CA").json()["count"] == 0
    assert len(built) == 1
    assert anonymous_client.get(LIST, {"prefix": "P1"}).status_code == 422

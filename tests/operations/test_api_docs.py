"""The API docs pages load everything from this server: they work offline and run no CDN script."""

from __future__ import annotations

import re

import pytest

ATTRIBUTE = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
ABSOLUTE = re.compile(r"(?:https?:)?//", re.IGNORECASE)


@pytest.mark.parametrize("path", ["/api/docs", "/api/redoc"])
def test_docs_page_references_no_external_host(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    references = ATTRIBUTE.findall(html)
    assert references, "the page should load its scripts and styles"
    assert [ref for ref in references if ABSOLUTE.match(ref)] == []
    assert re.search(r"https?://(?!testserver)[\w.-]+", html) is None
    assert any("drf_spectacular_sidecar" in ref for ref in references)


def test_docs_assets_are_found_by_the_static_finders() -> None:
    from django.contrib.staticfiles import finders

    for asset in ("swagger-ui-dist/swagger-ui-bundle.js", "redoc/bundles/redoc.standalone.js"):
        assert finders.find(f"drf_spectacular_sidecar/{asset}") is not None

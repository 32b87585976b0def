"""/docs and /redoc: the API's documentation pages work in a school's network without internet."""

from __future__ import annotations

import re

import pytest
from api_session import Api

MARKERS = {"/docs": b"SwaggerUIBundle", "/redoc": b'getAttribute("spec-url")'}
"""What each page's script must hold: the real viewer (ReDoc's bundle starts itself on the
page's ``<redoc spec-url=…>`` element), not some other file."""


@pytest.mark.parametrize("page_path", sorted(MARKERS))
def test_the_docs_page_loads_everything_from_the_service_itself(api: Api, page_path: str) -> None:
    page = api.client.get(page_path)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    sources = re.findall(r"""(?:src|href|spec-url)=["']([^"']+)["']""", page.text)
    sources += re.findall(r"""url: ?["']([^"']+)["']""", page.text)
    assert sources, page.text
    assert not [url for url in sources if "//" in url], "the page loads something from elsewhere"
    assert not re.search(r"""@import|url\(\s*["']?(?:https?:)?//""", page.text)
    for url in sources:
        asset = api.client.get(url)
        assert asset.status_code == 200, url
        assert asset.content, url
    scripts = [url for url in sources if url.endswith(".js")]
    assert scripts
    assert "/openapi.json" in sources
    assert all(MARKERS[page_path] in api.client.get(url).content for url in scripts)


def test_every_operation_id_is_its_handlers_name_and_unique(api: Api) -> None:
    """Clients' generated code is named after operationIds: each is the handler's own name, so
    it stays when a route's path moves, and no two operations share one."""
    document = api.client.get("/openapi.json").json()
    operations = [
        operation
        for item in document["paths"].values()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    ids = [operation["operationId"] for operation in operations]
    assert len(ids) == len(set(ids)) > 100
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) and "_api_v1" not in i for i in ids), ids
    assert {"record_whole_lesson", "login", "read_audit", "grant_family_role"} <= set(ids)

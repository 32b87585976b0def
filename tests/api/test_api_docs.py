"""/docs: the API's documentation page works in a school's network without internet."""

from __future__ import annotations

import re

from api_session import Api


def test_the_docs_page_loads_everything_from_the_service_itself(api: Api) -> None:
    page = api.client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    sources = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
    sources += re.findall(r"""url: ?["']([^"']+)["']""", page.text)
    assert sources, page.text
    assert not [url for url in sources if "//" in url], "the page loads something from elsewhere"
    for url in sources:
        asset = api.client.get(url)
        assert asset.status_code == 200, url
        assert asset.content, url
    scripts = [url for url in sources if url.endswith(".js")]
    assert scripts
    assert all(b"SwaggerUIBundle" in api.client.get(url).content for url in scripts)
    assert api.client.get("/redoc").status_code == 404  # ReDoc only came from a CDN

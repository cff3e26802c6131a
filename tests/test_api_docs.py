"""/api/docs serves Swagger UI from govcx itself: the CSP (script-src 'self') would block a CDN."""

from __future__ import annotations

import re

import pytest


@pytest.mark.django_db
def test_api_docs_loads_swagger_ui_from_our_own_static_files(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'<(?:script|link)[^>]*?(?:src|href)="([^"]+)"', html)
    assert sources, html
    assert not [s for s in sources if s.startswith(("http://", "https://", "//"))], sources
    assert "cdn" not in html.lower()
    scripts = [s for s in sources if s.endswith(".js")]
    styles = [s for s in sources if s.endswith(".css")]
    assert any("swagger-ui-bundle" in s for s in scripts) and styles
    for source in scripts + styles:
        asset = client.get(source)
        assert asset.status_code == 200, source
        assert b"".join(asset.streaming_content if asset.streaming else [asset.content])

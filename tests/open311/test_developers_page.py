"""The connection guide in the app: discovery URL, keys and curl examples with this site's URLs."""
from __future__ import annotations

import re

import pytest


def test_guide_names_the_discovery_url_keys_and_curl(client, db):
    r = client.get("/developers/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "http://testserver/open311/v2/discovery.json" in html
    assert "http://testserver/api/v1/openapi.json" in html
    assert "linli open311 key create" in html and "linli api-token create USERNAME" in html
    assert html.count("curl ") >= 6
    assert "address_id=X-B1-U1" in html


def test_guide_in_english(client, db):
    client.cookies.load({"django_language": "en"})
    html = client.get("/developers/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Connect a system to Linli" in html


def test_guide_links_work(client, world):
    html = client.get("/developers/").content.decode()
    for url in sorted(set(re.findall(r'href="http://testserver(/[^"]+)"', html))):
        assert client.get(url).status_code == 200, url


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_guide_looks_finished_on_a_phone_and_a_desktop(live_server, phone, desktop, artifacts_dir):
    for page, name in ((phone, "phone"), (desktop, "desktop")):
        page.goto(live_server.url + "/developers/")
        assert page.locator("h1").inner_text()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], (name, width)
        page.screenshot(path=str(artifacts_dir / f"developers-{name}.png"), full_page=True)

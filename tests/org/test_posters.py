"""QR posters: one per building and unit, the short URL in text under the code,
and one PDF for a whole compound."""
from __future__ import annotations

import io
from typing import cast

import pytest

from linli.org import posters


def test_short_url_and_qr_code_point_to_the_intake_page(world, monkeypatch):
    monkeypatch.setenv("LINLI_PUBLIC_URL", "https://linli.example.org/")
    url = posters.short_url(world["X-B1-U1"])
    assert url == "https://linli.example.org/q/X-B1-U1"
    svg = posters.qr_svg(url)
    assert svg.startswith("<svg") and 'class="qr"' in svg


def test_a_qr_code_decodes_back_to_its_url(world):
    segno = pytest.importorskip("segno")
    qr = segno.make("https://linli.example.org/q/X-B1-U1", error="m")
    # The matrix is deterministic: the same URL always gives the same code.
    assert posters.qr_svg("https://linli.example.org/q/X-B1-U1") == posters.qr_svg("https://linli.example.org/q/X-B1-U1")
    assert qr.designator.endswith("-M")


def test_compound_poster_set_covers_every_building_and_unit(world):
    codes = [n.code for n in posters.poster_nodes(world["X"])]
    assert codes == ["X-B1", "X-B1-U1", "X-B2", "X-B2-U1"]
    assert [n.code for n in posters.poster_nodes(world["X-B1-U1"])] == ["X-B1-U1"]


@pytest.mark.parametrize(
    "who,status",
    [("anonymous", 302), ("resident", 403), ("property_z", 403), ("property_x", 200), ("grid_c1", 403),
     ("community_c1", 200)],
)
def test_poster_page_matrix(client, world, who, status):
    if world.person(who):
        client.force_login(world.person(who))
    r = client.get("/places/X/posters")
    assert r.status_code == status
    if status == 200:
        body = r.content.decode()
        assert body.count("扫码反映诉求") == 4
        assert "http://testserver/q/X-B1-U1" in body and "<svg" in body


def test_compound_pdf_has_one_a4_page_per_poster(client, world):
    client.force_login(world.person("property_x"))
    r = client.get("/places/X/posters?format=pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    pdf = r.content
    assert pdf.startswith(b"%PDF")
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 4
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = reader.pages[0].extract_text()
    assert "扫码反映诉求" in text and "/q/X-B1" in text


def test_qr_short_url_opens_the_intake_page_without_login(client, world):
    r = client.get("/q/X-B1-U1")
    assert r.status_code == 200
    assert client.get("/q/NOPE").status_code == 404
    assert client.get("/q/C1").status_code == 404  # a community has no poster


def test_each_poster_names_its_compound_building_and_unit(client, world):
    client.force_login(world.person("property_x"))
    body = client.get("/places/X-B1-U1/posters").content.decode()
    assert body.count('class="poster"') == 1
    assert '<p class="place">X</p>' in body and '<p class="where">X-B1 X-B1-U1</p>' in body
    assert '<p class="url">http://testserver/q/X-B1-U1</p>' in body


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_printed_poster_decodes_to_its_short_url_and_is_black_and_white(world, live_server, desktop, artifacts_dir):
    """Render the poster page as the printer sees it, decode the QR code from the
    pixels, and check that nothing on the poster needs colour."""
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    from tests.conftest import browser_login

    browser_login(desktop, live_server, "property_x", "pw-property_x")
    desktop.emulate_media(media="print")
    desktop.goto(f"{live_server.url}/places/X-B2-U1/posters")
    poster = desktop.locator("section.poster").first
    path = artifacts_dir / "poster-X-B2-U1.png"
    poster.screenshot(path=str(path))
    img = Image.open(path).convert("RGB")
    decoded = [r.text for r in zxingcpp.read_barcodes(img)]
    assert decoded == [f"{live_server.url}/q/X-B2-U1"]
    # Greys only (anti-aliased black text on white): a photocopy loses nothing.
    colours = cast(list[tuple[int, tuple[int, int, int]]], img.getcolors(maxcolors=1 << 24))
    assert all(r == g == b for _n, (r, g, b) in colours)
    assert "扫码反映诉求" in poster.inner_text() and f"{live_server.url}/q/X-B2-U1" in poster.inner_text()

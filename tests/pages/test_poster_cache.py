"""Item 15 of issue 12: a compound's poster PDF is made once per version of its
places and read back from the disk cache; a change of name makes it anew."""
from __future__ import annotations

import pytest

from linli.org import posters


@pytest.fixture
def renders(monkeypatch, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    calls: list[str] = []
    real = posters.render_pdf

    def counting(html, **kw):
        calls.append(html)
        return real(html, **kw)

    monkeypatch.setattr(posters, "render_pdf", counting)
    return calls


def test_the_second_pdf_of_a_compound_comes_from_the_cache(client, world, renders, tmp_path):
    client.force_login(world.person("property_x"))
    first = client.get("/places/X/posters?format=pdf")
    second = client.get("/places/X/posters?format=pdf")
    assert first.status_code == second.status_code == 200
    assert len(renders) == 1
    assert second.content == first.content and first.content.startswith(b"%PDF")
    assert len(list((tmp_path / "cache" / "posters").glob("*.pdf"))) == 1


def test_renaming_a_building_makes_the_pdf_anew_and_drops_the_stale_one(client, world, renders, tmp_path):
    client.force_login(world.person("property_x"))
    client.get("/places/X/posters?format=pdf")
    building = world["X-B1"]
    building.name = "一号楼"
    building.save(update_fields=["name"])
    r = client.get("/places/X/posters?format=pdf")
    assert len(renders) == 2 and "一号楼" in renders[1] and "一号楼" not in renders[0]
    files = list((tmp_path / "cache" / "posters").glob("*.pdf"))
    assert len(files) == 1 and files[0].read_bytes() == r.content
    # another place set (one building) has its own file beside the compound's
    client.get("/places/X-B2/posters?format=pdf")
    assert len(renders) == 3
    assert len(list((tmp_path / "cache" / "posters").glob("*.pdf"))) == 2

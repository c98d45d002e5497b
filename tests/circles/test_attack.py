"""A hostile or clumsy user: odd bytes in the search, another shop's entry."""
from __future__ import annotations

import pytest

from linli.circles.models import Entry

ODD = ["\x00", "\u202e<b>x</b>", "😀" * 50, "²①", "x" * 10_000, "%00", "<script>alert(1)</script>"]


@pytest.mark.parametrize("q", ODD)
def test_odd_bytes_in_the_search_are_harmless_and_escaped(cw, client, q):
    r = client.get("/circles/C1/", {"q": q, "circle": q, "category": q, "from": q})
    assert r.status_code in (200, 400)  # NUL: refused as a bad request
    assert "<script>alert(1)</script>" not in r.content.decode()
    assert "<b>x</b>" not in r.content.decode()


def test_a_shop_s_staff_cannot_edit_another_shop_s_entry(cw, client):
    before = Entry.objects.get(pk=cw.shop.pk).description
    client.force_login(cw.person("cashier2"))
    r = client.post(f"/circles/entries/{cw.shop.pk}/edit", {"description": "被改了"})
    assert r.status_code in (403, 404)
    assert Entry.objects.get(pk=cw.shop.pk).description == before

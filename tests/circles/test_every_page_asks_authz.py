"""Every service-circle page asks the one authorisation function (or sends to
sign in), for anonymous and for a resident, GET and POST; every POST form carries
the CSRF token (as tests/test_every_page_asks_authz.py does for other apps)."""
from __future__ import annotations

import pytest
from django.urls import reverse

from tests.authz_walk import app_patterns, forms_without_csrf, silent_api_reads, silent_pages


def circle_patterns():
    return app_patterns("linli.circles.urls")


def kwargs_for(pattern, cw):
    out = {}
    for param in pattern.pattern.converters:
        out[param] = cw.shop.pk if param == "pk" else "C1"
    return out


def test_the_walk_covers_the_pages():
    assert {p.name for p in circle_patterns()} == {
        "circles_index", "circles_entry", "circles_edit", "circles_hidden", "circles_search", "circles_new",
        "circles_locations"}


@pytest.mark.parametrize("who", ["anonymous", "resident", "cashier2"])
def test_every_page_and_action_asks_the_authorisation_function(cw, client, monkeypatch, who):
    if who != "anonymous":
        client.force_login(cw.person(who))
    urls = [(p.name, reverse(p.name, kwargs=kwargs_for(p, cw))) for p in circle_patterns()]
    silent = silent_pages(client, monkeypatch, urls)
    assert silent == [], "\n".join(silent)


def test_every_form_carries_a_csrf_token(cw, client):
    client.force_login(cw.person("admin"))
    urls = [(p.name, reverse(p.name, kwargs=kwargs_for(p, cw))) for p in circle_patterns()]
    missing, pages_with_forms = forms_without_csrf(client, urls)
    assert missing == [] and pages_with_forms >= 4


@pytest.mark.parametrize("who", ["anonymous", "resident", "cashier2"])
def test_every_api_read_asks_the_authorisation_function(cw, client, monkeypatch, who):
    if who != "anonymous":
        client.force_login(cw.person(who))
    silent = silent_api_reads(client, monkeypatch, "/api/v1/circles/", lambda _t, param: cw.shop.pk if param == "id" else "C1", operations=3)
    assert silent == [], "\n".join(silent)

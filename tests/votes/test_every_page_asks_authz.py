"""Every owners'-vote page asks the one authorisation function (or sends to sign
in), for anonymous and for an owner, GET and POST; every POST form carries the
CSRF token (as tests/test_every_page_asks_authz.py does for other apps)."""
from __future__ import annotations

import pytest
from django.urls import reverse

from linli.deliberation.votes import services
from tests.authz_walk import app_patterns, forms_without_csrf, silent_api_reads, silent_pages


def vote_patterns():
    return app_patterns("linli.deliberation.votes.urls")


@pytest.fixture
def with_entry(vw):
    vw.entry = services.paper_enter(vote=vw.vote, household_code="X-102", choice="yes", by=vw.person("teller1"))
    return vw


def kwargs_for(pattern, vw):
    out = {}
    for param in pattern.pattern.converters:
        if param == "pk":
            out[param] = vw.entry.pk if pattern.name == "votes_resolve" else vw.vote.pk
        elif param == "code":
            out[param] = "X"
    return out


def test_the_walk_covers_the_pages():
    assert len(list(vote_patterns())) == 13


@pytest.mark.parametrize("who", ["anonymous", "owner"])
def test_every_page_and_action_asks_the_authorisation_function(with_entry, client, monkeypatch, who):
    if who != "anonymous":
        client.force_login(with_entry.person(who))
    urls = [(p.name, reverse(p.name, kwargs=kwargs_for(p, with_entry))) for p in vote_patterns()]
    silent = silent_pages(client, monkeypatch, urls)
    assert silent == [], "\n".join(silent)


def test_every_form_carries_a_csrf_token(with_entry, client):
    client.force_login(with_entry.person("admin"))
    urls = [(p.name, reverse(p.name, kwargs=kwargs_for(p, with_entry))) for p in vote_patterns()]
    missing, pages_with_forms = forms_without_csrf(client, urls)
    assert missing == [] and pages_with_forms >= 4


@pytest.mark.parametrize("who", ["anonymous", "owner"])
def test_every_api_read_asks_the_authorisation_function(vw, client, monkeypatch, who):
    if who != "anonymous":
        client.force_login(vw.person(who))
    silent = silent_api_reads(client, monkeypatch, "/api/v1/votes/", lambda _t, param: vw.vote.pk if param == "pk" else "X", operations=4)
    assert silent == [], "\n".join(silent)

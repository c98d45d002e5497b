"""Every owners'-vote page asks the one authorisation function (or sends to sign
in), for anonymous and for an owner, GET and POST; every POST form carries the
CSRF token (as tests/test_every_page_asks_authz.py does for other apps)."""
from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, get_resolver, reverse

from linli import authz
from linli.deliberation.votes import services
from tests.test_every_page_asks_authz import Recording


def vote_patterns():
    for p in get_resolver().url_patterns:
        if getattr(getattr(p, "urlconf_name", None), "__name__", "") == "linli.deliberation.votes.urls":
            yield from (x for x in p.url_patterns if isinstance(x, URLPattern))


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
    rec = Recording(authz.RULES)
    monkeypatch.setattr(authz, "RULES", rec)
    silent = []
    for pattern in vote_patterns():
        url = reverse(pattern.name, kwargs=kwargs_for(pattern, with_entry))
        for method in ("get", "post"):
            rec.asked.clear()
            response = getattr(client, method)(url)
            if response.status_code == 405:
                continue
            to_login = response.status_code == 302 and response["Location"].startswith("/login/")
            if not rec.asked and not to_login:
                silent.append(f"{method.upper()} {url} ({pattern.name}) -> {response.status_code}")
    assert silent == [], "\n".join(silent)


def test_every_form_carries_a_csrf_token(with_entry, client):
    client.force_login(with_entry.person("admin"))
    missing, pages_with_forms = [], 0
    for pattern in vote_patterns():
        response = client.get(reverse(pattern.name, kwargs=kwargs_for(pattern, with_entry)))
        if response.status_code != 200:
            continue
        forms = re.findall(r"<form\b[^>]*>.*?</form>", response.content.decode(), flags=re.S | re.I)
        posts = [f for f in forms if re.search(r'method=["\']?post', f, flags=re.I)]
        pages_with_forms += bool(posts)
        missing += [pattern.name for f in posts if "csrfmiddlewaretoken" not in f]
    assert missing == [] and pages_with_forms >= 4

"""Every service-circle page asks the one authorisation function (or sends to
sign in), for anonymous and for a resident, GET and POST; every POST form carries
the CSRF token (as tests/test_every_page_asks_authz.py does for other apps)."""
from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, get_resolver, reverse

from linli import authz
from tests.test_every_page_asks_authz import Recording


def circle_patterns():
    for p in get_resolver().url_patterns:
        if getattr(p, "urlconf_name", None) is not None and getattr(p.urlconf_name, "__name__", "") == "linli.circles.urls":
            yield from (x for x in p.url_patterns if isinstance(x, URLPattern))


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
    rec = Recording(authz.RULES)
    monkeypatch.setattr(authz, "RULES", rec)
    silent = []
    for pattern in circle_patterns():
        url = reverse(pattern.name, kwargs=kwargs_for(pattern, cw))
        for method in ("get", "post"):
            rec.asked.clear()
            response = getattr(client, method)(url)
            if response.status_code == 405:
                continue
            to_login = response.status_code == 302 and response["Location"].startswith("/login/")
            if not rec.asked and not to_login:
                silent.append(f"{method.upper()} {url} ({pattern.name}) -> {response.status_code}")
    assert silent == [], "\n".join(silent)


def test_every_form_carries_a_csrf_token(cw, client):
    client.force_login(cw.person("admin"))
    missing, pages_with_forms = [], 0
    for pattern in circle_patterns():
        response = client.get(reverse(pattern.name, kwargs=kwargs_for(pattern, cw)))
        if response.status_code != 200:
            continue
        forms = re.findall(r"<form\b[^>]*>.*?</form>", response.content.decode(), flags=re.S | re.I)
        posts = [f for f in forms if re.search(r'method=["\']?post', f, flags=re.I)]
        pages_with_forms += bool(posts)
        missing += [pattern.name for f in posts if "csrfmiddlewaretoken" not in f]
    assert missing == [] and pages_with_forms >= 4

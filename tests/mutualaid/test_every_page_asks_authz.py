"""Every mutual-aid page asks the one authorisation function (or sends to sign
in), for anonymous and for a resident, GET and POST; every POST form carries
the CSRF token (as tests/test_every_page_asks_authz.py does for other apps)."""
from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, get_resolver, reverse

from linli import authz
from tests.test_every_page_asks_authz import Recording


def aid_patterns():
    for p in get_resolver().url_patterns:
        if getattr(p, "urlconf_name", None) is not None and getattr(p.urlconf_name, "__name__", "") == "linli.mutualaid.urls":
            yield from (x for x in p.url_patterns if isinstance(x, URLPattern))


def kwargs_for(pattern, aidworld):
    out = {}
    for param in pattern.pattern.converters:
        if param == "pk":
            out[param] = {"aid_task": aidworld.task.pk, "aid_volunteer_decide": aidworld.volunteer.pk}.get(
                pattern.name, aidworld.slot.pk if "slot" in str(pattern.pattern) else None)
            if out[param] is None:  # sign-up actions
                from linli.mutualaid.models import SignUp

                out[param] = SignUp.objects.first().pk
        elif param == "code":
            out[param] = aidworld.shop.code if "shops" in str(pattern.pattern) else "C1"
        elif param == "token":
            out[param] = aidworld.slot.token
    return out


@pytest.fixture
def signed_up(aidworld):
    import datetime as dt

    from linli.mutualaid import services as aid

    aid.signup_create(slot=aidworld.slot, by=aidworld.person("resident"), now=aidworld.start - dt.timedelta(days=1))
    return aidworld


def test_the_walk_covers_the_pages():
    assert len(list(aid_patterns())) >= 19


@pytest.mark.parametrize("who", ["anonymous", "owner"])
def test_every_page_and_action_asks_the_authorisation_function(signed_up, client, monkeypatch, who):
    if who != "anonymous":
        client.force_login(signed_up.person(who))
    rec = Recording(authz.RULES)
    monkeypatch.setattr(authz, "RULES", rec)
    silent = []
    for pattern in aid_patterns():
        url = reverse(pattern.name, kwargs=kwargs_for(pattern, signed_up))
        for method in ("get", "post"):
            rec.asked.clear()
            response = getattr(client, method)(url)
            if response.status_code == 405:
                continue
            to_login = response.status_code == 302 and response["Location"].startswith("/login/")
            if not rec.asked and not to_login:
                silent.append(f"{method.upper()} {url} ({pattern.name}) -> {response.status_code}")
    assert silent == [], "\n".join(silent)


def test_every_form_carries_a_csrf_token(signed_up, client):
    client.force_login(signed_up.person("admin"))
    missing, pages_with_forms = [], 0
    for pattern in aid_patterns():
        response = client.get(reverse(pattern.name, kwargs=kwargs_for(pattern, signed_up)))
        if response.status_code != 200:
            continue
        forms = re.findall(r"<form\b[^>]*>.*?</form>", response.content.decode(), flags=re.S | re.I)
        posts = [f for f in forms if re.search(r'method=["\']?post', f, flags=re.I)]
        pages_with_forms += bool(posts)
        missing += [pattern.name for f in posts if "csrfmiddlewaretoken" not in f]
    assert missing == [] and pages_with_forms >= 5

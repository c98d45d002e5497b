"""Every mutual-aid page asks the one authorisation function (or sends to sign
in), for anonymous and for a resident, GET and POST; every POST form carries
the CSRF token (as tests/test_every_page_asks_authz.py does for other apps)."""
from __future__ import annotations

import pytest
from django.urls import reverse

from tests.authz_walk import app_patterns, forms_without_csrf, silent_pages


def aid_patterns():
    return app_patterns("linli.mutualaid.urls")


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
    urls = [(p.name, reverse(p.name, kwargs=kwargs_for(p, signed_up))) for p in aid_patterns()]
    silent = silent_pages(client, monkeypatch, urls)
    assert silent == [], "\n".join(silent)


def test_every_form_carries_a_csrf_token(signed_up, client):
    client.force_login(signed_up.person("admin"))
    urls = [(p.name, reverse(p.name, kwargs=kwargs_for(p, signed_up))) for p in aid_patterns()]
    missing, pages_with_forms = forms_without_csrf(client, urls)
    assert missing == [] and pages_with_forms >= 5

"""Every questionnaire page asks the one authorisation function (or sends to
sign in), for anonymous and for a resident, GET and POST; every POST form
carries the CSRF token (as tests/test_every_page_asks_authz.py does for other apps)."""
from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, get_resolver, reverse

from linli import authz
from tests.test_every_page_asks_authz import Recording


def survey_patterns():
    for p in get_resolver().url_patterns:
        if getattr(p, "urlconf_name", None) is not None and getattr(p.urlconf_name, "__name__", "") == "linli.surveys.urls":
            yield from (x for x in p.url_patterns if isinstance(x, URLPattern))


def kwargs_for(pattern, sv):
    out: dict = {}
    if "pk" in pattern.pattern.converters:
        out["pk"] = sv.survey.pk
    if "fmt" in pattern.pattern.converters:
        out["fmt"] = "csv"
    return out


def test_the_walk_covers_the_pages():
    assert {p.name for p in survey_patterns()} == {"surveys_list", "surveys_new", "surveys_detail", "surveys_results",
                                                     "surveys_export", "surveys_close"}


@pytest.mark.parametrize("who", ["anonymous", "resident"])
def test_every_page_and_action_asks_the_authorisation_function(sv, client, monkeypatch, who):
    if who != "anonymous":
        client.force_login(sv.person(who))
    rec = Recording(authz.RULES)
    monkeypatch.setattr(authz, "RULES", rec)
    silent = []
    for pattern in survey_patterns():
        url = reverse(pattern.name, kwargs=kwargs_for(pattern, sv))
        for method in ("get", "post"):
            rec.asked.clear()
            response = getattr(client, method)(url)
            if response.status_code == 405:
                continue
            to_login = response.status_code == 302 and response["Location"].startswith("/login/")
            if not rec.asked and not to_login:
                silent.append(f"{method.upper()} {url} ({pattern.name}) -> {response.status_code}")
    assert silent == [], "\n".join(silent)


def test_every_form_carries_a_csrf_token(sv, client):
    client.force_login(sv.person("admin"))
    missing, pages_with_forms = [], 0
    from linli.org import services as org
    from linli.org.models import Role

    org.role_assign(person=sv.person("admin"), role=Role.RESIDENT, node=sv.world["X-201"], by=None)
    for pattern in survey_patterns():
        response = client.get(reverse(pattern.name, kwargs=kwargs_for(pattern, sv)))
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        forms = re.findall(r"<form\b[^>]*>.*?</form>", response.content.decode(), flags=re.S | re.I)
        posts = [f for f in forms if re.search(r'method=["\']?post', f, flags=re.I)]
        pages_with_forms += bool(posts)
        missing += [pattern.name for f in posts if "csrfmiddlewaretoken" not in f]
    assert missing == [] and pages_with_forms >= 2

"""Every questionnaire page asks the one authorisation function (or sends to
sign in), for anonymous and for a resident, GET and POST; every POST form
carries the CSRF token (as tests/test_every_page_asks_authz.py does for other apps)."""
from __future__ import annotations

import pytest
from django.urls import reverse

from tests.authz_walk import app_patterns, forms_without_csrf, silent_api_reads, silent_pages


def survey_patterns():
    return app_patterns("linli.surveys.urls")


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
    urls = [(p.name, reverse(p.name, kwargs=kwargs_for(p, sv))) for p in survey_patterns()]
    silent = silent_pages(client, monkeypatch, urls)
    assert silent == [], "\n".join(silent)


def test_every_form_carries_a_csrf_token(sv, client):
    client.force_login(sv.person("admin"))
    from linli.org import services as org
    from linli.org.models import Role

    org.role_assign(person=sv.person("admin"), role=Role.RESIDENT, node=sv.world["X-201"], by=None)
    urls = [(p.name, reverse(p.name, kwargs=kwargs_for(p, sv))) for p in survey_patterns()]
    missing, pages_with_forms = forms_without_csrf(client, urls)
    assert missing == [] and pages_with_forms >= 2


@pytest.mark.parametrize("who", ["anonymous", "resident"])
def test_every_api_read_asks_the_authorisation_function(sv, client, monkeypatch, who):
    if who != "anonymous":
        client.force_login(sv.person(who))
    silent = silent_api_reads(client, monkeypatch, "/api/v1/surveys", lambda _t, param: sv.survey.pk if param == "id" else "csv", operations=4)
    assert silent == [], "\n".join(silent)

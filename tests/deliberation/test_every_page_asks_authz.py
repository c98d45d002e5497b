"""Every deliberation page asks the one authorisation function (or sends to sign
in), for anonymous, a resident and community staff out of scope, GET and POST;
every POST form carries the CSRF token (as tests/test_every_page_asks_authz.py
does for other apps)."""
from __future__ import annotations

import pytest
from django.urls import reverse

from linli.deliberation import services as dlb
from linli.deliberation.models import Milestone
from tests.authz_walk import app_patterns, forms_without_csrf, silent_api_reads, silent_pages


def dlb_patterns():
    return app_patterns("linli.deliberation.urls")


@pytest.fixture
def full(dstate):
    c1 = dstate.world.person("community_c1")
    dlb.round_select(round=dstate.supporting, approved=[dstate.project.pk], by=c1)
    from django.utils import timezone

    dlb.milestone_add(project=dstate.project, title="采购", amount=1000, due_on=timezone.localdate(), by=c1)
    return dstate


def kwargs_for(pattern, s):
    route = str(pattern.pattern)
    if "<str:code>" in route:
        return {"code": "X"}
    if "<int:pk>" not in route:
        return {}
    for prefix, obj in (("topics", s.topic), ("meetings", s.meeting), ("reviews", s.review), ("reports", s.report),
                        ("rounds", s.supporting), ("projects", s.project)):
        if route.startswith(f"deliberation/{prefix}/"):
            return {"pk": obj.pk}
    assert route.startswith("deliberation/milestones/")
    return {"pk": Milestone.objects.first().pk}


def test_the_walk_covers_the_pages():
    assert len(list(dlb_patterns())) >= 30


@pytest.mark.parametrize("who", ["anonymous", "resident", "community_c2"])
def test_every_page_and_action_asks_the_authorisation_function(full, client, monkeypatch, who):
    if who != "anonymous":
        client.force_login(full.world.person(who))
    urls = [(p.name, reverse(p.name, kwargs=kwargs_for(p, full))) for p in dlb_patterns()]
    silent = silent_pages(client, monkeypatch, urls)
    assert silent == [], "\n".join(silent)


def test_staff_out_of_scope_is_refused_every_staff_action(full, client):
    client.force_login(full.world.person("community_c2"))
    staff_only = ["dlb_from_case", "dlb_meeting_new", "dlb_review_new", "dlb_round_new", "dlb_topic_take_up",
                  "dlb_topic_decide", "dlb_topic_done", "dlb_agenda_add", "dlb_meeting_notify", "dlb_minutes",
                  "dlb_report_file", "dlb_review_close", "dlb_round_advance", "dlb_round_select",
                  "dlb_project_review", "dlb_milestone_add", "dlb_milestone_done", "dlb_project_progress"]
    by_name = {p.name: p for p in dlb_patterns()}
    got = {name: client.post(reverse(name, kwargs=kwargs_for(by_name[name], full))).status_code for name in staff_only}
    assert got == dict.fromkeys(staff_only, 403)


def test_every_form_carries_a_csrf_token(full, client):
    client.force_login(full.world.person("admin"))
    urls = [(p.name, reverse(p.name, kwargs=kwargs_for(p, full))) for p in dlb_patterns()]
    missing, pages_with_forms = forms_without_csrf(client, urls)
    assert missing == [] and pages_with_forms >= 8


def _api_value(s):
    objects = {"topics": s.topic, "meetings": s.meeting, "reviews": s.review, "rounds": s.supporting,
               "projects": s.project}

    def value(template, param):
        if param == "code":
            return "X"
        return objects[template.split("/")[4]].pk
    return value


@pytest.mark.parametrize("who", ["anonymous", "resident", "community_c2"])
def test_every_api_read_asks_the_authorisation_function(full, client, monkeypatch, who):
    if who != "anonymous":
        client.force_login(full.world.person(who))
    silent = silent_api_reads(client, monkeypatch, "/api/v1/deliberation/", _api_value(full), operations=6)
    assert silent == [], "\n".join(silent)

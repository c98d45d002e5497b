"""Two or more staff taking the same action on the same request at the same
moment (PostgreSQL, threads against the live server): one wins, the others get
a clear 409 in Chinese, and the history records the step once."""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest

from linli.cases import services
from linli.cases.models import Case, CaseEvent, Category, Source
from linli.org import services as org_services

STAFF = ["community_c1", "street_s1", "property_x", "multi"]


def _post(url: str, token: str, body: dict) -> tuple[int, dict]:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def _at_once(live_server, world, case, action: str, body: dict) -> list[tuple[int, dict]]:
    tokens = [org_services.api_token_create(person=world.person(who), by=None)[1] for who in STAFF]
    url = f"{live_server.url}/api/v1/cases/{case.pk}/actions/{action}"
    barrier = threading.Barrier(len(tokens))
    answers: list[tuple[int, dict]] = []

    def one(token):
        barrier.wait()
        answers.append(_post(url, token, body))

    threads = [threading.Thread(target=one, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return sorted(answers, key=lambda a: a[0])


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_staff_accepting_and_dispatching_the_same_request_at_once(live_server, world):
    case = services.case_create(node=world["X-B1-U1"], category=Category.objects.get(code="repair"),
                                description="三楼楼道灯不亮了", source=Source.QR)
    for action, body, status, label in (("accept", {}, "accepted", "已响应"),
                                        ("dispatch", {"to": "property"}, "dispatched", "已派单")):
        answers = _at_once(live_server, world, case, action, body)
        assert [code for code, _ in answers] == [200, 409, 409, 409], answers
        assert answers[0][1]["status"] == status
        assert {a["code"] for _, a in answers[1:]} == {"case_state"}, answers
        assert {a["message"] for _, a in answers[1:]} == {f"现在不能进行此操作：诉求状态为“{label}”。"}, answers
        assert CaseEvent.objects.filter(case=case, action=action).count() == 1
        assert Case.objects.get(pk=case.pk).status == status

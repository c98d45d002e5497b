"""The JSON API twins (/api/v1/surveys/...): the same services as the pages,
CSRF enforced for the session, refusals in Chinese with nothing written."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from linli.org import services as org
from linli.surveys.models import Response, Survey

API = "/api/v1/surveys"


def auth(world, who):
    if who == "anonymous":
        return {}
    _t, raw = org.api_token_create(person=world.person(who), by=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(api_client, world, who, path, body):
    return api_client.post(API + path, data=json.dumps(body), content_type="application/json", **auth(world, who))


def new_survey(**change):
    now = timezone.now()
    body = {"place": "X", "title": "邻里公约", "purpose": "pact", "per": "person", "results_public": True,
            "opens_at": (now - dt.timedelta(hours=1)).isoformat(), "closes_at": (now + dt.timedelta(days=9)).isoformat(),
            "questions": [
                {"kind": "single", "text": "是否同意？", "options": ["同意", "不同意"]},
                {"kind": "text", "text": "理由", "show_if": [1, 2]},
                {"kind": "multiple", "text": "看重哪些条款", "options": ["养犬", "垃圾", "安静"], "max_choices": 2},
                {"kind": "scale", "text": "打分", "scale_min": 0, "scale_max": 10, "scale_min_label": "差"},
                {"kind": "ranking", "text": "排序", "options": ["甲", "乙"]},
                {"kind": "matrix", "text": "评价", "rows": ["保洁", "安保"], "options": ["好", "差"]},
            ]}
    body.update(change)
    return body


def test_create_read_answer_and_see_results(world, api_client):
    r = post(api_client, world, "community_c1", "", new_survey())
    assert r.status_code == 201, r.content
    s = r.json()
    assert (s["url"], s["place_name"], [q["kind"] for q in s["questions"]]) == (
        f"/surveys/{s['id']}/", "X", ["single", "text", "multiple", "scale", "ranking", "matrix"])
    q = s["questions"]
    assert q[1]["show_if"] == {"question": q[0]["id"], "option": q[0]["options"][1]["id"]}
    assert api_client.get(f"{API}/{s['id']}").json()["title"] == "邻里公约"
    assert [x["id"] for x in api_client.get(API).json()] == [s["id"]]
    ids = [[o["id"] for o in x["options"]] for x in q]
    answers = [{"question": q[0]["id"], "option": ids[0][1]}, {"question": q[1]["id"], "text": "养犬条款太严"},
               {"question": q[2]["id"], "options": [ids[2][0]]}, {"question": q[3]["id"], "value": 0},
               {"question": q[4]["id"], "options": [ids[4][1], ids[4][0]]},
               {"question": q[5]["id"], "columns": [ids[5][0], ids[5][1]]}]
    r = post(api_client, world, "resident", f"/{s['id']}/responses", {"answers": answers})
    assert r.status_code == 201, r.content
    r = post(api_client, world, "resident", f"/{s['id']}/responses", {"answers": answers})
    assert (r.status_code, r.json()["code"], r.json()["message"]) == (
        409, "surveys.already_answered", "您已经填写过这份问卷，每人只能填写一次。")
    res = api_client.get(f"{API}/{s['id']}/results").json()
    assert res["total"] == 1
    assert res["questions"][0]["rows"] == [{"label": "同意", "count": 0, "percent": 0, "average_place": None},
                                           {"label": "不同意", "count": 1, "percent": 100, "average_place": None}]
    assert res["questions"][4]["rows"][0] == {"label": "乙", "count": None, "percent": None, "average_place": "1.00"}
    assert res["questions"][5]["matrix"] == [{"row": "保洁", "counts": [1, 0]}, {"row": "安保", "counts": [0, 1]}]
    r = api_client.get(f"{API}/{s['id']}/export.csv", **auth(world, "community_c1"))
    assert r.status_code == 200 and "养犬条款太严" in r.content.decode("utf-8-sig")


def test_a_bad_answer_is_refused_with_its_message_and_nothing_written(world, api_client):
    s = post(api_client, world, "community_c1", "", new_survey()).json()
    q = s["questions"]
    r = post(api_client, world, "resident", f"/{s['id']}/responses",
             {"answers": [{"question": q[0]["id"], "option": q[0]["options"][0]["id"]},
                          {"question": q[1]["id"], "text": "不该回答"}]})
    assert (r.status_code, r.json()["code"], r.json()["message"]) == (
        422, "surveys.answer.hidden", "第 2 题只需在第 1 题选择“不同意”的人回答，请留空。")
    assert Response.objects.count() == 0


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("resident", 403), ("property_x", 403),
                                             ("community_c2", 403), ("community_c1", 201)])
def test_who_creates_through_the_api(world, api_client, who, status):
    r = post(api_client, world, who, "", new_survey())
    assert r.status_code == status
    assert Survey.objects.count() == (1 if status == 201 else 0)


def test_a_session_write_needs_the_csrf_token(world, api_client):
    api_client.force_login(world.person("community_c1"))
    r = api_client.post(API, data=json.dumps(new_survey()), content_type="application/json")
    assert (r.status_code, r.json()["code"]) == (403, "csrf_failed")
    assert Survey.objects.count() == 0
    api_client.get("/surveys/new")  # sets the CSRF cookie
    token = api_client.cookies["csrftoken"].value
    r = api_client.post(API, data=json.dumps(new_survey()), content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert r.status_code == 201


def test_private_results_and_exports_need_staff_in_scope(world, api_client):
    s = post(api_client, world, "community_c1", "", new_survey(results_public=False)).json()
    assert api_client.get(f"{API}/{s['id']}/results").status_code == 403
    assert api_client.get(f"{API}/{s['id']}/results", **auth(world, "property_z")).status_code == 403
    assert api_client.get(f"{API}/{s['id']}/results", **auth(world, "property_x")).status_code == 200
    assert api_client.get(f"{API}/{s['id']}/export.xlsx", **auth(world, "property_x")).status_code == 403
    assert api_client.get(f"{API}/{s['id']}/export.xlsx", **auth(world, "community_c1")).status_code == 200
    assert api_client.get(f"{API}/999999").json()["code"] == "surveys.not_found"


def test_close_through_the_api(world, api_client):
    s = post(api_client, world, "community_c1", "", new_survey()).json()
    assert post(api_client, world, "resident", f"/{s['id']}/close", {}).status_code == 403
    r = post(api_client, world, "community_c1", f"/{s['id']}/close", {})
    assert r.status_code == 200
    r = post(api_client, world, "community_c1", f"/{s['id']}/close", {})
    assert (r.status_code, r.json()["code"]) == (409, "surveys.closed")


def test_bad_question_specs_are_refused(world, api_client):
    body = new_survey(questions=[{"kind": "single", "text": "只有一项", "options": ["是"]}])
    r = post(api_client, world, "community_c1", "", body)
    assert (r.status_code, r.json()["message"]) == (422, "第 1 题：请至少给出两个选项。")
    assert Survey.objects.count() == 0

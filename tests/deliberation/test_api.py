"""The JSON API twins (/api/v1/deliberation/...): the same services as the
pages, CSRF enforced for a signed-in session, refusals in Chinese with nothing
written."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from linli.deliberation.models import Event, Meeting, Project, Rating, Topic
from linli.org import services as org

API = "/api/v1/deliberation"


@pytest.fixture
def api():
    return Client(enforce_csrf_checks=True)


def auth(world, who):
    if who == "anonymous":
        return {}
    _t, raw = org.api_token_create(person=world.person(who), by=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(api, world, who, path, body=None):
    return api.post(API + path, data=json.dumps(body or {}), content_type="application/json", **auth(world, who))


def test_topic_to_minutes_through_the_api(dworld, api):
    w = dworld
    r = post(api, w, "resident", "/compounds/X/topics", {"title": "电梯经常停运", "body": "一周停了三次。"})
    assert r.status_code == 201, r.content
    topic = r.json()
    assert (topic["status"], topic["supporters"], topic["status_label"]) == ("raised", 1, "已提出")
    r = post(api, w, "owner", f"/topics/{topic['id']}/support")
    assert r.json()["supporters"] == 2
    r = post(api, w, "owner", f"/topics/{topic['id']}/support")
    assert (r.status_code, r.json()["code"], r.json()["message"]) == (
        409, "deliberation.already_supported", "您已经关注了这个议题。")
    starts = (timezone.now() + dt.timedelta(days=1)).isoformat()
    r = post(api, w, "committee_x", "/compounds/X/meetings", {
        "kind": "monthly", "title": "月月谈", "starts_at": starts, "place": "议事厅",
        "bodies": ["owners_committee", "property"]})
    assert r.status_code == 201, r.content
    meeting = r.json()["id"]
    r = post(api, w, "committee_x", f"/meetings/{meeting}/agenda", {"topic": topic["id"]})
    assert [i["topic"] for i in r.json()["agenda"]] == [topic["id"]]
    assert post(api, w, "committee_x", f"/meetings/{meeting}/notify").json() == {"participants": 4}
    review_on = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    r = post(api, w, "committee_x", f"/meetings/{meeting}/minutes", {
        "minutes": "讨论电梯维保。", "attendance": [{"name": "张主任", "role": "业委会", "mode": "in_person"}],
        "outcomes": [{"topic": topic["id"], "outcome": "decided", "decision": "更换维保单位。",
                      "responsible": "李经理", "review_on": review_on}]})
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["agenda"][0]["outcome"]) == ("held", "decided")
    public = api.get(f"{API}/topics/{topic['id']}").json()
    assert (public["status"], public["responsible"], public["review_on"]) == ("decided", "李经理", review_on)
    listed = api.get(f"{API}/compounds/X/topics?show=decided").json()
    assert [t["id"] for t in listed] == [topic["id"]]


def test_review_and_fund_through_the_api(dstate, api):
    w = dstate.world
    r = post(api, w, "resident", f"/reports/{dstate.report.pk}/ratings", {"stars": 4, "comment": "不错"})
    assert r.status_code == 201, r.content
    review = api.get(f"{API}/reviews/{dstate.review.pk}").json()
    assert [(x["body"], x["ratings"], x["average"]) for x in review["reports"]] == [("property", 1, "4.0")]
    r = post(api, w, "community_c1", "/places/X/rounds", {"title": "第三批", "amount": 300_000, "method": "knapsack"})
    assert (r.status_code, r.json()["balance"], r.json()["fund_account"]) == (201, 300_000, f"dlb:{r.json()['id']}:fund")
    rnd = r.json()["id"]
    p = post(api, w, "owner", f"/rounds/{rnd}/projects", {"title": "花园", "description": "种花。", "budget": 200_000})
    assert p.status_code == 201, p.content
    pid = p.json()["id"]
    assert post(api, w, "community_c1", f"/projects/{pid}/review", {"eligible": True}).json()["status"] == "eligible"
    assert post(api, w, "community_c1", f"/rounds/{rnd}/advance").json()["status"] == "supporting"
    assert post(api, w, "resident", f"/projects/{pid}/support").json()["supporters"] == 2
    chosen = post(api, w, "community_c1", f"/rounds/{rnd}/select").json()
    assert [(x["status"], x["rank"], x["left_after"]) for x in chosen["projects"]] == [("selected", 1, 100_000)]
    m = post(api, w, "community_c1", f"/projects/{pid}/milestones",
             {"title": "完工", "amount": 200_000, "due_on": timezone.localdate().isoformat()})
    assert m.status_code == 201, m.content
    mid = m.json()["milestones"][0]["id"]
    done = post(api, w, "community_c1", f"/milestones/{mid}/done").json()
    assert done["paid"] == 200_000 and done["milestones"][0]["payment"]
    assert api.get(f"{API}/rounds/{rnd}").json()["balance"] == 100_000
    r = post(api, w, "community_c1", f"/projects/{pid}/progress", {"percent": 100, "note": "已完工。"})
    assert r.json()["status"] == "done"


def test_a_session_write_needs_the_csrf_token(dworld, api):
    api.force_login(dworld.person("resident"))
    r = api.post(f"{API}/compounds/X/topics", data=json.dumps({"title": "无令牌"}), content_type="application/json")
    assert r.status_code == 403
    assert Topic.objects.count() == 0


@pytest.mark.parametrize("who,path,body,status,code", [
    ("anonymous", "/compounds/X/topics", {"title": "匿名"}, 401, None),
    ("resident", "/compounds/X/topics", {"title": ""}, 422, "deliberation.title"),
    ("resident", "/compounds/X/topics", {"title": "x" * 121}, 422, None),
    ("resident", "/compounds/X/topics", {"title": "含\x00空字符"}, 422, None),
    ("resident", "/compounds/Z/topics", {"title": "别的小区"}, 403, "forbidden"),
    ("resident", "/compounds/NOPE/topics", {"title": "没有"}, 404, "deliberation.place"),
    ("community_c2", "/compounds/X/meetings", {"kind": "weekly", "title": "越权", "starts_at": "2026-12-30T10:00:00+08:00",
                                               "place": "p", "bodies": ["owners_committee"]}, 403, "forbidden"),
    ("community_c1", "/compounds/X/meetings", {"kind": "joint", "title": "联席", "starts_at": "2026-12-30T10:00:00+08:00",
                                               "place": "p", "bodies": ["owners_committee"]}, 422, "deliberation.joint"),
    ("community_c1", "/places/X/rounds", {"title": "负数", "amount": -5, "method": "knapsack"}, 422, None),
    ("community_c1", "/places/X/rounds", {"title": "小数", "amount": 1.5, "method": "knapsack"}, 422, None),
    ("community_c1", "/places/X/rounds", {"title": "方法", "amount": 100, "method": "lottery"}, 422,
     "deliberation.method"),
])
def test_bad_input_is_refused_and_nothing_is_written(dworld, api, who, path, body, status, code):
    before = (Topic.objects.count(), Meeting.objects.count(), Event.objects.count(), Project.objects.count())
    r = post(api, dworld, who, path, body)
    assert r.status_code == status, r.content
    if code:
        assert r.json()["code"] == code
    assert (Topic.objects.count(), Meeting.objects.count(), Event.objects.count(), Project.objects.count()) == before


def test_minutes_missing_an_agenda_topic_write_nothing(dstate, api):
    w = dstate.world
    post(api, w, "committee_x", f"/meetings/{dstate.meeting.pk}/agenda", {"topic": dstate.topic.pk})
    events = Event.objects.count()
    r = post(api, w, "committee_x", f"/meetings/{dstate.meeting.pk}/minutes", {
        "minutes": "纪要", "attendance": [{"name": "张主任"}], "outcomes": []})
    assert (r.status_code, r.json()["message"]) == (422, "请为议程中的每个议题给出结果，且只为议程中的议题。")
    r = post(api, w, "committee_x", f"/meetings/{dstate.meeting.pk}/minutes", {
        "minutes": "纪要", "attendance": [{"name": "张主任"}],
        "outcomes": [{"topic": dstate.topic.pk, "outcome": "decided", "decision": "办。"}]})
    assert (r.status_code, r.json()["code"]) == (422, "deliberation.responsible")
    assert Event.objects.count() == events
    assert Meeting.objects.get(pk=dstate.meeting.pk).status == "planned"
    assert Topic.objects.get(pk=dstate.topic.pk).status == "scheduled"
    assert Rating.objects.count() == 0

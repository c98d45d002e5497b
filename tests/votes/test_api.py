"""The JSON API twins (/api/v1/votes/...): the same services as the pages, CSRF
enforced for the session, refusals in Chinese with nothing written, the result
hidden until the close and exact fractions when shown."""
from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone

from linli.deliberation.votes import services
from linli.deliberation.votes.models import Ballot, OwnerRecord, PaperEntry, Proxy, Vote
from linli.org import services as org

API = "/api/v1/votes"


def auth(world, who):
    if who == "anonymous":
        return {}
    _t, raw = org.api_token_create(person=world.person(who), by=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(api, vw, who, path, body=None):
    return api.post(API + path, data=json.dumps(body or {}), content_type="application/json", **auth(vw.world, who))


def get(api, vw, who, path):
    return api.get(API + path, **auth(vw.world, who))


def counts():
    return (Vote.objects.count(), Ballot.objects.count(), PaperEntry.objects.count(), Proxy.objects.count(),
            OwnerRecord.objects.count())


def test_the_whole_path_through_the_api(vw, api_client):
    api, vote = api_client, vw.vote
    r = post(api, vw, "committee", "/compounds/X", {"title": "筹集维修资金", "matter": "fund_raise", "topic_ref": "t:3"})
    assert r.status_code == 201, r.content
    assert (r.json()["status"], r.json()["major"], r.json()["total_area"], r.json()["total_owners"]) == (
        "draft", True, "265.50", 2)
    new = r.json()["id"]
    soon = timezone.now() + dt.timedelta(days=10)
    r = post(api, vw, "committee", f"/{new}/notice", {"opens_at": soon.isoformat(),
                                                      "closes_at": (soon + dt.timedelta(days=5)).isoformat()})
    assert (r.status_code, r.json()["code"], r.json()["message"]) == (
        422, "votes.notice_days", "投票开始时间须在公告发布15天以后。")
    # On the open vote: the owner online, a paper ballot through two tellers, a proxy.
    r = post(api, vw, "owner", f"/{vote.pk}/ballot", {"choice": "yes"})
    assert r.status_code == 201 and r.json()["channel"] == "online"
    r = post(api, vw, "owner", f"/{vote.pk}/ballot", {"choice": "no"})
    assert (r.status_code, r.json()["code"]) == (409, "votes.already_voted")
    r = post(api, vw, "committee", f"/{vote.pk}/proxies", {"household": "X-101", "holder": "resident",
                                                           "document": "委托书第1号"})
    assert r.status_code == 201, r.content
    r = post(api, vw, "resident", f"/proxies/{r.json()['id']}/ballot", {"choice": "abstain"})
    assert (r.status_code, r.json()["channel"]) == (201, "proxy")
    r = post(api, vw, "teller1", f"/{vote.pk}/paper", {"household": "X-201", "choice": "no"})
    assert (r.status_code, r.json()["code"]) == (409, "votes.already_voted")  # same owner as X-101
    # Hidden until the close.
    assert get(api, vw, "anonymous", f"/{vote.pk}/result").status_code == 404
    services.vote_close(vote=vote, by=vw.person("committee"), now=vw.now + dt.timedelta(days=2))
    r = get(api, vw, "anonymous", f"/{vote.pk}/result")
    body = r.json()
    assert r.status_code == 200
    assert (body["valid"], body["passed"], body["area_participation"], body["owner_participation"],
            body["yes_area_share"], body["yes_owner_share"], body["pass_share"]) == (
        True, False, "1/1", "1/1", "1/3", "1/2", "1/2")
    assert body["yes"] == {"owners": 1, "area": "88.50", "area_cents": 8850}
    assert body["by_channel"] == {"online": 1, "paper": 0, "proxy": 1}
    r = post(api, vw, "committee", f"/{vote.pk}/publish")
    assert (r.status_code, r.json()["status"]) == (200, "published")


def test_paper_mismatch_and_resolution_through_the_api(vw, api_client):
    vote = vw.vote
    assert post(api_client, vw, "teller1", f"/{vote.pk}/paper", {"household": "X-102", "choice": "yes"}).json()[
        "status"] == "first"
    r = post(api_client, vw, "teller2", f"/{vote.pk}/paper", {"household": "X-102", "choice": "no"})
    assert r.json()["status"] == "mismatch"
    r = post(api_client, vw, "community_c1", f"/paper/{r.json()['id']}/resolve", {"choice": "no", "note": "核对原件"})
    assert (r.status_code, r.json()["status"]) == (200, "resolved")
    assert list(Ballot.objects.values_list("channel", "choice")) == [("paper", "no")]


def test_session_writes_need_the_csrf_token(vw, api_client):
    api_client.force_login(vw.person("owner"))
    before = counts()
    r = api_client.post(f"{API}/{vw.vote.pk}/ballot", data=json.dumps({"choice": "yes"}),
                        content_type="application/json")
    assert r.status_code == 403 and counts() == before
    api_client.get(f"/votes/{vw.vote.pk}/ballot")  # a page sets the CSRF cookie
    token = api_client.cookies["csrftoken"].value
    r = api_client.post(f"{API}/{vw.vote.pk}/ballot", data=json.dumps({"choice": "yes"}),
                        content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert r.status_code == 201


def test_permissions_through_the_api(vw, api_client):
    before = counts()
    assert post(api_client, vw, "anonymous", f"/{vw.vote.pk}/ballot", {"choice": "yes"}).status_code == 401
    assert post(api_client, vw, "resident", f"/{vw.vote.pk}/ballot", {"choice": "yes"}).status_code == 403
    assert post(api_client, vw, "property_x", f"/{vw.vote.pk}/paper",
                {"household": "X-102", "choice": "yes"}).status_code == 403
    assert post(api_client, vw, "committee_y", "/compounds/X", {"title": "t", "matter": "covenant"}).status_code == 403
    assert post(api_client, vw, "community_c2", f"/{vw.vote.pk}/close").status_code == 403
    assert get(api_client, vw, "owner", "/compounds/X/register").status_code == 403
    assert counts() == before
    assert [v["id"] for v in get(api_client, vw, "anonymous", "/compounds/X").json()] == [vw.vote.pk]


def test_bad_input_through_the_api_writes_nothing(vw, api_client):
    before = counts()
    for path, body in (
        ("/compounds/X", {"title": "t", "matter": "lottery"}),
        ("/compounds/X", {"title": "", "matter": "covenant"}),
        ("/compounds/X", {"title": "t\x00", "matter": "covenant"}),
        ("/compounds/X", {"title": "t" * 201, "matter": "covenant"}),
        ("/compounds/X", {"title": "t", "matter": "covenant", "publicity_days": 0}),
        (f"/{vw.vote.pk}/ballot", {"choice": "maybe"}),
        (f"/{vw.vote.pk}/paper", {"household": "X-102"}),
        (f"/{vw.vote.pk}/paper", {"household": "NOPE", "choice": "yes"}),
        (f"/{vw.vote.pk}/proxies", {"household": "X-101", "holder": "nobody", "document": "委托书"}),
        ("/compounds/X/register/X-101", {"kind": "named", "name": ""}),
        ("/compounds/X/register/X-101", {"kind": "king"}),
    ):
        r = post(api_client, vw, "committee", path, body)
        assert r.status_code in (400, 404, 422), (path, body, r.status_code, r.content)
    assert counts() == before
    assert get(api_client, vw, "anonymous", "/999999").status_code == 404

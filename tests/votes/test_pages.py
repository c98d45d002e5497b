"""The pages as people see them: the notice, the ballot with its confirmation, the
tellers' page, the result sheet (hidden until close, no names for the public), the
register. Chinese, no English words."""
from __future__ import annotations

import datetime as dt
import re

from linli.deliberation.votes import services
from linli.deliberation.votes.models import Ballot, PaperEntry, Vote


def text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_owner_confirms_before_casting(vw, client):
    client.force_login(vw.person("owner"))
    url = f"/votes/{vw.vote.pk}/ballot"
    page = text(client.get(url))
    assert "以第一次投票为准。已交回的纸质选票不会被之后的线上投票替代" in page
    elector = vw.vote.electors.get(household=vw["X-102"])
    r = client.post(url, {"for": f"e{elector.pk}", "choice": "yes"})
    assert "您的意见：同意" in text(r) and Ballot.objects.count() == 0
    r = client.post(url, {"for": f"e{elector.pk}", "choice": "yes", "confirm": "1"})
    assert "投票成功：同意。谢谢您！" in text(r)
    assert list(Ballot.objects.values_list("channel", "choice")) == [("online", "yes")]
    r = client.post(url, {"for": f"e{elector.pk}", "choice": "no", "confirm": "1"})
    assert r.status_code == 422 and "该业主已经投票（线上），不能重复投票，也不能更改。" in text(r)
    assert list(Ballot.objects.values_list("choice", flat=True)) == ["yes"]


def test_bad_ballot_input_writes_nothing(vw, client):
    client.force_login(vw.person("owner"))
    url = f"/votes/{vw.vote.pk}/ballot"
    elector = vw.vote.electors.get(household=vw["X-102"])
    for data in ({"for": f"e{elector.pk}", "choice": "maybe", "confirm": "1"},
                 {"for": "e999999", "choice": "yes", "confirm": "1"},
                 {"for": f"e{elector.pk}", "choice": "yes\x00", "confirm": "1"}):
        r = client.post(url, data)
        assert r.status_code == 422
    assert Ballot.objects.count() == 0


def test_a_resident_who_owns_nothing_may_not_open_the_ballot(vw, client):
    client.force_login(vw.person("resident"))
    assert client.get(f"/votes/{vw.vote.pk}/ballot").status_code == 403


def test_tellers_page_enters_twice(vw, client):
    url = f"/votes/{vw.vote.pk}/tellers"
    client.force_login(vw.person("teller1"))
    r = client.post(url, {"household": "X-102", "choice": "no"}, follow=True)
    assert "第一次录入已保存，请另一位计票人再录入一次。" in text(r)
    client.force_login(vw.person("teller2"))
    r = client.post(url, {"household": "X-102", "choice": "no"}, follow=True)
    assert "第二次录入一致，选票已计入。" in text(r)
    r = client.post(url, {"household": "NOPE", "choice": "no"})
    assert r.status_code == 422 and "本次表决的业主名册中没有这个房屋编码。" in text(r)
    assert PaperEntry.objects.get().status == "matched" and Ballot.objects.get().channel == "paper"
    client.force_login(vw.person("property_x"))
    assert client.get(url).status_code == 403


def test_result_sheet_hidden_until_close_and_without_names(vw, client):
    vote = vw.vote
    services.ballot_cast(vote=vote, elector=vote.electors.get(household=vw["X-102"]), choice="yes",
                         by=vw.person("owner"))
    assert client.get(f"/votes/{vote.pk}/result").status_code == 404
    assert "投票结束后才显示表决结果。" in text(client.get(f"/votes/{vote.pk}/"))
    services.vote_close(vote=vote, by=vw.person("committee"), now=vw.now + dt.timedelta(days=2))
    services.result_publish(vote=vote, by=vw.person("committee"))
    public = text(client.get(f"/votes/{vote.pk}/result"))
    assert "表决无效：参与表决的业主不足" in public and "未通过" in public
    assert "参与表决面积 / 总面积 88.50 / 265.50 33.33% 三分之二以上 否" in public
    assert "操作记录" not in public and "X-102" not in public and "owner" not in public
    sheet = text(client.get(f"/votes/{vote.pk}/result")).split("业主表决结果", 1)[1].split("返回公告")[0]
    assert not re.search(r"[A-Za-z]{2,}", sheet)  # no English words on the sheet
    client.force_login(vw.person("teller1"))
    staff = text(client.get(f"/votes/{vote.pk}/result"))
    assert "操作记录" in staff and "X-102" in staff and "线上投票 · 同意" in staff


def test_list_hides_drafts_from_the_public(vw, client):
    draft = services.vote_create(compound=vw["X"], title="草稿表决", matter="covenant", by=vw.person("committee"))
    assert "草稿表决" not in text(client.get("/votes/compounds/X/"))
    assert client.get(f"/votes/{draft.pk}/").status_code == 404
    client.force_login(vw.person("committee"))
    assert "草稿表决" in text(client.get("/votes/compounds/X/"))


def test_manager_creates_and_publishes_the_notice_from_pages(vw, client):
    client.force_login(vw.person("committee"))
    r = client.post("/votes/compounds/X/new", {"title": "使用维修资金更换电梯", "matter": "fund_use",
                                                "publicity_days": "15"})
    vote = Vote.objects.get(title="使用维修资金更换电梯")
    assert r.status_code == 302 and vote.status == "draft"
    r = client.post(f"/votes/{vote.pk}/notice", {"opens_at": "2026-01-01T09:00", "closes_at": "2026-01-10T09:00"},
                    follow=True)
    assert "投票开始时间须在公告发布15天以后。" in text(r)
    assert Vote.objects.get(pk=vote.pk).status == "draft"
    r = client.post("/votes/compounds/X/new", {"title": "", "matter": "fund_use"})
    assert r.status_code == 422 and Vote.objects.count() == 2
    for days in ("²", "-5", "1_0", "0", "99999"):
        r = client.post("/votes/compounds/X/new", {"title": "t", "matter": "fund_use", "publicity_days": days})
        assert r.status_code == 422 and "公示期为1至90天。" in text(r)
    r = client.post("/votes/compounds/X/new", {"title": "全角天数", "matter": "fund_use", "publicity_days": "１０"})
    assert r.status_code == 302 and Vote.objects.get(title="全角天数").publicity_days == 10


def test_register_page_edits_an_entry(vw, client):
    client.force_login(vw.person("committee"))
    r = client.post("/votes/compounds/X/register", {"household": "X-201", "kind": "developer"}, follow=True)
    assert "业主名册已更新" in text(r) and "建设单位（未售）" in text(r)
    client.force_login(vw.person("owner"))
    assert client.get("/votes/compounds/X/register").status_code == 403


def test_pages_show_no_english_words(vw, client):
    def body(url):
        html = client.get(url).content.decode()
        main = html.split("<main>", 1)[1].split("</main>", 1)[0]
        return text(type("R", (), {"content": main.encode()})())

    pages = [f"/votes/{vw.vote.pk}/", f"/votes/{vw.vote.pk}/ballot", "/votes/compounds/X/"]
    client.force_login(vw.person("owner"))
    for url in pages:
        assert not re.findall(r"[A-Za-z]{2,}", body(url)), url
    client.force_login(vw.person("committee"))
    for url in [*pages[::2], f"/votes/{vw.vote.pk}/tellers", "/votes/compounds/X/new", "/votes/compounds/X/register"]:
        found = [w for w in re.findall(r"[A-Za-z]{2,}", body(url)) if w != "owner"]  # the test world's names
        assert found == [], (url, found)


def test_mismatch_resolved_and_proxy_registered_from_the_tellers_page(vw, client):
    vote = vw.vote
    services.paper_enter(vote=vote, household_code="X-102", choice="yes", by=vw.person("teller1"))
    entry = services.paper_enter(vote=vote, household_code="X-102", choice="no", by=vw.person("teller2"))
    client.force_login(vw.person("committee"))
    page = text(client.get(f"/votes/{vote.pk}/tellers"))
    assert "两次录入不一致，待核对" in page
    r = client.post(f"/votes/paper/{entry.pk}/resolve", {"choice": "yes", "note": ""}, follow=True)
    assert "请说明如何核对（最多300个字）。" in text(r) and Ballot.objects.count() == 0
    r = client.post(f"/votes/paper/{entry.pk}/resolve", {"choice": "yes", "note": "核对原件"}, follow=True)
    assert "已核对，选票已计入。" in text(r)
    assert list(Ballot.objects.values_list("channel", "choice")) == [("paper", "yes")]
    r = client.post(f"/votes/{vote.pk}/proxies", {"household": "X-201", "holder": "nobody", "document": "委托书"},
                    follow=True)
    assert "请填写受托人的账号。" in text(r)
    r = client.post(f"/votes/{vote.pk}/proxies", {"household": "X-201", "holder": "resident", "document": "委托书5号"},
                    follow=True)
    assert "书面委托已登记" in text(r)
    client.force_login(vw.person("resident"))
    page = text(client.get(f"/votes/{vote.pk}/ballot"))
    assert "书面委托投票" in page and "委托书5号" in page
    client.force_login(vw.person("teller1"))
    r = client.post(f"/votes/paper/{entry.pk}/resolve", {"choice": "no", "note": "x"})
    assert r.status_code == 403

"""The pages: Chinese, phones masked, refusals shown on the page with nothing written,
the stairwell QR page's 施工监督 button only while a project runs."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from linli.ledger.models import Transaction
from linli.projects.models import Event, Problem, Project, ScopeItem


def test_the_stairwell_shows_the_supervision_button_only_while_works_run(projworld, client):
    assert "施工监督" not in client.get("/q/X-B1-U1").content.decode()
    p = projworld.run()
    page = client.get("/q/X-B1-U1").content.decode()
    assert f'href="/projects/{p.pk}/supervise?place=X-B1-U1"' in page
    assert "施工监督" not in client.get("/q/Z-B1-U1").content.decode()  # another compound
    assert "施工监督" not in client.get("/q/X-B1-U1/help").content.decode()  # the help form


def test_the_project_page_is_chinese_and_masks_phones(projworld, client):
    page = client.get(f"/projects/{projworld.project.pk}/").content.decode()
    text = re.sub(r"<[^>]+>", " ", page.split("<main", 1)[-1])
    assert "13812345678" not in page and "139****4321" in page
    assert "公示中" in text and "意见征集截止" in text and "自改委" in text
    assert not re.search(r"\b(Budget|Received|Committee|Supervisor|Timeline)\b", text)


def test_a_supervision_report_without_a_kind_is_refused_and_nothing_written(projworld, client):
    p = projworld.run()
    before = Event.objects.count()
    r = client.post(f"/projects/{p.pk}/supervise", {"description": "有问题"})
    assert r.status_code == 422
    assert "请选择问题类型。" in r.content.decode()
    assert Event.objects.count() == before and Problem.objects.count() == 0


def test_no_supervision_before_the_works_start(projworld, client):
    r = client.get(f"/projects/{projworld.project.pk}/supervise")
    assert r.status_code == 200 and "本项目现在不在施工中" in r.content.decode()
    r = client.post(f"/projects/{projworld.project.pk}/supervise", {"kind": "noise", "description": "吵"})
    assert r.status_code == 422 and Problem.objects.count() == 0


def test_publishing_a_notice_from_the_page(projworld, client):
    client.force_login(projworld.staff)
    today = dt.date.today()
    form = {"title": "楼道微更新", "kind": "micro_renewal", "contractor": "甲公司", "supervisor": "乙监理",
            "notice_until": str(today - dt.timedelta(days=1)), "start_date": str(today + dt.timedelta(days=9)),
            "end_date": str(today + dt.timedelta(days=20)), "share_rule": "voluntary", "name_display": "masked"}
    before = (Project.objects.count(), Event.objects.count())
    r = client.post("/projects/c/X/new", form)
    assert r.status_code == 422 and "意见征集应在今天之后、90天之内截止。" in r.content.decode()
    assert (Project.objects.count(), Event.objects.count()) == before
    form["notice_until"] = str(today + dt.timedelta(days=5))
    r = client.post("/projects/c/X/new", form)
    assert r.status_code == 302
    assert Project.objects.filter(title="楼道微更新", status="notice").exists()
    assert "楼道微更新" in client.get("/projects/c/X/").content.decode()


def test_a_manager_s_refusal_comes_back_as_a_message(projworld, client):
    client.force_login(projworld.staff)
    p = projworld.project
    r = client.post(f"/projects/{p.pk}/decide", {"approve": "yes", "note": "同意"}, follow=True)
    assert "意见征集尚未截止。" in r.content.decode()
    assert Project.objects.get(pk=p.pk).status == "notice"


@pytest.mark.parametrize("odd", ["²", "①", "1_000", "-5", "1e3", "12\x00"])
def test_odd_numbers_in_the_manager_s_forms_are_refused_and_nothing_is_written(projworld, client, odd):
    p = projworld.run()
    item = p.items.first()
    client.force_login(projworld.staff)
    before = (Event.objects.count(), ScopeItem.objects.count(), Transaction.objects.count())
    for url, data in ((f"/projects/{p.pk}/items", {"title": "座椅", "quantity": odd, "unit": "个"}),
                      (f"/projects/{p.pk}/record", {"source": "government", "amount": odd}),
                      (f"/projects/{p.pk}/budget", {"source": "government", "planned": odd}),
                      (f"/projects/items/{item.pk}/pay", {"amount": odd, "payee": "川建"})):
        r = client.post(url, data, follow=True)
        assert r.status_code == 200, url
        assert 'class="msg error"' in r.content.decode(), url
    assert (Event.objects.count(), ScopeItem.objects.count(), Transaction.objects.count()) == before


def test_full_width_digits_count(projworld, client):
    p = projworld.run()
    client.force_login(projworld.staff)
    client.post(f"/projects/{p.pk}/record", {"source": "donations", "amount": "６５０元"})
    assert p.contributions.get(source="donations").amount == 65000

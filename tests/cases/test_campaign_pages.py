"""Inspection campaign pages 问题大家找·整改我来办 (seed 000): who may start one, add
participants and register problems; refusals change nothing; the public page
shows found / fixed / rectification rate and every problem."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from linli.cases import services
from linli.cases.models import AssigneeKind, Campaign, Case, Category, Photo
from tests.cases.conftest import local


@pytest.fixture
def campaign(world, clock):
    return services.campaign_create(node=world["X"], title="问题大家找·整改我来办（第1期）", by=world.person("property_x"),
                                    starts_on=dt.date(2026, 11, 1), ends_on=dt.date(2026, 11, 8))


def _login(client, world, who):
    if world.person(who) is not None:
        client.force_login(world.person(who))


def _problem(**over):
    data = {"place": "X-B1", "category": "safety", "description": "消防通道堆放杂物", "responsible": "物业公司",
            "measure": "清理杂物并每日巡查", "due_on": "2026-11-09"}
    data.update(over)
    return data


def test_public_list_and_page_without_login(campaign, client):
    page = client.get("/boards/X/inspections/").content.decode()
    assert f'href="/inspections/{campaign.pk}/"' in page and "发现 0 个，已整改 0 个" in page
    assert "发起一期活动" not in page  # no form for visitors
    detail = client.get(f"/inspections/{campaign.pk}/").content.decode()
    assert "还没有登记问题。" in detail and "登记发现的问题" not in detail and "添加参与人" not in detail


@pytest.mark.parametrize("who, status", [
    ("anonymous", 403), ("resident", 403), ("property_z", 403), ("grid_c1", 403),
    ("property_x", 302), ("community_c1", 302), ("street_s1", 302),
])
def test_who_may_start_a_campaign(world, clock, client, who, status):
    _login(client, world, who)
    response = client.post("/boards/X/inspections/", {"title": "第2期", "starts_on": "2026-11-02",
                                                       "ends_on": "2026-11-09"})
    assert response.status_code == status
    assert Campaign.objects.count() == (1 if status == 302 else 0)
    if status == 302:
        c = Campaign.objects.get()
        assert response["Location"] == f"/inspections/{c.pk}/"
        assert (c.node.code, c.title, c.ends_on) == ("X", "第2期", dt.date(2026, 11, 9))
        assert list(c.participants.all()) == [world.person(who)]


@pytest.mark.parametrize("data, message", [
    ({"title": "第2期", "starts_on": "2026-11-09", "ends_on": "2026-11-02"}, "结束日期不能早于开始日期。"),
    ({"title": "第2期", "starts_on": "11/02/2026", "ends_on": "2026-11-09"}, "请按 年-月-日 填写开始日期。"),
    ({"title": " ", "starts_on": "2026-11-02", "ends_on": "2026-11-09"}, None),
])
def test_bad_campaign_input_changes_nothing(world, clock, client, data, message):
    _login(client, world, "property_x")
    response = client.post("/boards/X/inspections/", data)
    assert response.status_code == 422
    assert Campaign.objects.count() == 0
    page = response.content.decode()
    assert 'class="msg error"' in page
    if message:
        assert message in page
    assert f'value="{data["starts_on"]}"' in page  # the form keeps what was typed


@pytest.mark.parametrize("who, status", [
    ("anonymous", 302), ("resident", 403), ("property_z", 403), ("leader_m1", 403), ("property_x", 302),
    ("community_c1", 302),
])
def test_who_may_add_participants(world, campaign, client, who, status):
    _login(client, world, who)
    response = client.post(f"/inspections/{campaign.pk}/participants", {"person": "resident"})
    assert response.status_code == status
    added = campaign.participants.filter(username="resident").exists()
    assert added == (status == 302 and who != "anonymous")


def test_participant_found_by_phone_and_unknown_one_refused(world, campaign, client):
    _login(client, world, "property_x")
    response = client.post(f"/inspections/{campaign.pk}/participants", {"person": "139 1234 0000"})
    assert response.status_code == 422 and "没有这个用户名或手机号的账号。" in response.content.decode()
    assert campaign.participants.count() == 1
    world.person("owner").phone = "13912340000"
    world.person("owner").save()
    assert client.post(f"/inspections/{campaign.pk}/participants", {"person": "139 1234 0000"}).status_code == 302
    assert set(campaign.participants.values_list("username", flat=True)) == {"property_x", "owner"}


@pytest.mark.parametrize("who, status", [
    ("anonymous", 302), ("owner", 403), ("property_z", 403), ("resident", 302), ("property_x", 302),
])
def test_who_may_register_a_problem(world, campaign, client, who, status):
    services.campaign_participant_add(campaign=campaign, person=world.person("resident"), by=world.person("property_x"))
    _login(client, world, who)
    response = client.post(f"/inspections/{campaign.pk}/problems", _problem())
    assert response.status_code == status
    assert Case.objects.count() == (1 if status == 302 and who != "anonymous" else 0)


def test_registered_problem_is_a_request_with_its_deadline(world, campaign, client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    _login(client, world, "property_x")
    png = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(png, format="PNG")
    png.name = "photo.png"
    png.seek(0)
    response = client.post(f"/inspections/{campaign.pk}/problems", {**_problem(), "photos": png})
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.campaign, case.source, case.node.code, case.responsible, case.plan) == (
        campaign, "campaign", "X-B1", "物业公司", "清理杂物并每日巡查")
    assert case.deadlines.get(clock="finish").due_at == local(2026, 11, 9, 23, 59)
    photo = Photo.objects.get(case=case)
    assert photo.image.name.endswith(".jpg")  # cleaned and re-encoded


@pytest.mark.parametrize("over, message", [
    ({"place": "Y-B1"}, "请选择发现问题的位置。"),        # outside the campaign's compound
    ({"place": ""}, "请选择发现问题的位置。"),
    ({"category": "nope"}, "请选择类别。"),
    ({"due_on": "2026-10-30"}, "整改期限必须晚于现在。"),
    ({"measure": " "}, "请填写责任方和整改措施。"),
    ({"responsible": ""}, "请填写责任方和整改措施。"),
    ({"due_on": "soon"}, "请按 年-月-日 填写时限。"),
])
def test_bad_problem_input_changes_nothing(world, campaign, client, over, message):
    _login(client, world, "property_x")
    response = client.post(f"/inspections/{campaign.pk}/problems", _problem(**over))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Case.objects.count() == 0


def test_public_page_shows_rectification(world, campaign, clock, client):
    by = world.person("property_x")
    repair = Category.objects.get(code="repair")
    fixed = services.campaign_add_problem(campaign=campaign, node=world["X-B1"], category=repair, by=by,
                                          description="单元门坏了，王大爷说的 13900001111", responsible="物业公司",
                                          measure="更换闭门器", due_at=local(2026, 11, 5, 18))
    services.campaign_add_problem(campaign=campaign, node=world["X-B2"], category=repair, by=by,
                                  description="路灯不亮", responsible="社区", measure="报修路灯",
                                  due_at=local(2026, 11, 3, 18))
    services.case_accept(case=fixed, by=by)
    services.case_dispatch(case=fixed, by=by, to=AssigneeKind.PROPERTY)
    services.case_plan(case=fixed, by=by, colour="green", note="更换闭门器")
    services.case_finish(case=fixed, by=by)
    clock.set(local(2026, 11, 4, 9))
    page = client.get(f"/inspections/{campaign.pk}/").content.decode()
    assert '<span class="big">2</span>' in page and '<span class="big">1</span>' in page
    assert '<span class="big">50<small>%</small></span>' in page
    assert "更换闭门器" in page and "报修路灯" in page and "2026-11-05" in page
    assert '<span class="tag green">已整改</span>' in page and '<span class="tag red">已超期</span>' in page
    assert "X X-B1" in page and "X X-B2" in page
    for private in ("王大爷", "13900001111", fixed.tracking_code):
        assert private not in page
    listing = client.get("/boards/C1/inspections/").content.decode()  # rolled up: the community lists it too
    assert "发现 2 个，已整改 1 个" in listing and '<span class="big">50<small>%</small></span>' in listing


def test_public_campaign_page_queries_do_not_grow_with_problems(world, campaign, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    repair = Category.objects.get(code="repair")

    def add(n):
        for i in range(n):
            services.campaign_add_problem(campaign=campaign, node=world["X-B1" if i % 2 else "X-B2"], category=repair,
                                          by=world.person("property_x"), description="门禁坏了", responsible="物业公司",
                                          measure="更换", due_at=local(2026, 11, 9, 18))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/inspections/{campaign.pk}/").status_code == 200
        return len(ctx.captured_queries)

    add(2)
    few = count()
    add(8)
    assert count() == few <= 15

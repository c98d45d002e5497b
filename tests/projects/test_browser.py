"""The project page and the supervision report on a phone (390 px) in Debian's Chromium;
screenshots go to docs/img/."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from linli.projects import services as svc
from linli.projects.models import Problem
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 120, 60)).save(out, format="JPEG")
    return out.getvalue()


def test_project_page_pledge_and_supervision_report_on_a_phone(projworld, live_server, phone):
    w, staff = projworld.world, projworld.staff
    p = projworld.run()
    svc.contribution_record(project=p, source="government", amount=6_000_000, payer="区住建局", by=staff)
    svc.contribution_record(project=p, source="work_units", amount=800_000, payer="辖区单位", by=staff)
    owner_pledge = svc.pledge_add(project=p, by=w.person("owner"))
    svc.contribution_confirm(contribution=owner_pledge, by=staff)
    svc.item_pay(item=p.items.first(), amount=1_500_000, payee="川建装饰工程公司", by=staff)
    svc.milestone_sign(milestone=p.milestones.first(), by=w.person("owner"))
    svc.problem_report(project=p, kind="noise", description="晚上十点后还在切割钢材", by=None)

    # The resident opens the project page and pledges the household's share.
    browser_login(phone, live_server, "resident", "pw-resident")
    phone.goto(f"{live_server.url}/projects/{p.pk}/")
    assert phone.inner_text("#project-status") == "施工中"
    assert phone.inner_text("#received") == "¥68,885.00"
    assert "您家应分摊：¥885.00" in phone.inner_text("#pledge-form")
    phone.click("#pledge-form button")
    phone.wait_for_load_state()
    assert "认缴已记录" in phone.inner_text(".messages")
    assert "待缴款" in phone.inner_text("#own-pledge")
    assert phone.inner_text("#problems-open") == "1"
    assert "o**" in phone.inner_text("#paid-list")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    IMG.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(IMG / "projects-page-390.png"), full_page=True)

    # From the stairwell QR page: 施工监督 → a quality problem with a photo.
    phone.goto(f"{live_server.url}/q/X-B1-U1")
    phone.click("#qr-supervise-button")
    phone.wait_for_selector("#supervise")
    phone.check("input[name=kind][value=quality]")
    phone.fill("#sv-description", "新铺的透水砖有几块已经松动，老人容易绊倒")
    phone.set_input_files("#sv-photos", files=[{"name": "brick.jpg", "mimeType": "image/jpeg", "buffer": _photo()}])
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(IMG / "projects-supervision-390.png"), full_page=True)
    phone.click("#supervise-send")
    phone.wait_for_selector(".sent")
    assert "感谢" in phone.inner_text(".sent") or "已" in phone.inner_text(".sent")
    problem = Problem.objects.filter(kind="quality").get()
    assert problem.case.node.code == "X-B1-U1" and problem.case.photos.count() == 1
    assert (problem.case.status, problem.case.assignee.username) == ("dispatched", "builder")

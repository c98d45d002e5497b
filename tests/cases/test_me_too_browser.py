"""“我也遇到了” on a phone at 390 px in Debian's Chromium: the QR page shows the open
request of the building, the neighbour presses the button (a plain form POST) and
is counted once. The screenshot goes to docs/img/duplicate-hint-390.png."""
from __future__ import annotations

from pathlib import Path

import pytest

from linli.cases import services
from linli.cases.models import CaseSupporter, Category, Source
from linli.org.models import Node

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


def test_a_neighbour_says_me_too_instead_of_reporting_again(world, live_server, phone):
    for code, name in (("X", "丽晶公馆"), ("X-B1", "1栋"), ("X-B1-U1", "2单元")):
        Node.objects.filter(code=code).update(name=name)
    case = services.case_create(node=world["X-B1-U1"], category=Category.objects.get(code="repair"),
                                description="楼道灯不亮", source=Source.QR)
    services.case_support(case=case, by=None, client_browser="an-earlier-neighbour")
    phone.goto(f"{live_server.url}/q/X-B1-U1")
    hint = phone.inner_text(".duplicate-hint")
    assert "已有邻居反映：" in hint and "公共设施报修" in hint and "1位邻居也遇到了这个问题" in hint
    assert "楼道灯" not in hint
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    IMG.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(IMG / "duplicate-hint-390.png"), full_page=False)
    phone.click(".duplicate-hint button:has-text('我也遇到了')")
    phone.wait_for_load_state()
    assert "这条诉求已算上您" in phone.inner_text("body")
    assert "2位邻居也遇到了这个问题" in phone.inner_text(".duplicate-hint")
    assert "您已点过" in phone.inner_text(".duplicate-hint")
    assert CaseSupporter.objects.filter(case=case).count() == 2

"""Public board pages: anyone may read them, they link up and down the tree,
show no personal data, and cost a fixed number of queries."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.cases.models import Rating
from tests.cases.test_boards import _walk


@pytest.fixture
def some(world, clock, report):
    done = _walk(report(contact_phone="13800138000", contact_name="王梅", description="王梅家门口的灯坏了"),
                 world, clock, rating=Rating.SATISFIED)
    open_one = report(node_code="Y-B1-U1")
    return done, open_one


def test_index_lists_districts_streets_and_communities(some, client):
    page = client.get("/boards/").content.decode()
    for code in ("D1", "S1", "S2", "C1", "C2", "C3", "X", "Y", "Z", "W"):
        assert f'href="/boards/{code}/"' in page


def test_anyone_reads_a_compound_board_with_links_up_and_down(some, client):
    response = client.get("/boards/X/")
    assert response.status_code == 200
    page = response.content.decode()
    for up in ("/boards/", "/boards/D1/", "/boards/S1/", "/boards/C1/"):
        assert f'href="{up}"' in page
    assert "<svg" in page and "https://" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", "")
    community = client.get("/boards/C1/").content.decode()
    assert 'href="/boards/X/"' in community and 'href="/boards/Y/"' in community
    assert "2 条诉求，1 条未办结" not in community  # per compound, not the sum
    assert "1 条诉求，0 条未办结" in community and "1 条诉求，1 条未办结" in community


def test_board_shows_no_personal_data(some, client):
    done, open_one = some
    page = client.get("/boards/C1/").content.decode()
    for secret in ("王梅", "13800138000", "13912345678", done.tracking_code, open_one.tracking_code, "三楼楼道灯不亮",
                   "X-B1-U1", "X-101"):
        assert secret not in page
    assert "公共设施报修" in page  # the category is shown, with the building: "X X-B1"
    assert "X X-B1" in page


@pytest.mark.parametrize("code", ["X-B1", "X-B1-U1", "X-101", "C1-G", "C1-M1", "nope"])
def test_only_compounds_and_above_have_boards(world, client, code):
    assert client.get(f"/boards/{code}/").status_code == 404


def test_board_figures_on_the_page(some, client):
    page = client.get("/boards/X/").content.decode()
    # One request, satisfied, every clock met: 100 % twice, 3 minutes to respond.
    assert page.count('<span class="big">100<small>%</small></span>') == 2
    assert '<span class="big">3<small> 分钟</small></span>' in page


def test_board_page_queries_do_not_grow_with_requests(world, clock, report, client):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/boards/C1/").status_code == 200
        return len(ctx.captured_queries)

    _walk(report(), world, clock, rating=Rating.SATISFIED)
    few = count()
    for i in range(12):
        c = report(node_code="Y-B1-U1" if i % 2 else "X-B2-U1")
        if i % 3 == 0:
            _walk(c, world, clock, colour="yellow", rating=Rating.BASICALLY)
    assert count() == few <= 20


def test_evaluation_link_only_for_supervisors_in_scope(some, client, world):
    assert "/evaluation/C1/" not in client.get("/boards/C1/").content.decode()
    client.force_login(world.person("community_c2"))
    assert "/evaluation/C1/" not in client.get("/boards/C1/").content.decode()
    client.force_login(world.person("community_c1"))
    assert 'href="/evaluation/C1/"' in client.get("/boards/C1/").content.decode()


def test_board_in_english(some, client):
    client.cookies["django_language"] = "en"
    page = client.get("/boards/X/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Requests in X" in page and "Repairs to shared facilities" in page


def test_empty_board_says_what_happens_next(world, client):
    page = client.get("/boards/W/").content.decode()
    assert "还没有诉求" in page


# ---------------------------------------------------------------------------
# In the browser, with the demo data: phone and desktop screenshots in test-artifacts/


@pytest.fixture
def demo_data(demo_state, transactional_db):
    """The demo (tests/conftest.py loads it; the browser needs it committed)."""


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_boards_on_a_phone_and_a_desktop(demo_data, live_server, phone, desktop, artifacts_dir):
    phone.goto(f"{live_server.url}/boards/")
    assert "温江区" in phone.inner_text("body")
    _fits(phone)
    phone.screenshot(path=str(artifacts_dir / "board-index-390.png"), full_page=True)
    phone.click("a[href='/boards/TJ/']")
    phone.wait_for_load_state()
    phone.click("a[href='/boards/LJGG/']")
    phone.wait_for_load_state()
    body = phone.inner_text("body")
    assert "丽晶公馆 诉求公示" in body and "按时办理率" in body and "515303" in body
    assert phone.locator("figure.trend svg rect.reported").count() == 12
    _fits(phone)
    phone.screenshot(path=str(artifacts_dir / "board-compound-390.png"), full_page=True)
    desktop.goto(f"{live_server.url}/boards/LJGG/")
    desktop.screenshot(path=str(artifacts_dir / "board-compound-1280.png"), full_page=True)
    phone.goto(f"{live_server.url}/boards/DTSZ/inspections/")
    assert "第6期" in phone.inner_text("body")
    _fits(phone)
    phone.screenshot(path=str(artifacts_dir / "campaign-list-390.png"), full_page=True)
    phone.click("button:has-text('English')")
    phone.wait_for_load_state()
    phone.goto(f"{live_server.url}/boards/DTSZ/")
    assert "Requests in 地铁首座" in phone.inner_text("body")
    _fits(phone)
    phone.screenshot(path=str(artifacts_dir / "board-compound-en-390.png"), full_page=True)
    desktop.goto(f"{live_server.url}/boards/WJ/")
    assert "天府街道" in desktop.inner_text("body")
    desktop.screenshot(path=str(artifacts_dir / "board-district-1280.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_campaign_and_evaluation_pages_in_the_browser(demo_data, live_server, phone, desktop, artifacts_dir):
    from linli.cases.models import Campaign
    from linli.demo import DEMO_PASSWORD
    from tests.conftest import browser_login

    current = Campaign.objects.order_by("-starts_on").first()
    phone.goto(f"{live_server.url}/inspections/{current.pk}/")
    assert "整改率" in phone.inner_text("body")
    _fits(phone)
    phone.screenshot(path=str(artifacts_dir / "campaign-public-390.png"), full_page=True)
    browser_login(phone, live_server, "property", DEMO_PASSWORD)
    phone.goto(f"{live_server.url}/inspections/{current.pk}/")
    assert "登记发现的问题" in phone.inner_text("body")
    _fits(phone)
    phone.screenshot(path=str(artifacts_dir / "campaign-staff-390.png"), full_page=True)
    browser_login(desktop, live_server, "street", DEMO_PASSWORD)
    desktop.goto(f"{live_server.url}/evaluation/GP/")
    assert "示范网格" in desktop.inner_text("body")
    desktop.screenshot(path=str(artifacts_dir / "evaluation-1280.png"), full_page=True)
    desktop.set_viewport_size({"width": 390, "height": 844})  # the same signed-in street staff, on a phone
    desktop.goto(f"{live_server.url}/evaluation/GP/")
    assert "优秀微网格长" in desktop.inner_text("body")
    _fits(desktop)  # the ranking table scrolls inside its card
    desktop.screenshot(path=str(artifacts_dir / "evaluation-390.png"), full_page=True)


def test_every_board_is_live_and_reads_the_rollups_not_the_requests(some, client, report, world):
    community = client.get("/api/v1/boards/C1").json()["figures"]
    compound = client.get("/api/v1/boards/X").json()["figures"]
    street = client.get("/api/v1/boards/S1").json()["figures"]
    assert (community["total"], compound["total"]) == (2, 1)
    report()  # one more request in compound X (community C1)
    # every board counts it at once: there is no cache to go stale
    assert client.get("/api/v1/boards/X").json()["figures"]["total"] == 2
    assert client.get("/api/v1/boards/C1").json()["figures"]["total"] == 3
    assert client.get("/api/v1/boards/S1").json()["figures"]["total"] == street["total"] + 1
    # a street's page never counts over every request of the street: the counts come from the
    # roll-ups; only the ten latest and the unswept due clocks are read from the source tables
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/boards/S1/")
    assert page.status_code == 200
    counting = [q["sql"] for q in queries.captured_queries
                if 'FROM "cases_case"' in q["sql"] and "COUNT(" in q["sql"].upper()]
    assert counting == [], counting

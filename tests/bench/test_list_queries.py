"""Query counts of the main list pages stay the same from 10 to 1,000 requests (issue 15):
the staff queue, the public boards and the place pages, with the requests written by the
city generator into the world's compound X."""
from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from linli.cases.citygen import City, Sizes
from linli.cases.models import Case

PAGES = [
    ("community_c1", "/queue/"),
    ("grid_c1", "/queue/"),
    ("property_x", "/queue/"),
    (None, "/boards/X/"),
    (None, "/boards/C1/"),
    (None, "/boards/S1/"),
    ("community_c1", "/places/X/"),
    ("community_c1", "/places/X-B1-U1/"),
]


def _queries(world, who, url) -> int:
    client = Client()
    if who:
        client.force_login(world.person(who))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_list_pages_ask_as_often_for_1000_requests_as_for_10(world):
    units = [world[code] for code in ("X-B1-U1", "X-B2-U1", "X-101", "X-102")]
    # Seed 33's first ten requests include open ones (most of a generated city is long closed): a page
    # that lists open requests must have something to list at 10 as well as at 1,000.
    city = City(seed=33, sizes=Sizes(requests=10), prefix="QC")
    city.places = [(u.pk, u.compound_id, u.request_microgrid_id) for u in units]
    city.requests_write()
    assert len(set(Case.objects.filter(description="生成的诉求").exclude(status__in=["closed", "unsolvable"])
                   .values_list("status", flat=True))) >= 2
    few = {(who, url): _queries(world, who, url) for who, url in PAGES}
    city.sizes.requests = 990
    city.requests_write()
    assert Case.objects.filter(compound=world["X"]).count() >= 1000
    many = {(who, url): _queries(world, who, url) for who, url in PAGES}
    assert many == few

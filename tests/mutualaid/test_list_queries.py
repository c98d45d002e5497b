"""The list pages of mutual aid ask the database the same number of times whatever
the number of rows: a page with 12 tasks, volunteers, shops or history lines costs what
a page with 2 costs (no query per row)."""
from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linli.mutualaid import services as aid
from tests.mutualaid.conftest import at, make_volunteer


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _grow(aidworld, n: int, start: int) -> None:
    """n more of everything the lists show: tasks with a slot and sign-ups, volunteers,
    shops, and completions in the resident's history."""
    world = aidworld.world
    staff = world.person("community_c1")
    resident = world.person("resident")
    for i in range(start, start + n):
        day = aidworld.start.date() + dt.timedelta(days=i + 1)
        task = aid.task_post(node=world["X"], title=f"巡逻 {i}", place="东门", places=5, points=2,
                             signup_deadline=at(day, 8), slots=[(at(day, 9), at(day, 10))], by=staff)
        aid.signup_create(slot=task.slots.get(), by=resident)
        make_volunteer(world, f"vol{i}")
        aid.merchant_create(community=world["C1"], code=f"S{i}", name=f"小店 {i}", by=staff)
    for i in range(start, start + n):
        slot = aid.task_post(node=world["X"], title=f"已完成 {i}", place="东门", places=5, points=1,
                             signup_deadline=aidworld.start - dt.timedelta(days=3),
                             slots=[(aidworld.start - dt.timedelta(days=2), aidworld.start - dt.timedelta(days=2)
                                     + dt.timedelta(hours=1))], by=staff).slots.get()
        aid.completion_confirm(signup=aid.signup_create(slot=slot, by=resident,
                                                        now=aidworld.start - dt.timedelta(days=4)), by=staff,
                               now=aidworld.start - dt.timedelta(days=2) + dt.timedelta(minutes=30))


PAGES = [
    (None, lambda: reverse("aid_board")),
    (None, lambda: reverse("aid_tasks")),
    (None, lambda: reverse("aid_alliance", args=["C1"])),
    ("resident", lambda: reverse("aid_me")),
    ("community_c1", lambda: reverse("aid_registry", args=["C1"])),
    ("community_c1", lambda: reverse("aid_manage", args=["C1"])),
]


def test_list_pages_cost_the_same_queries_for_2_and_12_rows(aidworld):
    def counts():
        out = {}
        for who, url in PAGES:
            client = Client()
            if who:
                client.force_login(aidworld.person(who))
            out[url()] = _queries(client, url())
        return out

    _grow(aidworld, 2, 0)
    small = counts()
    _grow(aidworld, 10, 2)
    assert counts() == small

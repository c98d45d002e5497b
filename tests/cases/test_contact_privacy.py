"""A reporter's name, phone and e-mail go to who needs them (issue 10 item 15).

One rule, ``cases.case.contact``: the people dispatching the request in scope
(grid worker, community and street staff, superuser) and its handlers (the
named assignee, holders of the role it is dispatched to) see the contact in
full, on the staff page and in the API alike; everyone else who may see the
request (party branch, owners' committee, property staff before it is theirs)
sees it masked with the people list's masking function. Every full reveal
leaves a ``ContactReveal`` row.
"""
from __future__ import annotations

import pytest

from linli.cases import services
from linli.cases.models import ContactReveal
from linli.org import services as org
from linli.org.models import Role

PHONE = "13812345678"
MASKED = "138****5678"
DESCRIPTION = "三楼楼道灯不亮了，请打电话 13987654321"
MASKED_DESCRIPTION = "三楼楼道灯不亮了，请打电话 139****4321"


@pytest.fixture
def case(world, report):
    for username, role in (("party_x", Role.PARTY_BRANCH), ("committee_x", Role.OWNERS_COMMITTEE)):
        world.people[username] = org.person_create(username=username, real_name=username, password="pw", by=None)
        org.role_assign(person=world.people[username], role=role, node=world["X"], by=None)
    return report(contact_name="王梅", contact_phone=PHONE, contact_email="wangmei@example.org",
                  description=DESCRIPTION)


def _api(client, world, who, case):
    if who == "anonymous":
        return client.get(f"/api/v1/cases/{case.pk}")
    _t, raw = org.api_token_create(person=world.person(who), by=None)
    return client.get(f"/api/v1/cases/{case.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")


def _page(client, world, who, case):
    if who != "anonymous":
        client.force_login(world.person(who))
    return client.get(f"/cases/{case.pk}")


# who: (API status, sees the contact in full)
MATRIX = {
    "anonymous": (401, None),
    "resident": (404, None),
    "party_x": (200, False),
    "committee_x": (200, False),
    "property_x": (200, False),  # may see and act, but it is not dispatched to them
    "community_c2": (404, None),  # staff out of scope
    "property_z": (404, None),
    "grid_c1": (200, True),
    "community_c1": (200, True),
    "street_s1": (200, True),
    "admin": (200, True),
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_api_shows_the_contact_in_full_only_to_dispatchers_and_handlers(client, world, case, who):
    status, full = MATRIX[who]
    r = _api(client, world, who, case)
    assert r.status_code == status
    if status != 200:
        assert ContactReveal.objects.count() == 0
        return
    body = r.json()
    if full:
        assert (body["contact_name"], body["contact_phone"], body["contact_email"]) == (
            "王梅", PHONE, "wangmei@example.org")
        assert body["description"] == DESCRIPTION
        reveal = ContactReveal.objects.get()
        assert (reveal.viewer, reveal.case, reveal.channel, reveal.path) == (
            world.person(who), case, "api", f"/api/v1/cases/{case.pk}")
    else:
        assert (body["contact_name"], body["contact_phone"], body["contact_email"]) == (
            "王*", MASKED, "w***@example.org")
        assert body["description"] == MASKED_DESCRIPTION
        assert ContactReveal.objects.count() == 0


@pytest.mark.parametrize("who", list(MATRIX))
def test_staff_page_shows_the_contact_in_full_only_to_dispatchers_and_handlers(client, world, case, who):
    status, full = MATRIX[who]
    r = _page(client, world, who, case)
    if status == 401:
        assert r.status_code == 302 and r["Location"].startswith("/login/")
        return
    assert r.status_code == status
    html = r.content.decode()
    if status != 200:
        assert PHONE not in html and ContactReveal.objects.count() == 0
        return
    if full:
        assert f'<a href="tel:{PHONE}">{PHONE}</a>' in html and "王梅" in html and "13987654321" in html
        reveal = ContactReveal.objects.get()
        assert (reveal.viewer, reveal.channel, reveal.path) == (world.person(who), "page", f"/cases/{case.pk}")
    else:
        assert PHONE not in html and "13987654321" not in html and "wangmei@" not in html
        assert MASKED in html and "王*" in html and "139****4321" in html
        assert ContactReveal.objects.count() == 0


def test_handlers_of_the_assignee_role_see_the_contact_once_it_is_theirs(client, world, case):
    property_x = world.person("property_x")
    assert _api(client, world, "property_x", case).json()["contact_phone"] == MASKED
    services.case_accept(case=case, by=world.person("community_c1"))
    services.case_dispatch(case=case, by=world.person("community_c1"), to="property")
    assert _api(client, world, "property_x", case).json()["contact_phone"] == PHONE
    assert _api(client, world, "party_x", case).json()["contact_phone"] == MASKED
    assert list(ContactReveal.objects.values_list("viewer", flat=True)) == [property_x.pk]


def test_dispatched_to_the_party_branch_its_holders_see_the_contact(client, world, case):
    services.case_accept(case=case, by=world.person("community_c1"))
    services.case_dispatch(case=case, by=world.person("community_c1"), to="party_branch")
    assert _api(client, world, "party_x", case).json()["contact_phone"] == PHONE
    assert _api(client, world, "committee_x", case).json()["contact_phone"] == MASKED


def test_lists_never_show_a_full_number(client, world, case):
    _t, raw = org.api_token_create(person=world.person("community_c1"), by=None)
    r = client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert [item["description"] for item in r.json()["items"]] == [MASKED_DESCRIPTION]
    assert ContactReveal.objects.count() == 0


def test_a_request_without_contact_leaves_no_trace(client, world, report):
    plain = report(description="路灯坏了")
    assert _api(client, world, "community_c1", plain).json()["contact_phone"] == ""
    assert ContactReveal.objects.count() == 0


def test_reveals_are_read_only_in_the_admin(client, world, case):
    _api(client, world, "community_c1", case)
    client.force_login(world.person("admin"))
    r = client.get("/admin/cases/contactreveal/")
    assert r.status_code == 200 and "community_c1" in r.content.decode()
    reveal = ContactReveal.objects.get()
    assert client.post(f"/admin/cases/contactreveal/{reveal.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ContactReveal.objects.count() == 1


# Phone numbers as residents write them: with +86, in groups, in full-width digits.
WRITTEN = [
    ("请打 +86 138 1234 5678", "请打 +86 138****5678"),
    ("电话8613812345678", "电话86138****5678"),
    ("电话：138-1234-5678。", "电话：138****5678。"),
    ("电话：１３８１２３４５６７８", "电话：１３８****５６７８"),
    ("座机 028 8765 4321", "座机 028 ****4321"),
    ("2026-11-29 三楼 120.5 平方米，共 13 户", "2026-11-29 三楼 120.5 平方米，共 13 户"),
]


@pytest.mark.parametrize("written,masked", WRITTEN)
def test_phone_numbers_written_in_other_ways_are_masked_too(client, world, report, written, masked):
    case = report(description=f"楼道灯坏了，{written}")
    assert _api(client, world, "property_x", case).json()[
        "description"] == f"楼道灯坏了，{masked}"
    r = client.get(f"/t/{case.tracking_code}")
    assert r.status_code == 200 and f"楼道灯坏了，{masked}" in r.content.decode()
    if written != masked:
        assert written not in r.content.decode()

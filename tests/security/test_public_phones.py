"""No public page or public API read shows a full phone number: a request whose
reporter left a phone, and whose description and public notes carry numbers, is
followed through every URL pattern an anonymous visitor can open (pages, boards,
tracking, the JSON API, Open311's public and keyed feeds)."""
from __future__ import annotations

import re

from django.test import Client

from linli.cases import services
from linli.cases.models import Category, Source
from linli.open311.models import Open311Key
from tests.security.test_url_walk import _params, _url, patterns

PHONES = ["13811112222", "13833334444", "028-85556666", "02885556666", "13855556666", "13877778888", "13912345678"]


def _request_with_phones(world):
    case = services.case_create(
        node=world["X-B1-U1"], category=Category.objects.get(code="repair"), source=Source.QR,
        description="三楼灯坏了，请打 13833334444 或 028-85556666", contact_name="王阿姨", contact_phone="13811112222")
    staff = world.person("property_x")
    services.case_accept(case=case, by=staff, note="已联系 13811112222")
    services.case_dispatch(case=case, by=staff, to="property")
    services.case_plan(case=case, by=staff, colour="green", note="师傅电话 13855556666，明天上午来")
    services.case_finish(case=case, by=staff, note="已修好，有问题打 13877778888")
    return case


def test_no_public_read_shows_a_full_phone_number(world):
    case = _request_with_phones(world)
    _k, key = Open311Key.issue(name="12345热线")
    values = {"code": "X", "node_code": "X", "id": str(case.pk), "pk": str(case.pk), "rid": str(case.pk),
              "token": case.tracking_code, "fmt": "json", "action": "accept", "photo_id": "1", "photo_pk": "1",
              "rest": "x.json"}
    urls = set()
    for template, _pattern in patterns():
        params = dict(_params(template))
        if template.startswith(("t/", "api/v1/track/")):
            urls.add(_url(template, {**values, "code": case.tracking_code}))
            continue
        urls.add(_url(template, values))
        if "code" in params or "node_code" in params:
            for code in ("C1", "S1", "D1", "X-B1-U1"):
                urls.add(_url(template, {**values, "code": code, "node_code": code}))
    urls |= {f"/open311/v2/requests.xml?api_key={key}", f"/open311/v2/requests.json?api_key={key}",
             f"/open311/v2/servicerequestupdates.json?api_key={key}", "/open311/v2/requests.xml",
             f"/open311/v2/requests/{case.pk}.xml?api_key={key}"}
    client = Client(raise_request_exception=False)
    shown, answered = [], 0
    for url in sorted(urls):
        r = client.get(url)
        if r.status_code != 200 or r.streaming:
            continue
        answered += 1
        body = r.content.decode("utf-8", "replace")
        shown += [f"{url}: {p}" for p in PHONES if re.search(rf"(?<!\d){re.escape(p)}(?!\d)", body)]
    assert answered >= 20  # the walk did reach the public pages
    assert shown == []

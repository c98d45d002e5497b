"""A database that does not answer: the request gets a Chinese "nothing was saved,
please try again" page (HTTP 503), not Django's or gunicorn's English error page,
and the resident's QR form comes back with what they typed."""
from __future__ import annotations

import re

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from linli.cases import services
from linli.cases import views as case_views
from linli.cases.models import Case, CaseEvent

MESSAGE = "数据库没有及时响应，本次操作没有保存，请稍后再试。"


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _timeout(*args, **kwargs):
    raise OperationalError("canceling statement due to statement timeout")


def test_the_resident_form_comes_back_with_what_they_typed(world, monkeypatch):
    monkeypatch.setattr(case_views.services, "case_create", _timeout)
    client = Client(enforce_csrf_checks=False)
    page = client.get("/q/X-B1-U1").content.decode()
    token = re.search(r'name="client_token" value="([0-9a-f]+)"', page).group(1)
    response = client.post("/q/X-B1-U1", {"category": "repair", "description": "三楼楼道灯坏了一个星期",
                                          "contact_name": "王阿姨", "contact_phone": "13900001111",
                                          "client_token": token})
    assert response.status_code == 503
    html = response.content.decode()
    assert MESSAGE in _text(response)
    assert "三楼楼道灯坏了一个星期" in html and 'value="王阿姨"' in html and 'value="13900001111"' in html
    assert f'value="{token}"' in html  # sending it again is still one request
    assert Case.objects.count() == 0


def _report(world):
    from linli.cases.models import Category, Source

    return services.case_create(node=world["X-B1-U1"], category=Category.objects.get(code="repair"),
                                description="楼道灯坏了", source=Source.QR)


def test_a_staff_action_that_hits_a_database_timeout_gets_the_chinese_503_page(world, monkeypatch):
    case = _report(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.person("property_x"))
    page = client.get(reverse("case_detail", args=[case.pk]))
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else client.cookies["csrftoken"].value
    monkeypatch.setattr("linli.cases.locks.case_lock", _timeout)  # every staff action locks the request first
    response = client.post(reverse("case_act", args=[case.pk, "accept"]), {"csrfmiddlewaretoken": token})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    text = _text(response)
    assert MESSAGE in text and "请稍后再试" in text
    assert "Server Error" not in text and "Internal" not in text
    assert CaseEvent.objects.filter(case=case).values_list("action", flat=True).count() == 1  # only "report"


def test_the_api_answers_503_with_the_error_shape(world, monkeypatch):
    monkeypatch.setattr("linli.cases.selectors.case_list", _timeout)
    client = Client()
    client.force_login(world.person("property_x"))
    response = client.get("/api/v1/cases")
    assert response.status_code == 503
    assert response.json() == {"code": "database.unavailable", "message": MESSAGE, "details": []}


@pytest.mark.parametrize("name,value", [("LINLI_DB_CONNECT_TIMEOUT", 5), ("LINLI_DB_STATEMENT_TIMEOUT", 15.0)])
def test_database_timeouts_have_sane_defaults(settings, name, value):
    assert getattr(settings, name) == value


def test_postgresql_connections_carry_the_timeouts(db, on_postgres):
    from django.db import connection

    if not on_postgres:
        pytest.skip("PostgreSQL only")
    options = connection.settings_dict["OPTIONS"]
    assert options["connect_timeout"] == 5
    assert options["options"] == "-c statement_timeout=15000"
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "15s"


def test_a_database_error_outside_a_view_gets_the_same_page(rf):
    from linli.web.middleware import server_error

    request = rf.get("/")
    try:
        raise OperationalError("connection to server was lost")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert MESSAGE in _text(response)
    try:
        raise KeyError("a bug")
    except KeyError:
        assert server_error(request).status_code == 500

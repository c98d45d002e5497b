"""Abuse limits on every intake channel and on sign-in, per caller, counted in the
database (every web process sees the same counts); behind a proxy the address is
the one the declared proxy saw, not what the client wrote into X-Forwarded-For."""
from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from linli import throttle
from linli.cases.models import Case
from linli.open311.models import Open311Key
from linli.web.models import ThrottleHit
from tests.factories import bearer

NEW = {"unit": "X-B1-U1", "category": "repair", "description": "三楼楼道灯不亮了"}


@pytest.mark.parametrize("proxies, forwarded, address", [
    (0, "6.6.6.6, 1.2.3.4", "10.0.0.1"),
    (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),
    (2, "6.6.6.6, 1.2.3.4", "6.6.6.6"),
    (2, "1.2.3.4", "10.0.0.1"),  # fewer entries than proxies: not through them
    (1, "", "10.0.0.1"),
])
def test_the_address_is_the_one_the_declared_proxy_saw(settings, proxies, forwarded, address):
    settings.LINLI_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert throttle.client_address(request) == address


def qr_post(client, i, forwarded):
    return client.post("/q/X-B1-U1", {"category": "repair", "description": "三楼楼道灯坏了两天了",
                                      "client_token": f"{i:032d}"}, HTTP_X_FORWARDED_FOR=forwarded)


def test_the_qr_limit_is_not_escaped_by_rewriting_x_forwarded_for(client, world, settings):
    settings.LINLI_PROXY_COUNT = 1
    settings.LINLI_INTAKE_THROTTLE = (3, 600)
    for i in range(3):
        assert qr_post(client, i, f"{i}.{i}.{i}.{i}, 1.2.3.4").status_code == 302
    r = qr_post(client, 3, "9.9.9.9, 1.2.3.4")
    assert r.status_code == 429 and "请 10 分钟后再试" in r.content.decode()
    assert Case.objects.count() == 3
    assert qr_post(client, 4, "9.9.9.9, 5.6.7.8").status_code == 302  # another address behind the proxy


def test_api_intake_is_limited_per_account(api_client, world, settings):
    settings.LINLI_API_INTAKE_THROTTLE = (3, 600)
    resident = bearer(world.person("resident"))
    for _ in range(3):
        assert api_client.post("/api/v1/cases", NEW, content_type="application/json", **resident).status_code == 201
    r = api_client.post("/api/v1/cases", NEW, content_type="application/json", **resident)
    assert r.status_code == 429 and r.json()["code"] == "throttled" and "10 分钟" in r.json()["message"]
    assert Case.objects.count() == 3
    assert ThrottleHit.objects.filter(key__startswith="cases.api_intake:").count() == 3  # in the database
    owner = bearer(world.person("owner"))
    assert api_client.post("/api/v1/cases", NEW, content_type="application/json", **owner).status_code == 201


def open311_post(client, key, fmt="json"):
    return client.post(f"/open311/v2/requests.{fmt}", {"api_key": key, "service_code": "repair",
                                                        "address_id": "X-B1-U1", "description": "三楼楼道灯不亮了"})


def test_open311_intake_is_limited_per_key(client, world, settings):
    settings.LINLI_OPEN311_INTAKE_THROTTLE = (2, 600)
    _k, key = Open311Key.issue(name="12345热线")
    _k, other = Open311Key.issue(name="网格系统")
    assert [open311_post(client, key).status_code for _ in range(2)] == [201, 201]
    r = open311_post(client, key)
    assert r.status_code == 429 and r.json() == [{"code": 429, "description": "此设备提交过于频繁，请 10 分钟后再试。"}]
    assert b"<code>429</code>" in open311_post(client, key, "xml").content
    assert Case.objects.count() == 2
    assert open311_post(client, other).status_code == 201


def login(client, username, password, address="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_failed_sign_ins_are_limited_per_address_whatever_the_usernames(world, settings):
    settings.LINLI_LOGIN_ADDRESS_THROTTLE = (3, 900)
    client = Client()
    for who in ("resident", "owner", "grid_c1"):
        assert login(client, who, "wrong").status_code == 200  # one try per account: axes alone never locks
    r = login(client, "property_x", "pw-property_x")
    assert r.status_code == 429 and "登录已锁定" in r.content.decode()
    assert "_auth_user_id" not in client.session
    r = login(Client(), "property_x", "pw-property_x", address="10.0.0.2")
    assert r.status_code == 302


def test_axes_sees_the_address_the_proxy_saw(world, settings):
    settings.LINLI_PROXY_COUNT = 1
    client = Client()
    for i in range(5):
        client.post("/login/", {"username": "property_x", "password": "wrong"},
                    HTTP_X_FORWARDED_FOR=f"{i}.{i}.{i}.{i}, 1.2.3.4")
    r = client.post("/login/", {"username": "property_x", "password": "pw-property_x"},
                    HTTP_X_FORWARDED_FOR="8.8.8.8, 1.2.3.4")
    assert r.status_code == 429 and "_auth_user_id" not in client.session


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_burst_from_many_processes_cannot_pass_the_limit():
    """Twelve connections count the same key at once: exactly the limit gets through."""
    import datetime as dt
    import threading

    from django.db import connection

    barrier, passed, refused = threading.Barrier(12), [], []

    def hit():
        try:
            barrier.wait()
            throttle.check_and_count("burst:test", limit=5, window=dt.timedelta(minutes=10))
            passed.append(1)
        except throttle.Throttled:
            refused.append(1)
        finally:
            connection.close()

    threads = [threading.Thread(target=hit) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (len(passed), len(refused)) == (5, 7)
    assert ThrottleHit.objects.filter(key="burst:test").count() == 5

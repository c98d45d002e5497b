"""/healthz answers 200 with the database status, 503 when the database is unreachable."""
from __future__ import annotations

from django.db import connection
from django.db.utils import ConnectionHandler

from linli.web import health


def test_healthz_ok(client, db):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": {"status": "ok", "vendor": connection.vendor}}


def unreachable() -> dict:
    """A real database of the same kind as the test run that cannot be reached."""
    if connection.vendor == "postgresql":
        return {"ENGINE": "django.db.backends.postgresql", "NAME": "x", "USER": "postgres", "HOST": "127.0.0.1",
                "PORT": "1", "OPTIONS": {"connect_timeout": 2}}
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": "/nonexistent-dir/linli.sqlite3"}


def test_healthz_503_when_database_unreachable(client, db, monkeypatch):
    down = ConnectionHandler({"default": unreachable()})
    monkeypatch.setattr(health, "connections", down)
    r = client.get("/healthz")
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "error"
    assert body["database"]["status"] == "error" and body["database"]["vendor"] == connection.vendor
    down.close_all()


def test_healthz_is_not_redirected_to_https_in_production(db, settings, client):
    # A load balancer probes over plain HTTP.
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301

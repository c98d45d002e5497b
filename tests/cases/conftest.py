"""Fixtures for resident requests: a settable clock and a request factory."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from linli.cases import services
from linli.cases.models import Category, Source

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(y, m, d, hh=0, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


class Clock:
    """``timezone.now()`` for the code under test, moved by hand."""

    def __init__(self, start: dt.datetime):
        self.now = start

    def set(self, when: dt.datetime) -> dt.datetime:
        self.now = when
        return when

    def advance(self, **kw) -> dt.datetime:
        self.now = self.now + dt.timedelta(**kw)
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    c = Clock(local(2026, 11, 2, 10, 0))
    monkeypatch.setattr(timezone, "now", lambda: c.now)
    return c


@pytest.fixture
def report(world, clock):
    """Report a problem from the QR code of X-B1-U1 at the clock's time."""

    def make(node_code: str = "X-B1-U1", category: str = "repair", **kw):
        kw.setdefault("description", "三楼楼道灯不亮了")
        kw.setdefault("source", Source.QR)
        return services.case_create(node=world[node_code], category=Category.objects.get(code=category), **kw)

    return make

""".ci/run's PostgreSQL pass runs only the tests that use the test database
(``--database-tests-only``); the SQLite pass runs every test. A test that reaches
the database in any of pytest-django's ways must stay in the PostgreSQL pass."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.conftest import needs_database


def _item(fixtures=(), markers=()):
    return SimpleNamespace(fixturenames=list(fixtures),
                           get_closest_marker=lambda name: SimpleNamespace(name=name) if name in markers else None)


@pytest.mark.parametrize("fixture", ["db", "transactional_db", "live_server", "world", "demo_state", "empty_state",
                                     "django_db_setup", "on_postgres"])
def test_a_test_with_a_database_fixture_runs_on_postgresql(fixture):
    assert needs_database(_item(fixtures=["settings", fixture]))


@pytest.mark.parametrize("marker", ["django_db", "postgres_only"], ids=["django-db-mark", "postgres-mark"])
def test_a_test_with_a_database_mark_runs_on_postgresql(marker):
    assert needs_database(_item(fixtures=["settings"], markers=[marker]))


def test_a_test_without_the_database_runs_on_sqlite_only():
    # django_db_blocker is in every test's fixtures (pytest-django's autouse ones).
    assert not needs_database(_item(fixtures=["settings", "tmp_path", "client", "rf", "django_db_blocker"]))

"""Shared fixtures. Tests run on SQLite by default and on PostgreSQL when
DATABASE_URL points there (.ci/run does both)."""
from __future__ import annotations

import io
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import override_settings
from django.utils import translation

from tests.factories import World, WorldIds, build_world, fetch_world

ARTIFACTS = Path(os.environ.get("LINLI_TEST_ARTIFACTS", Path(__file__).resolve().parent.parent / "test-artifacts"))


@pytest.fixture(autouse=True, scope="session")
def _plain_http():
    # Tests talk plain HTTP to the test client and the live server: no HTTPS
    # redirect or HTTPS-only cookies (production keeps both; test_settings checks).
    # Static files come from the finders, not a collectstatic manifest.
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(SECURE_SSL_REDIRECT=False, SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=False,
                           STORAGES=storages):
        yield


@pytest.fixture(autouse=True)
def _live_boards(settings):
    # Roll-up boards are cached for a minute in production; tests count afresh
    # (tests/cases/test_board_pages.py covers the cache itself).
    settings.LINLI_BOARD_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _site_language():
    # A test-client request with Accept-Language: en leaves English active in
    # this thread; every test starts in the site's language, whatever ran before.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Argon2 is the production hasher (tested in tests/test_settings.py); tests
    # that create many accounts use a fast one.
    settings.PASSWORD_HASHERS = FAST_HASHERS


# --- the database every test starts from ----------------------------------------
# Building the world through the services for each of ~1,100 tests cost ~110 s. It is
# built once, committed to the test database right after it is created, and each test
# runs in a transaction that is rolled back, so every test starts from the same rows.
# A few tests need another starting point: the demo (``demo_state``, loaded once for
# a run of tests that ask for it) or a database holding only what the migrations put
# there (``empty_state``). Tests that flush the database (``transactional_db``,
# ``live_server``) get the world back after them. On SQLite each state is built once
# and then copied back whole (sqlite3's backup API) when it is needed again; the
# tests of a module that need the same state run one after the other.


class _Start:
    """Which data the test database holds now, outside any test's transaction."""

    blocker: Any = None  # pytest-django's django_db_blocker
    current: str | None = None  # "world", "demo", "empty" or None (unknown, e.g. flushed)
    world_ids: WorldIds | None = None
    demo_seconds = 0.0  # how long the demo took to load
    demo_output = ""  # what `linli demo --no-serve` printed as it loaded the demo
    copies: dict[str, sqlite3.Connection] = {}  # SQLite: each state's database, copied when first built
    pg_snapshots: dict[str, dict[str, tuple[int, bool]]] = {}  # PostgreSQL: state -> its sequences' values


# PostgreSQL keeps each state as a copy of every table in a schema of its own, put back
# with DELETE and INSERT … SELECT (triggers and foreign-key checks off for the copy):
# loading the demo or building the world through the services again after each test that
# flushed cost most of the PostgreSQL pass. Sequences are put back exactly, so ids repeat
# as they do on SQLite.
def _pg_tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _pg_sequences(cursor) -> list[str]:
    cursor.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
    return [row[0] for row in cursor.fetchall()]


def _pg_snapshot(state: str) -> None:
    qn = connection.ops.quote_name
    schema = qn(f"linli_snapshot_{state}")
    values: dict[str, tuple[int, bool]] = {}
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        cursor.execute(f"CREATE SCHEMA {schema}")
        for table in _pg_tables():
            cursor.execute(f"CREATE TABLE {schema}.{qn(table)} AS TABLE public.{qn(table)}")
        for sequence in _pg_sequences(cursor):
            cursor.execute(f"SELECT last_value, is_called FROM public.{qn(sequence)}")
            values[sequence] = cursor.fetchone()
    _Start.pg_snapshots[state] = values


def _pg_restore(state: str) -> None:
    from django.db import transaction

    qn = connection.ops.quote_name
    schema = qn(f"linli_snapshot_{state}")
    tables = _pg_tables()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        # Like TRUNCATE: wait for a live-server thread still answering the last test's
        # browser (its rows would interleave with ours and deadlock).
        cursor.execute("LOCK TABLE " + ", ".join(f"public.{qn(t)}" for t in tables) + " IN ACCESS EXCLUSIVE MODE")
        for table in tables:
            cursor.execute(f"DELETE FROM public.{qn(table)}")
        for table in tables:
            cursor.execute(f"INSERT INTO public.{qn(table)} SELECT * FROM {schema}.{qn(table)}")
        for sequence, (value, called) in _Start.pg_snapshots[state].items():
            cursor.execute("SELECT setval(%s, %s, %s)", [f"public.{qn(sequence)}", value, called])


def _pg_flush_by_delete() -> None:
    """Django flushes PostgreSQL after each transactional test with one TRUNCATE of every
    table, which costs seconds on ~100 tables; DELETE of the few rows there are is quick.
    (Only in the tests; a flush that must reset sequences keeps TRUNCATE.)"""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        # LOCK first, as TRUNCATE does: a live-server thread still answering the last
        # test's browser finishes before the rows go (else the two can deadlock).
        return ["SET LOCAL session_replication_role = replica;",
                "LOCK TABLE " + ", ".join(self.quote_name(table) for table in tables) + " IN ACCESS EXCLUSIVE MODE;",
                *(f"DELETE FROM {self.quote_name(table)};" for table in tables)]

    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]


def _rebuild(state: str) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command

    from linli.cases.presets import ensure_presets
    from linli.ledger.services import STANDARD_ASSETS, asset_get
    from linli.org.models import Node, Person

    _Start.current = None
    with (_Start.blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS),
          translation.override(settings.LANGUAGE_CODE)):
        connection.ensure_connection()
        if state in _Start.copies:
            _Start.copies[state].backup(connection.connection)
            ContentType.objects.clear_cache()  # a flush since may have renumbered them
            _Start.current = state
            return
        if state in _Start.pg_snapshots:
            _pg_restore(state)
            ContentType.objects.clear_cache()
            _Start.current = state
            return
        if Node.objects.exists() or Person.objects.exists():
            call_command("flush", interactive=False, verbosity=0)
        # A flush also removes the rows of the data migrations: put the presets and the
        # ledger's standard assets back (idempotent).
        ensure_presets()
        for code in STANDARD_ASSETS:
            asset_get(code)
        if state == "world":
            _Start.world_ids = build_world().ids()
        elif state == "demo":
            # Loaded by ``linli demo --no-serve`` itself, into the empty database: what it
            # printed is kept for the test of the command (tests/test_cli.py), which so need
            # not load the demo a second time (8 s on SQLite, 18 s on PostgreSQL).
            printed = io.StringIO()
            started = time.perf_counter()
            call_command("demo", "--no-serve", stdout=printed)
            _Start.demo_seconds = time.perf_counter() - started
            _Start.demo_output = printed.getvalue()
        if connection.vendor == "sqlite":
            _Start.copies[state] = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(_Start.copies[state])
        elif connection.vendor == "postgresql":
            _pg_snapshot(state)
    _Start.current = state


def _ensure(state: str) -> None:
    if _Start.current == state:
        return
    if connection.in_atomic_block:
        raise RuntimeError(f"the test database must hold the {state!r} data before the test's transaction "
                           f"starts: ask for the {state}_state fixture before db/transactional_db")
    _rebuild(state)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    _Start.blocker = django_db_blocker
    if connection.vendor == "postgresql":
        _pg_flush_by_delete()
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            # The throwaway test database need not wait for its WAL to reach the disk at each
            # commit (a crash loses at most the last few commits of a database dropped anyway):
            # for this connection, and for the live server's and the worker threads' ones.
            cursor.execute("SET synchronous_commit = off")
            cursor.execute(f"ALTER DATABASE {connection.ops.quote_name(connection.settings_dict['NAME'])} "
                           "SET synchronous_commit = off")
    _rebuild("world")


def _start_needed(item) -> str | None:
    names = getattr(item, "fixturenames", ())
    if "demo_state" in names:
        return "demo"
    if "empty_state" in names:
        return "empty"
    if "django_db_setup" in names or item.get_closest_marker("django_db"):
        return "world"
    return None


def _flushes(item) -> bool:
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    return ("transactional_db" in names or "live_server" in names
            or bool(marker and marker.kwargs.get("transaction")))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    if _Start.blocker is None:
        return  # no test has used the database yet
    if _flushes(item):
        _Start.current = None
    needed = _start_needed(nextitem) if nextitem is not None else None
    if needed is not None and needed != _Start.current:
        _rebuild(needed)


@pytest.fixture
def demo_state(django_db_setup):
    """The test database holds the demo (``linli demo``'s data) instead of the world.
    Ask for it before ``db``; the next test that wants the world gets it back.
    Returns how many seconds loading the demo took."""
    _ensure("demo")
    return _Start.demo_seconds


@pytest.fixture
def demo_command_output(demo_state) -> str:
    """What ``linli demo --no-serve`` printed when it loaded the demo state into the
    empty test database (``demo_state`` is made by that command)."""
    return _Start.demo_output


@pytest.fixture
def empty_state(django_db_setup):
    """The test database holds only what the migrations create (no world)."""
    _ensure("empty")


@pytest.fixture
def world(db) -> World:
    # The rows are there (see above); the objects are this test's own.
    assert _Start.current == "world" and _Start.world_ids is not None, _Start.current
    return fetch_world(_Start.world_ids)


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


# Fixtures through which a test reaches the test database; pytest-django refuses the
# database to a test that has none of them and no django_db mark.
DATABASE_FIXTURES = frozenset({"db", "transactional_db", "django_db_setup", "django_db_reset_sequences",
                               "django_db_serialized_rollback", "live_server", "world", "demo_state",
                               "empty_state", "on_postgres"})


def needs_database(item) -> bool:
    return bool(item.get_closest_marker("django_db") or item.get_closest_marker("postgres_only")
                or DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ())))


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only", action="store_true", default=False,
        help="run only the tests that use the test database (deselect the others): .ci/run's PostgreSQL "
             "pass, since its SQLite pass runs every test and the others cannot see the database")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--database-tests-only"):
        deselected = [item for item in items if not needs_database(item)]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = [item for item in items if needs_database(item)]
    # Within a module, the tests that start from the same data run one after the
    # other (world first, then the demo, then an empty database), in their order.
    rank = {"demo": 1, "empty": 2}
    position: dict[str, int] = {}
    for i, item in enumerate(items):
        position.setdefault(item.module.__name__ if hasattr(item, "module") else "", i)
    items.sort(key=lambda item: (position[item.module.__name__ if hasattr(item, "module") else ""],
                                 rank.get(_start_needed(item) or "", 0)))
    engine = settings.DATABASES["default"]["ENGINE"]
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres_only" in item.keywords and "postgresql" not in engine:
            item.add_marker(skip_pg)


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# --- browser tests ------------------------------------------------------------
CHROMIUM = os.environ.get("LINLI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-quic", "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (browsers cannot be downloaded here)."""
    # Playwright's sync API keeps an event loop in this thread; Django's ORM
    # calls made by the test itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _no_csp_violations(context):
    """A page whose console must stay free of Content-Security-Policy refusals
    (an inline script or style the policy blocks breaks the page silently)."""
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    assert refused == [], "the Content-Security-Policy refused something"


@pytest.fixture
def phone(chromium):
    """A page at 390×844, Chinese locale, like a resident's phone."""
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", device_scale_factor=1)
    yield from _no_csp_violations(context)


@pytest.fixture
def desktop(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    yield from _no_csp_violations(context)


def browser_login(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture
def api_client():
    """A test client that enforces CSRF like a browser's: API writes are tested the way they
    arrive (token and anonymous calls need no CSRF token; session writes do)."""
    from django.test import Client

    return Client(enforce_csrf_checks=True)

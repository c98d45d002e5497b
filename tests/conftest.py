"""Shared fixtures. Tests run on SQLite by default and on PostgreSQL when
DATABASE_URL points there (.ci/run does both)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import override_settings

from tests.factories import World, build_world

ARTIFACTS = Path(os.environ.get("LINLI_TEST_ARTIFACTS", Path(__file__).resolve().parent.parent / "test-artifacts"))


@pytest.fixture(autouse=True, scope="session")
def _plain_http():
    # Tests talk plain HTTP to the test client and the live server: no HTTPS
    # redirect or HTTPS-only cookies (production keeps both; test_settings checks).
    # Static files come from the finders, not a collectstatic manifest.
    from django.conf import settings

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
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Argon2 is the production hasher (tested in tests/test_settings.py); tests
    # that create many accounts use a fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    # Transactional tests flush the database, data migrations included: put the
    # preset policies and categories back (idempotent).
    from linli.cases.presets import ensure_presets

    ensure_presets()
    return build_world()


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

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

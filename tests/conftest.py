"""Shared fixtures. Tests run on SQLite by default and on PostgreSQL when
DATABASE_URL points there (.ci/run does both)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import World, build_world

ARTIFACTS = Path(os.environ.get("LINLI_TEST_ARTIFACTS", Path(__file__).resolve().parent.parent / "test-artifacts"))


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Argon2 is the production hasher (tested in tests/test_settings.py); tests
    # that create many accounts use a fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
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

"""Secure by default: argon2, login throttling, CSRF, hardened production settings."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from linli.org import services


def test_argon2_is_the_password_hasher():
    from linli import settings as linli_settings

    assert linli_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_passwords_are_stored_with_argon2(db, settings):
    from linli import settings as linli_settings

    settings.PASSWORD_HASHERS = linli_settings.PASSWORD_HASHERS
    p = services.person_create(username="a2", password="correct horse battery", by=None)
    assert p.password.startswith("argon2$")


def test_check_deploy_is_clean_in_production(tmp_path):
    env = {
        **os.environ,
        "LINLI_DATA_DIR": str(tmp_path),
        "LINLI_DEBUG": "0",
        "LINLI_SECRET_KEY": "x" * 20 + "-production-secret-key-that-is-long-and-random-enough-1234567890",
        "LINLI_ALLOWED_HOSTS": "linli.example.org",
    }
    for leftover in ("LINLI_SSL_REDIRECT", "LINLI_SECURE_COOKIES", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"):
        env.pop(leftover, None)
    r = subprocess.run([sys.executable, "-m", "linli.cli", "check", "--deploy", "--fail-level", "WARNING"],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout


def test_secret_key_is_generated_once_and_kept_out_of_the_repo(tmp_path):
    env = {**os.environ, "LINLI_DATA_DIR": str(tmp_path)}
    env.pop("LINLI_SECRET_KEY", None)
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    run = lambda: subprocess.run(  # noqa: E731
        [sys.executable, "-c", f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']='linli.settings'; django.setup(); {code}"],
        capture_output=True, text=True, env=env, check=True,
    ).stdout.strip()
    first, second = run(), run()
    assert first == second and len(first) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_a_process_that_loses_the_race_for_the_key_file_takes_the_winners_key(tmp_path, monkeypatch):
    """Web workers and the worker may start at once on a fresh install. Here another
    process writes the key after this one found no file: this one must not fail (a fresh
    clone's run once crashed on exactly that) and must sign with the same key."""
    from linli import settings as linli_settings

    monkeypatch.delenv("LINLI_SECRET_KEY", raising=False)
    monkeypatch.setattr(linli_settings, "DATA_DIR", tmp_path)
    (tmp_path / "secret_key").write_text("the-first-process-key")
    monkeypatch.setattr(Path, "exists", lambda self: False)  # it looked before the other wrote
    assert linli_settings._secret_key() == "the-first-process-key"
    assert [f.name for f in tmp_path.iterdir()] == ["secret_key"]  # nothing of its own left behind
    monkeypatch.undo()
    monkeypatch.delenv("LINLI_SECRET_KEY", raising=False)
    monkeypatch.setattr(linli_settings, "DATA_DIR", tmp_path / "new")
    (tmp_path / "new").mkdir()
    made = linli_settings._secret_key()  # the first to start writes a whole key, private
    assert len(made) >= 50 and (tmp_path / "new" / "secret_key").read_text() == made
    assert (tmp_path / "new" / "secret_key").stat().st_mode & 0o077 == 0


def test_login_is_throttled_after_five_failures(world):
    c = Client()
    for _ in range(5):
        r = c.post("/login/", {"username": "property_x", "password": "wrong"})
    r = c.post("/login/", {"username": "property_x", "password": "pw-property_x"})
    assert r.status_code == 429
    assert "登录已锁定" in r.content.decode()
    assert "_auth_user_id" not in c.session


def test_login_works_and_counts_reset(world):
    c = Client()
    c.post("/login/", {"username": "property_x", "password": "wrong"})
    r = c.post("/login/", {"username": "property_x", "password": "pw-property_x"})
    assert r.status_code == 302
    assert c.session["_auth_user_id"] == str(world.person("property_x").pk)


def test_forms_need_a_csrf_token(world):
    c = Client(enforce_csrf_checks=True)
    c.force_login(world.person("property_x"))
    r = c.post("/me/", {"name": "x"})
    assert r.status_code == 403
    assert not world.person("property_x").api_tokens.exists()


def test_no_data_dir_or_secret_key_is_committed():
    """A data dir made where a command ran (./var, with its secret key) never reaches git."""
    root = Path(__file__).resolve().parents[1]
    if not (root / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout.split()
    assert [p for p in tracked if p.endswith("secret_key") or "/var/" in f"/{p}"] == []
    ignored = subprocess.run(["git", "check-ignore", "-q", "src/linli/org/var/secret_key"], cwd=root)
    assert ignored.returncode == 0


def test_default_database_is_sqlite_in_the_data_dir_with_wal_and_busy_timeout(tmp_path):
    env = {**os.environ, "LINLI_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='linli.settings'; django.setup();"
        "from django.db import connection as c; cur = c.cursor();"
        "print(c.settings_dict['NAME']);"
        "print(cur.execute('PRAGMA journal_mode').fetchone()[0]);"
        "print(cur.execute('PRAGMA busy_timeout').fetchone()[0])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    name, journal, busy = out.stdout.split()
    assert (name, journal, int(busy)) == (str(tmp_path / "linli.sqlite3"), "wal", 20000)


@pytest.mark.postgres_only
def test_postgresql_runs_through_psycopg_3(db):
    from django.db import connection

    connection.ensure_connection()
    assert type(connection.connection).__module__.startswith("psycopg")
    import psycopg

    assert int(psycopg.__version__.split(".")[0]) == 3

"""Shared state for several processes (issue 15 item 3): ``LINLI_CACHE_URL`` chooses the
cache. Empty: each process keeps its own (the embedded default); a Redis address: every
process sees what another cached. Two real processes are started for each check.

The Redis checks need a Redis server (``LINLI_TEST_REDIS_URL``, default db 5 on the
loopback; ``.ci/run`` installs and starts one) and are skipped without one. The abuse
limits and sign-in locks count in the database whatever the cache is: the scale-out test
(tests/test_scale_out.py) reaches them across two ``linli serve`` processes.
"""
from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest

from linli.settings import cache_settings

REDIS_URL = os.environ.get("LINLI_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def redis_unreachable(url: str = REDIS_URL) -> str | None:
    """Why Redis at ``url`` cannot be used, or None if it answers."""
    try:
        import redis
    except ImportError:
        return "the redis package is not installed"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except Exception as exc:  # refused, timed out, wrong password …
        return f"no Redis answers at {url} ({type(exc).__name__}); start redis-server to run this test"
    return None


_WHY_NOT = redis_unreachable()
needs_redis = pytest.mark.skipif(_WHY_NOT is not None, reason=str(_WHY_NOT))

# A separate Python process with Linli's settings: runs ``code`` with ``cache`` imported
# and prints what it returns.
SCRIPT = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
import django
django.setup()
from django.core.cache import cache
key = sys.argv[1]
{code}
"""


def _in_process(code: str, key: str, tmp_path, cache_url: str) -> str:
    env = {**os.environ, "LINLI_DATA_DIR": str(tmp_path), "LINLI_CACHE_URL": cache_url,
           "LINLI_CACHE_KEY_PREFIX": "linli-test"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    r = subprocess.run([sys.executable, "-c", SCRIPT.format(code=code), key], env=env, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout.strip()


def _start_in_process(code: str, key: str, tmp_path, cache_url: str) -> subprocess.Popen:
    env = {**os.environ, "LINLI_DATA_DIR": str(tmp_path), "LINLI_CACHE_URL": cache_url,
           "LINLI_CACHE_KEY_PREFIX": "linli-test"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.Popen([sys.executable, "-c", SCRIPT.format(code=code), key], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_without_a_cache_url_each_process_keeps_its_own_cache(tmp_path):
    key = f"shared-{uuid.uuid4().hex}"
    _in_process("cache.set(key, 'written by the first process', 60); print(cache.get(key))", key, tmp_path, "")
    assert _in_process("print(cache.get(key))", key, tmp_path, "") == "None"


@needs_redis
def test_with_redis_a_second_process_sees_what_the_first_cached(tmp_path):
    key = f"shared-{uuid.uuid4().hex}"
    written = _in_process("cache.set(key, {'figures': [55, 15, 12]}, 60); print(cache.get(key))", key, tmp_path,
                          REDIS_URL)
    assert written == "{'figures': [55, 15, 12]}"
    assert _in_process("print(cache.get(key))", key, tmp_path, REDIS_URL) == "{'figures': [55, 15, 12]}"
    _in_process("cache.delete(key)", key, tmp_path, REDIS_URL)
    assert _in_process("print(cache.get(key))", key, tmp_path, REDIS_URL) == "None"


@needs_redis
def test_with_redis_two_processes_counting_at_once_lose_no_count(tmp_path):
    key = f"count-{uuid.uuid4().hex}"
    count = "cache.add(key, 0, 60)\nfor _ in range(300):\n    cache.incr(key)\nprint('done')"
    both = [_start_in_process(count, key, tmp_path, REDIS_URL) for _ in range(2)]
    outputs = [p.communicate(timeout=60) for p in both]
    assert [p.returncode for p in both] == [0, 0], outputs
    assert _in_process("print(cache.get(key))", key, tmp_path, REDIS_URL) == "600"


def test_the_cache_setting_chooses_local_memory_or_redis():
    assert cache_settings("")["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    redis_cache = cache_settings("redis://10.0.0.5:6379/2")["default"]
    assert redis_cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis_cache["LOCATION"] == "redis://10.0.0.5:6379/2"
    assert redis_cache["OPTIONS"] == {"socket_connect_timeout": 2, "socket_timeout": 2}
    with pytest.raises(ValueError, match="LINLI_CACHE_URL"):
        cache_settings("memcached://10.0.0.5:11211")


def test_check_deploy_is_clean_with_a_redis_cache(tmp_path):
    env = {**os.environ, "LINLI_DATA_DIR": str(tmp_path), "LINLI_DEBUG": "0",
           "LINLI_SECRET_KEY": "x" * 20 + "-production-secret-key-that-is-long-and-random-enough-1234567890",
           "LINLI_ALLOWED_HOSTS": "linli.example.org", "LINLI_CACHE_URL": REDIS_URL}
    for leftover in ("LINLI_SSL_REDIRECT", "LINLI_SECURE_COOKIES", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"):
        env.pop(leftover, None)
    r = subprocess.run([sys.executable, "-m", "linli.cli", "check", "--deploy", "--fail-level", "WARNING"],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout
    shown = subprocess.run([sys.executable, "-m", "linli.cli", "shell", "-c",
                            "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"],
                           capture_output=True, text=True, env=env, timeout=120)
    assert shown.stdout.strip().splitlines()[-1] == "django.core.cache.backends.redis.RedisCache", shown.stderr

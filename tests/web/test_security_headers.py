"""Content-Security-Policy on every response, no inline script or style the
policy would block in any template, and the demo served with DEBUG off
(issue 10 item 17)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "linli"
TEMPLATES = sorted(p for p in SRC.rglob("templates/**/*.html"))


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in header.split("; ")}


@pytest.mark.parametrize("url", ["/", "/login/", "/boards/", "/no-such-page", "/api/v1/cases", "/healthz"])
def test_every_response_carries_the_policy(client, db, url):
    policy = _policy(client.get(url))
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in " ".join(sum(policy.values(), []))
    assert "'unsafe-eval'" not in " ".join(sum(policy.values(), []))


def test_templates_hold_no_inline_script_handler_or_style_attribute():
    offending = []
    for path in TEMPLATES:
        html = path.read_text(encoding="utf-8")
        name = str(path.relative_to(SRC))
        for _m in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", html):
            offending.append(f"{name}: inline script")
        if re.search(r"\son[a-z]+=", html):
            offending.append(f"{name}: on…= handler")
        if re.search(r"\sstyle=", html):
            offending.append(f"{name}: style attribute")
        if "<style" in html and name != "web/templates/500.html":
            offending.append(f"{name}: <style> element")
    assert offending == []


def test_the_error_pages_inline_style_is_allowed_by_its_hash(client, db):
    import base64
    import hashlib

    html = (SRC / "web" / "templates" / "500.html").read_text(encoding="utf-8")
    css = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert _policy(client.get("/"))["style-src"] == ["'self'", f"'sha256-{digest}'"]


def test_the_demo_runs_with_debug_off_and_no_https_only_settings(monkeypatch):
    from linli import cli

    seen: dict[str, Any] = {}
    monkeypatch.setattr("django.core.management.execute_from_command_line", lambda argv: seen.update(argv=argv))
    for name in cli.DEMO_ENVIRONMENT:
        monkeypatch.setenv(name, "1" if name == "LINLI_DEBUG" else "x")
    cli.main(["linli", "demo", "--no-serve"])
    import os

    assert seen["argv"] == ["linli", "demo", "--no-serve"]
    assert os.environ["LINLI_DEBUG"] == "0" and os.environ["LINLI_SSL_REDIRECT"] == "0"
    assert os.environ["LINLI_SECURE_COOKIES"] == "0" and os.environ["LINLI_HSTS_SECONDS"] == "0"


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie awaiting its parent counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _signs_in(base: str, username: str, password: str) -> bool:
    """Sign in through the login form (with its CSRF token) and open 我的 (/me/)."""
    import http.cookiejar
    import urllib.parse
    import urllib.request

    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = browser.open(f"{base}/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    browser.open(urllib.request.Request(f"{base}/login/", data=data.encode(), headers={"Referer": f"{base}/login/"}),
                 timeout=10)
    me = browser.open(f"{base}/me/", timeout=10)
    return me.status == 200 and urllib.parse.urlsplit(me.geturl()).path == "/me/"


def test_the_demo_shows_no_debug_page_for_a_wrong_host_or_a_bad_qr_code(tmp_path):
    """``linli demo`` for real: a wrong Host and an unknown QR code get plain
    error pages, without Django's debug page, paths or settings."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "LINLI_DATA_DIR": str(tmp_path), "LINLI_SECRET_KEY": "demo-test-" + "k" * 50}
    for leftover in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "LINLI_DEBUG", "DJANGO_SETTINGS_MODULE"):
        env.pop(leftover, None)
    proc = subprocess.Popen([sys.executable, "-m", "linli.cli", "demo", "--addr", f"127.0.0.1:{port}"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"

    def get(path, host=None):
        req = urllib.request.Request(base + path, headers={"Host": host} if host else {})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.read().decode(), r.headers
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(), e.headers

    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode()
                time.sleep(0.5)
        else:
            raise AssertionError("linli demo did not answer within 5 minutes")
        status, body, _h = get("/", host="evil.example")
        assert status == 400
        assert "DisallowedHost" not in body and "Traceback" not in body and "ALLOWED_HOSTS" not in body
        status, body, headers = get("/q/NO-SUCH-CODE")
        assert status == 404
        assert "URLconf" not in body and "Traceback" not in body and str(tmp_path) not in body
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        status, body, _h = get("/")
        css = re.search(r'href="(/static/linli/linli\.[0-9a-f]{12}\.css)"', body).group(1)
        assert get(css)[0] == 200
        # The printed demo logins sign in with the production hasher (they share one hash of the
        # demo password): a superuser and two staff made by different apps' demo data.
        for username in ("admin", "community_qb", "community_tf"):
            assert _signs_in(base, username, "linli-demo-2026"), username
        assert not _signs_in(base, "resident", "linli-demo-2025")
        # A plain SIGTERM to the demo (not to its process group) stops its worker too.
        with open(f"/proc/{proc.pid}/task/{proc.pid}/children") as f:
            children = [int(c) for c in f.read().split()]
        assert children, "the demo started no worker"
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(_running(c) for c in children):
            time.sleep(0.2)
        assert not any(_running(c) for c in children), "the demo's worker outlived it"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)

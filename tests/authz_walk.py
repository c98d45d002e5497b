"""The app-level walks shared by tests/<app>/test_every_page_asks_authz.py: every page of
one app's urlconf asks linli.authz (or sends to sign in), and every POST form carries
the CSRF token. Each app supplies its patterns' arguments; the checks are these."""
from __future__ import annotations

import re

from django.urls import URLPattern, get_resolver

from linli import authz
from tests.test_every_page_asks_authz import Recording


def app_patterns(urlconf: str):
    """The named URL patterns the root urlconf includes from module ``urlconf``."""
    for p in get_resolver().url_patterns:
        if getattr(p, "urlconf_name", None) is not None and getattr(p.urlconf_name, "__name__", "") == urlconf:
            yield from (x for x in p.url_patterns if isinstance(x, URLPattern))


def api_get_paths(prefix: str) -> list[str]:
    """The JSON API's GET paths (OpenAPI templates such as ``/api/v1/surveys/{id}``) under ``prefix``."""
    from linli.api.main import api

    return [path for path, ops in api.get_openapi_schema()["paths"].items()
            if "get" in ops and path.startswith(prefix)]


def fill(template: str, values) -> str:
    """``/api/v1/votes/{pk}`` -> ``/api/v1/votes/12``: each ``{param}`` from ``values(template, param)``."""
    return re.sub(r"\{(\w+)\}", lambda m: str(values(template, m.group(1))), template)


def silent_api_reads(client, monkeypatch, prefix: str, values, *, operations: int) -> list[str]:
    """``silent_pages`` for the JSON API's GET operations under ``prefix`` (there must be
    ``operations`` of them, so a new one is not walked unnoticed), each ``{param}`` filled
    by ``values(template, param)``."""
    paths = api_get_paths(prefix)
    assert len(paths) == operations, paths
    return silent_pages(client, monkeypatch, [(p, fill(p, values)) for p in paths], methods=("get",))


def silent_pages(client, monkeypatch, urls: list[tuple[str, str]], methods=("get", "post")) -> list[str]:
    """Request each (name, url) with each method: the ones answered without asking linli.authz
    (a sign-in redirect, or the API's 401 for a caller not signed in, counts as asking)."""
    rec = Recording(authz.RULES)
    monkeypatch.setattr(authz, "RULES", rec)
    silent = []
    for name, url in urls:
        for method in methods:
            rec.asked.clear()
            response = getattr(client, method)(url)
            if response.status_code == 405:
                continue
            to_login = (response.status_code == 302 and response["Location"].startswith("/login/")) or (
                response.status_code == 401 and url.startswith("/api/"))
            if not rec.asked and not to_login:
                silent.append(f"{method.upper()} {url} ({name}) -> {response.status_code}")
    return silent


def forms_without_csrf(client, urls: list[tuple[str, str]]) -> tuple[list[str], int]:
    """The pages whose POST forms lack the CSRF token, and how many pages had a POST form."""
    missing, pages_with_forms = [], 0
    for name, url in urls:
        response = client.get(url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        forms = re.findall(r"<form\b[^>]*>.*?</form>", response.content.decode(), flags=re.S | re.I)
        posts = [f for f in forms if re.search(r'method=["\']?post', f, flags=re.I)]
        pages_with_forms += bool(posts)
        missing += [name for f in posts if "csrfmiddlewaretoken" not in f]
    return missing, pages_with_forms

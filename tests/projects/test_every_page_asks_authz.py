"""Every project page asks the one authorisation function (or sends to sign in), for
anonymous and for a resident, GET and POST; every POST form carries the CSRF token
(as tests/test_every_page_asks_authz.py does for other apps)."""
from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, get_resolver, reverse
from PIL import Image

from linli import authz
from linli.projects import services as svc
from tests.test_every_page_asks_authz import Recording


def project_patterns():
    for p in get_resolver().url_patterns:
        if getattr(p, "urlconf_name", None) is not None and getattr(p.urlconf_name, "__name__", "") == "linli.projects.urls":
            yield from (x for x in p.url_patterns if isinstance(x, URLPattern))


def png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(out, format="PNG")
    return SimpleUploadedFile("a.png", out.getvalue(), content_type="image/png")


@pytest.fixture
def full(projworld):
    p = projworld.run()
    item = p.items.first()
    photo = svc.item_photo_add(item=item, upload=png(), after=False, by=projworld.staff)
    pledge = svc.pledge_add(project=p, by=projworld.person("resident"))
    return {"project": p.pk, "item": item.pk, "photo": photo.pk, "contribution": pledge.pk,
            "milestone": p.milestones.first().pk, "world": projworld}


def kwargs_for(pattern, full):
    out = {}
    for param in pattern.pattern.converters:
        route = str(pattern.pattern)
        if param == "code":
            out[param] = "X"
        elif "contributions" in route:
            out[param] = full["contribution"]
        elif "items" in route and "<int:pk>/items" not in route:
            out[param] = full["item"]
        elif "photos" in route:
            out[param] = full["photo"]
        elif "milestones/<int" in route:
            out[param] = full["milestone"]
        else:
            out[param] = full["project"]
    return out


def test_the_walk_covers_the_pages():
    assert len(list(project_patterns())) >= 23


@pytest.mark.parametrize("who", ["anonymous", "resident"])
def test_every_page_and_action_asks_the_authorisation_function(full, client, monkeypatch, who):
    if who != "anonymous":
        client.force_login(full["world"].person(who))
    rec = Recording(authz.RULES)
    monkeypatch.setattr(authz, "RULES", rec)
    silent = []
    for pattern in project_patterns():
        url = reverse(pattern.name, kwargs=kwargs_for(pattern, full))
        for method in ("get", "post"):
            rec.asked.clear()
            response = getattr(client, method)(url)
            if response.status_code == 405:
                continue
            to_login = response.status_code == 302 and response["Location"].startswith("/login/")
            if not rec.asked and not to_login:
                silent.append(f"{method.upper()} {url} ({pattern.name}) -> {response.status_code}")
    assert silent == [], "\n".join(silent)


def test_every_form_carries_a_csrf_token(full, client):
    client.force_login(full["world"].person("admin"))
    missing, pages_with_forms = [], 0
    for pattern in project_patterns():
        response = client.get(reverse(pattern.name, kwargs=kwargs_for(pattern, full)))
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        forms = re.findall(r"<form\b[^>]*>.*?</form>", response.content.decode(), flags=re.S | re.I)
        posts = [f for f in forms if re.search(r'method=["\']?post', f, flags=re.I)]
        pages_with_forms += bool(posts)
        missing += [pattern.name for f in posts if "csrfmiddlewaretoken" not in f]
    assert missing == [] and pages_with_forms >= 3

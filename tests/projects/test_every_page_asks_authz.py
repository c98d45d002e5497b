"""Every project page asks the one authorisation function (or sends to sign in), for
anonymous and for a resident, GET and POST; every POST form carries the CSRF token
(as tests/test_every_page_asks_authz.py does for other apps)."""
from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from linli.projects import services as svc
from tests.authz_walk import app_patterns, forms_without_csrf, silent_api_reads, silent_pages


def project_patterns():
    return app_patterns("linli.projects.urls")


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
    urls = [(p.name, reverse(p.name, kwargs=kwargs_for(p, full))) for p in project_patterns()]
    silent = silent_pages(client, monkeypatch, urls)
    assert silent == [], "\n".join(silent)


def test_every_form_carries_a_csrf_token(full, client):
    client.force_login(full["world"].person("admin"))
    urls = [(p.name, reverse(p.name, kwargs=kwargs_for(p, full))) for p in project_patterns()]
    missing, pages_with_forms = forms_without_csrf(client, urls)
    assert missing == [] and pages_with_forms >= 3


@pytest.mark.parametrize("who", ["anonymous", "resident"])
def test_every_api_read_asks_the_authorisation_function(full, client, monkeypatch, who):
    if who != "anonymous":
        client.force_login(full["world"].person(who))
    silent = silent_api_reads(client, monkeypatch, "/api/v1/projects/", lambda _t, param: full["project"] if param == "id" else "X", operations=2)
    assert silent == [], "\n".join(silent)

"""The admin covers every model of Linli's apps, in Chinese, and each list page
works with a search and has filters (issue 2 item 6)."""
from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

LINLI_APPS = {"org", "cases", "ledger", "disclosure", "mutualaid", "open311", "web", "surveys", "votes",
              "deliberation", "projects", "circles"}
CJK = re.compile(r"[\u4e00-\u9fff]")
# Gaps in apps other helpers own, reported to them; an entry here is only an
# allowance (the test does not require it to stay missing).
PENDING_ELSEWHERE: dict[str, set[str]] = {"filters": set(), "names": set()}


def linli_models():
    return [m for m in apps.get_models() if m._meta.app_label in LINLI_APPS and not m._meta.auto_created]


def admin_models():
    """Every model the admin shows, and every model of Linli's apps."""
    return sorted({*admin.site._registry, *linli_models()}, key=lambda m: m._meta.label)


def test_every_model_is_in_the_admin():
    missing = [m._meta.label for m in linli_models() if not admin.site.is_registered(m)]
    assert missing == []


def test_every_admin_list_has_search_and_filters():
    no_search = [m._meta.label for m, ma in admin.site._registry.items() if not ma.search_fields]
    no_filter = [
        m._meta.label for m, ma in admin.site._registry.items()
        if not (ma.list_filter or ma.date_hierarchy) and m._meta.label not in PENDING_ELSEWHERE["filters"]
    ]
    assert (no_search, no_filter) == ([], [])


def test_every_model_and_field_of_linli_has_a_chinese_name():
    untranslated = []
    with translation.override("zh-hans"):
        for model in linli_models():
            if model._meta.app_label in PENDING_ELSEWHERE["names"]:
                continue
            if not CJK.search(str(model._meta.verbose_name_plural)):
                untranslated.append(model._meta.label)
            for f in model._meta.get_fields():
                if f.concrete and f.name != "id" and not CJK.search(str(f.verbose_name)):
                    if f.name not in {"path", "digest"}:  # internal, never shown in the admin
                        untranslated.append(f"{model._meta.label}.{f.name}")
    assert untranslated == []


@pytest.mark.parametrize("model", admin_models(), ids=lambda m: m._meta.label)
def test_changelist_renders_in_chinese_with_search(world, client, model):
    client.force_login(world.person("admin"))
    assert admin.site.is_registered(model)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.get(url, {"q": "x"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
    with translation.override("zh-hans"):
        assert str(model._meta.verbose_name_plural) in html
    if admin.site._registry[model].list_filter:
        assert 'id="changelist-filter"' in html


@pytest.mark.parametrize("who", ["anonymous", "resident", "community_c1"])
def test_admin_is_closed_to_everyone_but_staff_accounts(world, client, who):
    if world.person(who) is not None:
        client.force_login(world.person(who))
    response = client.get(reverse("admin:cases_case_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_admin_speaks_english_after_the_language_switch(world, client):
    client.force_login(world.person("admin"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    html = client.get(reverse("admin:ledger_leg_changelist")).content.decode()
    assert 'lang="en"' in html and "legs" in html.lower() and "分录" not in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/admin/"})
    assert "分录" in client.get(reverse("admin:ledger_leg_changelist")).content.decode()

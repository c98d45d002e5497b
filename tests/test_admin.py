"""The admin covers every model of Linli's apps, in Chinese, and each list page
works with a search (issue 2 item 6)."""
from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

LINLI_APPS = {"org", "cases", "ledger", "disclosure", "open311", "web"}


def linli_models():
    return [m for m in apps.get_models() if m._meta.app_label in LINLI_APPS and not m._meta.auto_created]


def test_every_model_is_in_the_admin():
    missing = [m._meta.label for m in linli_models() if not admin.site.is_registered(m)]
    assert missing == []


@pytest.mark.parametrize("model", linli_models(), ids=lambda m: m._meta.label)
def test_changelist_renders_in_chinese_with_search(world, client, model):
    client.force_login(world.person("admin"))
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.get(url, {"q": "x"} if admin.site._registry[model].search_fields else {},
                          HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert str(model._meta.verbose_name_plural) in response.content.decode()
    assert 'lang="zh-hans"' in response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "resident", "community_c1"])
def test_admin_is_closed_to_everyone_but_staff_accounts(world, client, who):
    if world.person(who) is not None:
        client.force_login(world.person(who))
    response = client.get(reverse("admin:cases_case_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]

"""The shell in Debian's Chromium at phone and desktop width: Chinese by
default, sign in, browse places, switch language. Screenshots go to test-artifacts/."""
from __future__ import annotations

import pytest

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_signs_in_and_browses_their_compound_on_a_phone(world, live_server, phone, artifacts_dir):
    phone.goto(live_server.url + "/")
    assert "工作人员登录" in phone.inner_text("body")
    browser_login(phone, live_server, "property_x", "pw-property_x")
    assert "我的角色" in phone.inner_text("body")
    phone.click("a[href='/places/X/']")
    phone.wait_for_load_state()
    body = phone.inner_text("body")
    assert "导入楼栋和住户" in body and "X-B1" in body
    # Nothing wider than the screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(artifacts_dir / "org-compound-390.png"), full_page=True)


def test_wrong_password_says_so_in_chinese(world, live_server, phone):
    browser_login(phone, live_server, "property_x", "wrong")
    assert "用户名或密码错误" in phone.inner_text("body")


def test_language_switch_to_english_and_back(world, live_server, desktop, artifacts_dir):
    browser_login(desktop, live_server, "community_c1", "pw-community_c1")
    desktop.click("button:has-text('English')")
    desktop.wait_for_load_state()
    assert "Your roles" in desktop.inner_text("body")
    desktop.screenshot(path=str(artifacts_dir / "home-en-1280.png"), full_page=True)
    desktop.click("button:has-text('中文')")
    desktop.wait_for_load_state()
    assert "我的角色" in desktop.inner_text("body")


def test_account_pages_fit_a_phone(world, live_server, phone, artifacts_dir):
    """Password change, personal data and erasure, in Chinese at 390 px, under the
    Content-Security-Policy (the phone fixture fails on any refusal in the console)."""
    browser_login(phone, live_server, "resident", "pw-resident")
    for path, text, shot in (("/me/", "我的个人信息", "account"), ("/me/password/", "新密码", "password"),
                             ("/me/erase/", "删除我的个人信息", "erase"), ("/password-reset/", "忘记密码", "reset")):
        phone.goto(live_server.url + path)
        assert text in phone.inner_text("body"), path
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path
        phone.screenshot(path=str(artifacts_dir / f"account-{shot}-390.png"), full_page=True)


def test_the_admin_and_the_api_docs_work_under_the_content_security_policy(world, live_server, desktop):
    # The desktop fixture fails the test on any refusal in Chromium's console.
    browser_login(desktop, live_server, "admin", "pw-admin")
    for path in ("/admin/", f"/admin/org/person/{world.person('resident').pk}/change/", "/admin/cases/contactreveal/",
                 "/api/v1/docs"):
        desktop.goto(live_server.url + path)
        desktop.wait_for_load_state("networkidle")
    assert "Linli API" in desktop.inner_text("body")

"""The ``linli`` console script: api-token and demo."""
from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from linli.demo import DEMO_PASSWORD, demo_logins
from linli.org.models import Node, NodeKind, Person
from linli.org.services import api_token_authenticate


def test_api_token_create_prints_a_token_that_authenticates_as_that_user(world):
    out = io.StringIO()
    call_command("api_token", "create", "property_x", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("ll_")
    assert api_token_authenticate(raw) == world.person("property_x")


def test_api_token_revoke_from_the_cli(world):
    out = io.StringIO()
    call_command("api_token", "create", "property_x", stdout=out)
    raw = out.getvalue().strip()
    call_command("api_token", "revoke", raw[:10], stdout=io.StringIO())
    assert api_token_authenticate(raw) is None


def test_cli_alias_maps_hyphenated_command(monkeypatch, world, capsys):
    from linli import cli

    cli.main(["linli", "api-token", "create", "resident"])
    assert capsys.readouterr().out.strip().startswith("ll_")


@pytest.fixture
def demo(demo_state, db):
    """The demo, loaded once for the tests of this module (tests/conftest.py)."""


def count_households(code: str) -> int:
    return Node.objects.filter(kind=NodeKind.HOUSEHOLD, path__startswith=Node.objects.get(code=code).path).count()


def test_demo_follows_the_seed_reports(demo):
    assert {n.name for n in Node.objects.filter(kind=NodeKind.DISTRICT)} == {"温江区", "新都区", "锦江区", "青羊区"}
    ljgg = Node.objects.get(name="丽晶公馆")
    assert Node.objects.filter(kind=NodeKind.UNIT, path__startswith=ljgg.path).count() == 13
    assert count_households("GHDL3") == 329
    assert Node.objects.filter(kind=NodeKind.GROUP, parent__code="GHDL3").count() == 9
    lyct = Node.objects.get(name="莱茵春天")
    assert Node.objects.filter(kind=NodeKind.BUILDING, path__startswith=lyct.path).count() == 1
    assert count_households("LYCT") == 151 and lyct.property_mode == "trust"
    assert Node.objects.filter(kind=NodeKind.BUILDING, parent__code="DTSZ").count() == 33
    assert Node.objects.get(code="GP").name == "公平街道" and Node.objects.get(code="TJ").parent.code == "GP"


def test_demo_has_people_in_every_role(demo):
    from linli.org.models import Role, RoleAssignment

    assert set(RoleAssignment.objects.values_list("role", flat=True)) == set(Role.values)


def test_every_printed_demo_login_works(demo, settings):
    settings.AXES_ENABLED = True
    logins = demo_logins()
    assert ("admin", DEMO_PASSWORD) in [(u, p) for u, p, _ in logins]
    for username, password, _label in logins:
        c = Client()
        r = c.post("/login/", {"username": username, "password": password})
        assert r.status_code == 302, username
        assert c.get("/").status_code == 200
    assert Person.objects.get(username="admin").is_superuser


def test_demo_command_prepares_and_prints_logins(demo_command_output, db):
    # The demo state of the tests is what `linli demo --no-serve` made of an empty database.
    text = demo_command_output
    assert "Loading demo data" in text
    assert "http://127.0.0.1:8000/" in text
    for username, _password, _label in demo_logins():
        assert username in text
    assert DEMO_PASSWORD in text
    # A second run keeps the data as it is.
    n = Node.objects.count()
    again = io.StringIO()
    call_command("demo", "--no-serve", stdout=again)
    assert Node.objects.count() == n > 1000
    assert "Loading demo data" not in again.getvalue() and DEMO_PASSWORD in again.getvalue()


def test_demo_places_sit_where_the_seed_reports_put_them(demo):
    def chain(name):
        node = Node.objects.get(name=name)
        return [a.name for a in node.ancestors()] + [node.name]

    assert chain("地铁首座") == ["温江区", "天府街道", "天府社区", "地铁首座"]
    assert chain("合能·珍宝琥珀") == ["温江区", "涌泉街道", "凤凰社区", "合能·珍宝琥珀"]
    assert [g.name for g in Node.objects.filter(parent__code="ZBHP").order_by("code")] == ["一期", "二期"]
    assert chain("丽晶公馆") == ["温江区", "公平街道", "太极社区", "丽晶公馆"]
    assert chain("兰亭") == ["温江区", "和盛镇", "和盛社区", "兰亭"]
    assert chain("桂湖东路三巷") == ["新都区", "桂湖街道", "桂东社区", "桂湖东路三巷"]
    assert chain("莱茵春天") == ["锦江区", "书院街街道", "庆云社区", "莱茵春天"]
    assert chain("草堂街道") == ["青羊区", "草堂街道"]
    # Every compound records its service mode; every household sits in a micro-grid of its own community.
    assert not Node.objects.filter(kind=NodeKind.COMPOUND, property_mode="").exists()
    for h in Node.objects.filter(kind=NodeKind.HOUSEHOLD).select_related("microgrid"):
        community = h.path.split("/")[3]
        assert h.microgrid.path.split("/")[3] == community and (h.area_m2 or 0) > 0


def test_demo_households_all_belong_to_compounds(demo):
    assert Node.objects.filter(kind=NodeKind.HOUSEHOLD).count() == sum(
        count_households(c.code) for c in Node.objects.filter(kind=NodeKind.COMPOUND)
    )
    assert Node.objects.filter(kind=NodeKind.BUILDING, parent__parent__code="GHDL3").count() == 9


def test_serve_runs_gunicorn_with_static_files_from_whitenoise(tmp_path):
    """``linli serve`` in production settings: migrates, collects static files and
    runs gunicorn; whitenoise serves the hashed stylesheet with a far-future cache."""
    import os
    import re
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "LINLI_DATA_DIR": str(tmp_path), "LINLI_DEBUG": "0", "LINLI_SSL_REDIRECT": "0",
           "LINLI_SECRET_KEY": "serve-test-" + "k" * 50}
    for leftover in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(leftover, None)
    proc = subprocess.Popen([sys.executable, "-m", "linli.cli", "serve", "--addr", f"127.0.0.1:{port}", "--workers", "1"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                health = urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode()
                time.sleep(0.5)
        else:
            raise AssertionError("linli serve did not answer within 2 minutes")
        assert health.status == 200 and health.headers["Server"].startswith("gunicorn")
        home = urllib.request.urlopen(base + "/", timeout=5).read().decode()
        css = re.search(r'href="(/static/linli/linli\.[0-9a-f]{12}\.css)"', home).group(1)
        static = urllib.request.urlopen(base + css, timeout=5)
        assert static.status == 200 and "immutable" in static.headers["Cache-Control"]
        assert (tmp_path / "linli.sqlite3").exists() and (tmp_path / "static" / "staticfiles.json").exists()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_serve_collects_static_files_only_when_they_changed(tmp_path, settings):
    import os

    from linli.org.management.commands.serve import static_is_current

    settings.STATIC_ROOT = tmp_path
    assert not static_is_current()  # never collected
    manifest = tmp_path / "staticfiles.json"
    manifest.write_text("{}")
    assert static_is_current()  # newer than every source file
    os.utime(manifest, (0, 0))
    assert not static_is_current()  # a source file changed since (an upgrade)


def test_readme_lists_every_demo_login_and_the_two_commands():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    listed = {line.split("|")[1].strip() for line in readme.splitlines() if line.startswith("| ") and "|" in line[2:]}
    assert {u for u, _p, _l in demo_logins()} <= listed
    assert DEMO_PASSWORD in readme
    assert "bash scripts/demo.sh" in readme and "bash scripts/test.sh" in readme
    for doc in ("docs/development.md", "docs/deployment.md", "docs/ledger.md"):
        assert doc in readme and (Path(__file__).resolve().parents[1] / doc).exists()


def test_demo_money_follows_the_seed_reports(demo):
    from linli.disclosure.models import CrowdfundingCampaign, Fund, Objection, Report, SpendingRequest
    from linli.ledger.selectors import verify_all

    published = Report.objects.filter(state="published")
    assert set(published.values_list("compound__code", "kind")) == {("DTSZ", "finance"), ("DTSZ", "service"),
                                                                     ("LYCT", "finance")}
    assert all(r.chain_head and r.chain_head["hash"] for r in published)
    assert Objection.objects.filter(report__compound__code="DTSZ", answered_at__isnull=True).count() == 1
    gg = Fund.objects.get(code="ZBHP-GG")
    assert set(gg.supervisors.values_list("party", flat=True)) == {"residents_committee", "developer", "bank"}
    assert sorted(SpendingRequest.objects.filter(fund=gg).values_list("state", flat=True)) == ["posted", "waiting2"]
    campaign = CrowdfundingCampaign.objects.get(fund__code="GHDL3-WJJ")
    assert campaign.target == 600_000_00 and campaign.pledges.filter(state="received").count() == 3
    assert verify_all() == []

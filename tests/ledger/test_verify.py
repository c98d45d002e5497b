"""linli ledger verify / verify-export, public downloads and the API."""
from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from linli.ledger import chain
from linli.ledger import services as s
from linli.ledger.models import Leg
from tests.ledger.helpers import open_accounts


@pytest.fixture
def books(world):
    src, (a, b) = open_accounts(world["X"], 2)
    s.ledger_post(legs=[(src, -10000), (a, 10000)], idempotency_key="k1", memo="物业费收入")
    s.ledger_post(legs=[(a, -2500), (b, 2500)], idempotency_key="k2", memo="保洁费")
    s.ledger_post(legs=[(a, -100), (b, 100)], idempotency_key="k3", memo="办公用品")
    return src, a, b


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("ledger", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def tamper(sql, params):
    """Change a posted row behind the application's back, as a DB superuser could."""
    import uuid

    params = [(p.hex if connection.vendor == "sqlite" else str(p)) if isinstance(p, uuid.UUID) else p for p in params]
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("SET LOCAL session_replication_role = replica")  # triggers off for this transaction
            c.execute(sql, params)
            c.execute("SET LOCAL session_replication_role = origin")
        else:
            c.execute("DROP TRIGGER ledger_leg_append_only")  # rolled back with the test
            c.execute(sql, params)


def test_verify_passes_on_honest_books(books):
    out, _err = run("verify")
    assert out.startswith("ok:")


def test_verify_catches_a_leg_altered_in_the_database(books):
    _src, a, _b = books
    leg = Leg.objects.get(account=a, seq=2)
    # Both legs of the transfer, so it still sums to zero (the deferred trigger
    # would otherwise refuse it at commit): only the chains and balances tell.
    tamper("UPDATE ledger_leg SET amount = CASE WHEN amount < 0 THEN -25 ELSE 25 END WHERE transaction_id = %s",
           [leg.transaction_id])
    with pytest.raises(CommandError):
        run("verify")
    from linli.ledger.selectors import verify_all

    problems = verify_all()
    assert any(p.startswith(a.code) for p in problems)


def test_verify_names_the_account_on_the_command_line(books, capsys):
    _src, a, _b = books
    leg = Leg.objects.get(account=a, seq=3)
    tamper("UPDATE ledger_leg SET balance_after = %s WHERE id = %s", [999999, leg.pk])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("ledger", "verify", stdout=io.StringIO(), stderr=err)
    assert a.code in err.getvalue()


def test_json_download_verifies_offline_and_an_edit_is_caught(books, client, tmp_path):
    _src, a, _b = books
    r = client.get(f"/ledger/accounts/{a.code}/ledger.json")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    data = json.loads(r.content)
    assert [e["amount"] for e in data["entries"]] == [10000, -2500, -100]
    good = tmp_path / "good.json"
    good.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out, _ = run("verify-export", str(good))
    assert "3 entries" in out
    data["entries"][1]["amount"] = -250  # someone "fixes" an amount
    data["entries"][1]["balance_after"] = 9750
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="entry 2"):
        run("verify-export", str(bad))


def test_verify_export_needs_no_database(books, client, tmp_path, django_db_blocker):
    _src, a, _b = books
    data = json.loads(client.get(f"/ledger/accounts/{a.code}/ledger.json").content)
    del data["entries"][0]
    with django_db_blocker.block():
        with pytest.raises(chain.ExportProblem) as err:
            chain.verify_export(data)
    assert err.value.seq == 1


def test_verify_export_reports_unreadable_file(tmp_path):
    f = tmp_path / "x.json"
    f.write_text("{not json")
    with pytest.raises(CommandError):
        run("verify-export", str(f))
    f.write_text("{}")
    with pytest.raises(CommandError, match="linli-ledger-export"):
        run("verify-export", str(f))


def test_csv_download_and_public_page(books, client):
    _src, a, _b = books
    r = client.get(f"/ledger/accounts/{a.code}/ledger.csv")
    text = r.content.decode("utf-8-sig")
    assert r.status_code == 200 and "保洁费" in text and "-25.00" in text
    a.refresh_from_db()
    page = client.get(f"/ledger/accounts/{a.code}/").content.decode()
    assert "74.00" in page and "ledger.json" in page and a.head_hash in page


def test_api_lists_public_accounts_with_links(books, client):
    r = client.get("/api/v1/ledger/public")
    assert r.status_code == 200
    rows = {row["code"]: row for row in r.json()}
    _src, a, _b = books
    assert rows[a.code]["balance"] == 7400 and rows[a.code]["json_url"].endswith("/ledger.json")
    assert rows[a.code]["head"] == a.__class__.objects.get(pk=a.pk).head_hash


@pytest.mark.parametrize("who, status", [
    ("anonymous", 403), ("resident", 403), ("owner", 403), ("property_z", 403), ("property_x", 200),
    ("community_c1", 200), ("admin", 200),
])
def test_internal_account_permission_matrix(world, client, who, status):
    src, (a,) = open_accounts(world["X"], 1, prefix="IN", public=False)
    if world.person(who):
        client.force_login(world.person(who))
    r = client.get(f"/ledger/accounts/{a.code}/")
    assert r.status_code == status
    listed = a.code in client.get("/ledger/").content.decode()
    assert listed == (status == 200)


@pytest.mark.parametrize("who", ["anonymous", "resident", "property_z", "property_x"])
def test_public_account_is_open_to_everyone(books, client, world, who):
    if world.person(who):
        client.force_login(world.person(who))
    _src, a, _b = books
    assert client.get(f"/ledger/accounts/{a.code}/ledger.csv").status_code == 200


def test_unknown_account_is_404(db, client):
    assert client.get("/ledger/accounts/nope/").status_code == 404


def test_verify_export_runs_offline_from_the_command_line(books, client, tmp_path):
    """``linli ledger verify-export`` needs neither the server nor a reachable database."""
    import os
    import subprocess
    import sys

    _src, a, _b = books
    data = json.loads(client.get(f"/ledger/accounts/{a.code}/ledger.json").content)
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    data["entries"][2]["amount"] = -10  # one amount edited in the downloaded file
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "LINLI_DATA_DIR": str(tmp_path / "data"),
           "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nowhere"}  # nothing listens on port 1

    def cli(path):
        return subprocess.run([sys.executable, "-m", "linli.cli", "ledger", "verify-export", str(path)],
                              capture_output=True, text=True, env=env, timeout=60)

    ok = cli(good)
    assert ok.returncode == 0 and f"{a.code}: 3 entries" in ok.stdout, ok.stderr
    refused = cli(bad)
    assert refused.returncode == 1
    assert "entry 3" in refused.stderr


@pytest.mark.parametrize("path", ["/api/v1/ledger/public", "/api/v1/disclosure/funds/X-GG"])
def test_ledger_and_disclosure_api_ask_the_authorisation_function(world, client, monkeypatch, path):
    from linli import authz
    from linli.disclosure import funds

    funds.fund_create(node=world["X"], code="X-GG", name="共管资金", kind="comanaged", by=world.person("community_c1"))
    asked = []
    real_can = authz.can

    def can(person, action, obj=None):
        asked.append(action)
        return real_can(person, action, obj)

    monkeypatch.setattr(authz, "can", can)
    assert client.get(path).status_code == 200
    assert asked and all(a.split(".")[0] in {"ledger", "disclosure"} for a in asked)


def test_ledger_csv_keeps_formula_like_memos_as_text_and_amounts_as_numbers(world, client):
    import csv

    src, (a,) = open_accounts(world["X"], 1)
    s.ledger_post(legs=[(src, -10000), (a, 10000)], idempotency_key="f1", memo='=HYPERLINK("http://e.example")')
    s.ledger_post(legs=[(src, 500), (a, -500)], idempotency_key="f2", memo="-退款")
    text = client.get(f"/ledger/accounts/{a.code}/ledger.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [[r[3], r[4], r[6]] for r in rows[1:]] == [
        ["10000", "100.00", '\'=HYPERLINK("http://e.example")'], ["-500", "-5.00", "'-退款"]]

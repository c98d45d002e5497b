"""No page or endpoint bypasses the one authorisation function (issue 2 item 4).

Walks every URL pattern of the shell, resident requests (intake, tracking,
staff pages, boards, inspections), Open311, the ledger and disclosure, fills its
parameters with real objects, and requests it (GET and POST) as anonymous and
as a resident while recording which actions ``linli.authz`` was asked about.
Every request must have asked at least one action or been sent to sign in
(``login_required``), except the few pages that exist before anyone can be
authorised (sign in, sign out, language switch, the anonymous home page).
"""
from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image

from linli import authz
from linli.cases import services as case_services
from linli.cases.models import Category, Escalation, Notification, Source
from linli.disclosure import funds, services
from linli.ledger.services import account_open
from linli.org import services as org
from linli.org.models import Role

# Views that run before authorisation can mean anything; the Open311 connection guide
# is documentation (like the API's docs page); any other path under /open311/v2/ is
# the spec's "not found" document.
EXEMPT = {"login", "logout", "set_language", "developers", "open311_unknown",
          # Forgot one's password: before anyone is signed in (the e-mailed link is the proof).
          "password_reset", "password_reset_done", "password_reset_confirm", "password_reset_complete"}
# The home page greets a visitor who is not signed in with the sign-in link only.
ANONYMOUS_HOME = {"home"}
MY_MODULES = ("linli.web.", "linli.cases.", "linli.open311.", "linli.ledger.", "linli.disclosure.", "linli.outbox.",
              "django.contrib.auth.", "linli.org.")


class Recording(dict):
    def __init__(self, rules):
        super().__init__(rules)
        self.asked: list[str] = []

    def __getitem__(self, key):
        self.asked.append(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.asked.append(key)
        return super().get(key, default)


def patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            if getattr(p, "namespace", None) == "admin":
                continue
            yield from patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and p.name:
            module = getattr(p.callback, "__module__", "")
            if module.startswith(MY_MODULES) or p.name in {"home", "healthz"}:
                yield p


@pytest.fixture
def objects(world):
    for name, code in (("committee_x", "X"),):
        p = org.person_create(username=name, real_name=name, password="pw", by=None)
        org.role_assign(person=p, role=Role.OWNERS_COMMITTEE, node=world[code], by=None)
        world.people[name] = p
    staff, committee = world.person("property_x"), world.person("committee_x")
    today = timezone.localdate()
    entry = services.money_entry_create(compound=world["X"], kind="fee_received", date=today, amount=100000, by=staff)
    q = (today.month - 1) // 3 + 1
    report = services.report_draft(compound=world["X"], kind="finance", year=today.year, quarter=q, by=staff)
    services.report_review(report=report, approve=True, by=committee)
    report = services.report_publish(report=report, by=staff)
    objection = services.objection_create(report=report, line="fee_received", text="?", by=world.person("owner"))
    by = world.person("community_c1")
    fund = funds.fund_create(node=world["X"], code="X-GG", name="共管资金", kind="comanaged", by=by)
    funds.supervisor_add(fund=fund, person=committee, party="owners_committee", level=1, by=by)
    funds.supervisor_add(fund=fund, person=world.person("grid_c1"), party="residents_committee", level=1, by=by)
    funds.supervisor_add(fund=fund, person=by, party="community", level=2, by=by)
    funds.fund_donate(fund=fund, amount=1_000_000, name="捐赠人", by=by)
    spending = funds.spend_request(fund=fund, amount=1000, payee="维修公司", purpose="换灯", by=committee)
    campaign = funds.campaign_create(fund=fund, title="加装电梯", target=500_000,
                                     deadline=today + dt.timedelta(days=30), by=by)
    pledge = funds.pledge_add(campaign=campaign, source="residents", amount=1000, name="1栋", by=by)
    account = account_open(code="X:internal", name="内部", kind="asset", node=world["X"], asset="CNY")
    token, _raw = org.api_token_create(person=world.person("property_x"), name="t", by=None)
    # Resident requests: one with a photo, escalated, with a notification; an inspection campaign.
    case = case_services.case_create(node=world["X-B1-U1"], category=Category.objects.get(code="repair"),
                                     description="楼道灯不亮", source=Source.QR, photos=[_jpeg()])
    photo = case.photos.get()
    deadline = case.deadlines.order_by("pk")[0]
    escalation = Escalation.objects.create(case=case, deadline=deadline, level=1, role=Role.COMMUNITY_STAFF,
                                           node=world["C1"], created_at=timezone.now())
    notification = Notification.objects.create(recipient=world.person("resident"), case=case, kind="test",
                                               title="通知")
    inspection = case_services.campaign_create(node=world["C1"], title="消防通道检查", starts_on=today,
                                               ends_on=today + dt.timedelta(days=7), by=by)
    return {
        "node": "X", "account": account.code, "fund": fund.code, "entry": entry.pk, "report": report.pk,
        "objection": objection.pk, "spending": spending.pk, "campaign": campaign.pk, "pledge": pledge.pk,
        "token": token.pk, "case": case.pk, "photo": photo.pk, "tracking_code": case.tracking_code,
        "escalation": escalation.pk, "notification": notification.pk, "inspection": inspection.pk,
        "unit": "X-B1-U1", "category": "repair", "person": world.person("resident").pk,
        "role": world.person("leader_m1").roles.get().pk,
    }


def _jpeg() -> SimpleUploadedFile:
    raw = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 40, 40)).save(raw, format="JPEG")
    return SimpleUploadedFile("p.jpg", raw.getvalue(), content_type="image/jpeg")


PK_OF = {
    "token_revoke": "token", "disclosure_entry_correct": "entry", "disclosure_voucher": "entry",
    "disclosure_report": "report", "disclosure_report_print": "report", "disclosure_report_export": "report",
    "disclosure_report_work": "report", "disclosure_report_review": "report", "disclosure_report_publish": "report",
    "disclosure_report_correct": "report", "disclosure_objection_add": "report",
    "disclosure_objection_answer": "objection", "spend_decide": "spending", "campaign_detail": "campaign",
    "pledge_new": "campaign", "campaign_close": "campaign", "pledge_receive": "pledge",
    "person_password": "person",
    "case_detail": "case", "case_act": "case", "case_photo": "case", "notification_read": "notification",
    "escalation_ack": "escalation", "inspection": "inspection", "inspection_participant_add": "inspection",
    "inspection_problem_add": "inspection", "case_track_photo": "photo",
    # pledges
    "pledge_offer": "campaign", "campaign_pledges": "campaign", "pledge_confirm": "pledge", "pledge_reject": "pledge",
    # role pages
    "role_withdraw": "role",
}
# ``code`` names a place, except on these pages.
CODE_OF = {"qr_entry": "unit", "qr_help": "unit", "qr_support": "unit", "case_track": "tracking_code", "case_rate": "tracking_code", "case_track_photo": "tracking_code",
           "open311_service_definition": "category"}


def kwargs_for(pattern, objects):
    name = pattern.name
    out = {}
    # path() names its parameters in converters, re_path() (Open311) in the regex's groups.
    for param in pattern.pattern.converters or pattern.pattern.regex.groupindex:
        if param == "fmt":
            out[param] = "json" if name.startswith("open311_") else "csv"
        elif param == "code" and name in CODE_OF:
            out[param] = objects[CODE_OF[name]]
        elif param == "code":
            kind = "account" if name.startswith("ledger_") else "fund" if name.startswith("fund_") or name == "campaign_new" else "node"
            out[param] = objects[kind]
        elif param == "photo_pk":
            out[param] = objects["photo"]
        elif param == "action":
            out[param] = "accept"
        elif param == "rid":
            out[param] = str(objects["case"])
        elif param == "token":
            out[param] = objects["tracking_code"]
        elif param == "rest":
            out[param] = "nothing.json"
        elif param == "pk":
            assert name in PK_OF, f"{name}: add a sample object to PK_OF"
            out[param] = objects[PK_OF[name]]
        else:
            raise AssertionError(f"{name}: no sample for parameter {param}")
    return out


def test_the_walk_covers_the_pages():
    names = {p.name for p in patterns()}
    assert {"home", "healthz", "node_detail", "tree_import", "ledger_account_json", "disclosure_report_print",
            "fund_detail", "pledge_receive", "disclosure_objection_answer", "qr_entry", "case_track", "queue",
            "case_act", "board", "evaluation", "inspection", "open311_requests", "open311_discovery",
            "developers"} <= names


@pytest.mark.parametrize("who", ["anonymous", "resident"])
def test_every_page_and_endpoint_asks_the_authorisation_function(world, objects, client, monkeypatch, who):
    if world.person(who):
        client.force_login(world.person(who))
    rec = Recording(authz.RULES)
    monkeypatch.setattr(authz, "RULES", rec)
    silent = []
    for pattern in patterns():
        if pattern.name in EXEMPT:
            continue
        url = reverse(pattern.name, kwargs=kwargs_for(pattern, objects))
        for method in ("get", "post"):
            rec.asked.clear()
            response = getattr(client, method)(url)
            if response.status_code == 405:
                continue
            to_login = response.status_code == 302 and response["Location"].startswith("/login/")
            if not rec.asked and not to_login and not (who == "anonymous" and pattern.name in ANONYMOUS_HOME):
                silent.append(f"{method.upper()} {url} ({pattern.name}) -> {response.status_code}")
    assert silent == [], "\n".join(silent)


def test_every_form_on_these_pages_carries_a_csrf_token(world, objects, client):
    """Signed in as the superuser (who is shown every staff form), each page's
    POST forms all carry Django's CSRF token."""
    import re

    client.force_login(world.person("admin"))
    missing, pages_with_forms = [], 0
    for pattern in patterns():
        if pattern.name in EXEMPT:
            continue
        response = client.get(reverse(pattern.name, kwargs=kwargs_for(pattern, objects)))
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        forms = re.findall(r"<form\b[^>]*>.*?</form>", response.content.decode(), flags=re.S | re.I)
        posts = [f for f in forms if re.search(r'method=["\']?post', f, flags=re.I)]
        pages_with_forms += bool(posts)
        missing += [pattern.name for f in posts if "csrfmiddlewaretoken" not in f]
    assert missing == [] and pages_with_forms >= 8


# The JSON API's reads of the core apps; the other apps' reads are walked in their own
# tests/<app>/test_every_page_asks_authz.py. Mutual aid's task and merchant reads need
# that app's objects and are walked in tests/mutualaid.
API_SKIPPED = {"/api/v1/mutualaid/tasks/{id}", "/api/v1/mutualaid/merchants/{code}"}
API_CORE = ("/api/v1/org/", "/api/v1/ledger/", "/api/v1/disclosure/", "/api/v1/mutualaid/", "/api/v1/cases",
            "/api/v1/boards/", "/api/v1/evaluation/", "/api/v1/my/", "/api/v1/track/", "/api/v1/campaigns/",
            "/api/v1/places/")


def _api_value(objects):
    def value(template, param):
        if param == "id":  # /api/v1/<prefix>/{id}…: the sample object of that prefix
            for prefix, name in (("/api/v1/disclosure/reports/", "report"), ("/api/v1/disclosure/campaigns/", "campaign"),
                                 ("/api/v1/campaigns/", "inspection"), ("/api/v1/cases/", "case")):
                if template.startswith(prefix):
                    return objects[name]
            raise AssertionError(f"{template}: no sample object for {{id}}")
        if param == "photo_id":
            return objects["photo"]
        if template.startswith("/api/v1/disclosure/funds/"):
            return objects["fund"]
        if template.startswith("/api/v1/track/"):
            return objects["tracking_code"]
        if template.startswith("/api/v1/evaluation/"):
            return "S1"
        if template.startswith("/api/v1/mutualaid/communities/"):
            return "C1"
        return "X"
    return value


@pytest.mark.parametrize("who", ["anonymous", "resident"])
def test_every_api_read_asks_the_authorisation_function(world, objects, client, monkeypatch, who):
    from tests.authz_walk import api_get_paths, fill, silent_pages

    if world.person(who):
        client.force_login(world.person(who))
    paths = [p for p in api_get_paths("/api/v1/") if p.startswith(API_CORE) and p not in API_SKIPPED]
    assert len(paths) >= 25
    urls = [(p, fill(p, _api_value(objects))) for p in paths]
    silent = silent_pages(client, monkeypatch, urls, methods=("get",))
    assert silent == [], "\n".join(silent)

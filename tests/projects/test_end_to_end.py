"""A courtyard renovation from its notice to its final accounts (issue 16, "must show"):
notice → comments → decision → pledges and confirmed payments → a construction problem
reported from a phone goes to the construction company, escalates when late, is fixed →
acceptance → final accounts equal to the ledger."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from linli.cases import services as cases
from linli.cases.deadline_sweep import sweep_run
from linli.cases.models import Escalation
from linli.ledger.models import Account
from linli.ledger.selectors import verify_all
from linli.outbox.models import OutboxMessage
from linli.projects import services as svc
from linli.projects.models import Contribution, Event, Problem


def test_a_renovation_from_notice_to_final_accounts(projworld, client, api_client):
    w, p, staff = projworld.world, projworld.project, projworld.staff
    resident, owner, builder, inspector = (w.person(n) for n in ("resident", "owner", "builder", "inspector"))

    # Notice: everyone sees it, phones of the companies masked.
    page = client.get(f"/projects/{p.pk}/").content.decode()
    assert "X 小区院落改造" in page and "138****5678" in page and "13812345678" not in page
    assert "拆除违建" in page and "22 处" in page

    # Comments: the resident from the page, the owner through the API (CSRF on).
    client.force_login(resident)
    assert client.post(f"/projects/{p.pk}/comment", {"support": "yes", "text": "支持，早点动工"}).status_code == 302
    api_client.force_login(owner)
    api_client.get("/")
    token = api_client.cookies["csrftoken"].value
    r = api_client.post(f"/api/v1/projects/{p.pk}/comments", {"support": False, "text": "担心噪音"},
                        content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert r.status_code == 201, r.content
    assert "2 户支持" not in client.get(f"/projects/{p.pk}/").content.decode()
    assert "1 户支持，1 户不支持" in client.get(f"/projects/{p.pk}/").content.decode()

    # Decision after the comment period; the committee and the contractor hear of it (outbox).
    projworld.approve()
    assert projworld.refresh().status == "approved"
    assert Event.objects.get(project=p, kind="decided").data == {"approve": True, "support": 1, "against": 1}
    assert OutboxMessage.objects.filter(address="builder@example.cn", subject="项目决定：X 小区院落改造").exists()

    # Pledges by area (88.5 m² × ¥10 = ¥885.00) wait until confirmed; other sources arrive.
    r = client.post(f"/projects/{p.pk}/pledge")
    assert r.status_code == 302
    r = api_client.post(f"/api/v1/projects/{p.pk}/pledges", {}, content_type="application/json",
                        HTTP_X_CSRFTOKEN=token)
    assert r.status_code == 201 and r.json()["amount"] == 88500 and r.json()["state"] == "pledged"
    page = client.get(f"/projects/{p.pk}/").content.decode()
    assert "¥0.00" in page and "0 / 3 户已缴" not in page
    for c in Contribution.objects.filter(project=p, state="pledged"):
        svc.contribution_confirm(contribution=c, by=staff)
    svc.contribution_record(project=p, source="government", amount=6_000_000, payer="区住建局", by=staff)
    svc.contribution_record(project=p, source="work_units", amount=800_000, payer="辖区单位", by=staff)
    gift = svc.contribution_record(project=p, source="donations", amount=50_000, payer="热心居民", by=staff)
    svc.contribution_refund(contribution=gift, by=staff)  # given back: the donor asked
    page = client.get(f"/projects/{p.pk}/").content.decode()
    assert "王**" not in page  # the people of the world have latin names: masked as the committee chose
    assert "r**" in page and "o**" in page  # resident, owner
    assert "¥69,770.00" in page  # 60,000 + 8,000 + 885 + 885 received (the donation refunded)

    # Construction starts; a resident reports a safety problem from the phone, without signing in.
    svc.project_start(project=p, by=staff)
    anon = type(client)()
    assert "施工监督" in anon.get("/q/X-B1-U1").content.decode()
    r = anon.post(f"/projects/{p.pk}/supervise", {"kind": "safety", "description": "脚手架没有防护网，孩子经过很危险",
                                                 "place": "X-B1-U1", "contact_phone": "13911112222"})
    assert r.status_code == 302 and r["Location"].startswith("/t/")
    problem = Problem.objects.get(project=p)
    case = problem.case
    assert (case.category.code, case.policy.code, case.status) == ("construction-safety", "construction", "dispatched")
    assert (case.assignee, case.responsible) == (builder, "川建装饰工程公司")
    assert OutboxMessage.objects.filter(address="builder@example.cn", subject="施工监督：X 小区院落改造").exists()

    # Nobody arrives within the project's 4 hours: the sweep (clock moved on) escalates it.
    result = sweep_run(now=case.received_at + dt.timedelta(hours=5))
    assert result.breaches >= 1
    assert Escalation.objects.filter(case=case).exists()
    assert case.deadlines.filter(clock="on_site", breached_at__isnull=False).exists()

    # The construction company fixes it.
    cases.case_arrive(case=case, by=builder)
    cases.case_plan(case=case, by=builder, colour="green", note="今天加装防护网")
    cases.case_finish(case=case, by=builder, note="已加装防护网")
    page = client.get(f"/projects/{p.pk}/").content.decode()
    assert 'id="problems-found">1<' in page and 'id="problems-fixed">1<' in page and 'id="problems-open">0<' in page

    # Payments per item, milestones signed by the committee (owner) and the supervisor.
    items = list(p.items.all())
    svc.item_pay(item=items[0], amount=2_800_000, payee="川建装饰工程公司", by=staff)
    svc.item_pay(item=items[1], amount=3_900_000, payee="川建装饰工程公司", by=staff)
    for m in p.milestones.all():
        svc.milestone_sign(milestone=m, by=owner)
        svc.milestone_sign(milestone=m, by=inspector)

    # Acceptance publishes the final accounts; they equal the ledger.
    svc.project_accept(project=p, by=staff)
    p = projworld.refresh()
    fa = p.final_accounts

    def bal(code):
        return Account.objects.get(code=code).balance

    received = {s["source"]: s["received"] for s in fa["sources"]}
    assert received == {"government": 6_000_000, "work_units": 800_000, "residents": 177_000, "donations": 0}
    for source, amount in received.items():
        if amount:
            assert -bal(f"project:{p.pk}:in:{source}") == amount
    assert {i["title"]: i["spent"] for i in fa["items"]} == {"拆除违建": 2_800_000, "新增车位": 3_900_000, "充电桩": 0}
    assert fa["spent"] == bal(f"project:{p.pk}:item:{items[0].pk}") + bal(f"project:{p.pk}:item:{items[1].pk}")
    assert fa["balance"] == bal(f"project:{p.pk}") == fa["received"] - fa["spent"] == 277_000
    assert verify_all() == []

    # Residents rate it; the page shows the final accounts.
    svc.rating_add(project=p, score=5, by=resident)
    svc.rating_add(project=p, score=4, by=owner)
    page = client.get(f"/projects/{p.pk}/").content.decode()
    assert "4.5" in page and 'id="final-accounts"' in page and "2,770.00" in page
    assert timezone.now() >= p.accepted_at

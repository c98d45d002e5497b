"""Demo money of the seed reports, entered through the same services as by hand.

- 地铁首座 (seed 000, 双晒): a published income/expense report and a property
  service report of last quarter, with an owner's objection waiting for an answer.
- 莱茵春天 (seed 003, trust-style property): last quarter's money and the works
  the new property team did (lift light curtains, bulky-waste removal, lights).
- 珍宝琥珀 (seed 001): the co-managed fund account supervised by the residents'
  committee, the developer and the bank, one spending request paid after two
  approvals and one waiting for the second; the community micro-fund.
- 桂湖东路三巷 (seed 002): the micro-fund and the residents' crowdfunding of
  600,000 yuan for gas pipes, wiring and gates.
"""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from linli.disclosure import funds, services
from linli.org import services as org
from linli.org.models import Node, Role


def _helper(username: str, real_name: str, role: str, code: str):
    """A person the demo needs behind the scenes (no password: not a demo login)."""
    person = org.person_create(username=username, real_name=real_name, by=None)
    org.role_assign(person=person, role=role, node=Node.objects.get(code=code), by=None)
    return person


def _last_quarter() -> tuple[int, int]:
    today = timezone.localdate()
    q = (today.month - 1) // 3 + 1
    return (today.year, q - 1) if q > 1 else (today.year - 1, 4)


def _money(compound: Node, by, start: dt.date, lines) -> None:
    for day, kind, yuan, memo in lines:
        services.money_entry_create(compound=compound, kind=kind, date=start + dt.timedelta(days=day),
                                    amount=yuan * 100, memo=memo, by=by, key=f"demo:{compound.code}:{day}:{kind}")


def _publish(compound: Node, kind: str, year: int, quarter: int, *, by, committee, works=()):
    report = services.report_draft(compound=compound, kind=kind, year=year, quarter=quarter, by=by)
    for title, date, note in works:
        services.report_add_work(report=report, title=title, date=date, note=note, by=by)
    services.report_review(report=report, approve=True, by=committee)
    return services.report_publish(report=report, by=by)


def load_demo_money() -> None:
    year, q = _last_quarter()
    start, _end = services.quarter_range(year, q)

    # 地铁首座: 双晒 — 晒服务, 晒收支.
    dtsz = Node.objects.get(code="DTSZ")
    property_dtsz = dtsz.role_assignments.get(role=Role.PROPERTY_STAFF).person
    committee_dtsz = _helper("demo_dtsz_committee", "地铁首座业委会", Role.OWNERS_COMMITTEE, "DTSZ")
    _money(dtsz, property_dtsz, start, [
        (5, "fee_received", 186_000, "季度物业费"), (6, "parking", 12_500, "地面临时停车"),
        (7, "advertising", 3_000, "电梯广告"), (8, "telecom", 1_800, "通信基站场地费"),
        (20, "staff", 64_000, "项目部人员工资"), (21, "cleaning", 42_000, "保洁外包"),
        (22, "greening", 8_600, "草坪修剪、补植"), (23, "security", 51_000, "门岗及巡逻"),
        (24, "facilities", 15_200, "电梯年检、水泵保养"), (25, "management_fee", 15_000, "物业酬金"),
    ])
    services.fee_figures_set(compound=dtsz, year=year, quarter=q, due=200_000_00, received=186_000_00,
                             prepaid=6_000_00, owed=14_000_00, by=property_dtsz)
    for kind, yuan in (("cleaning", 160_000), ("security", 200_000), ("greening", 30_000)):
        services.budget_set(compound=dtsz, year=year, kind=kind, amount=yuan * 100, by=property_dtsz)
    finance = _publish(dtsz, "finance", year, q, by=property_dtsz, committee=committee_dtsz)
    _publish(dtsz, "service", year, q, by=property_dtsz, committee=committee_dtsz, works=[
        ("安装人脸识别门禁", start + dt.timedelta(days=15), "东、西两个大门"),
        ("楼道“码”上报二维码张贴", start + dt.timedelta(days=30), "33 个楼栋全覆盖"),
    ])
    owner = _helper("demo_dtsz_owner", "廖女士", Role.OWNER, "DTSZ-B01-U1-0101")
    services.objection_create(report=finance, line="security", text="秩序维护费比上季度多,请说明增加了哪些岗位。",
                              by=owner)

    # 莱茵春天: trust-style property service.
    lyct = Node.objects.get(code="LYCT")
    property_lyct = _helper("demo_lyct_property", "信托制物业项目经理", Role.PROPERTY_STAFF, "LYCT")
    committee_lyct = _helper("demo_lyct_committee", "莱茵春天业委会", Role.OWNERS_COMMITTEE, "LYCT")
    _money(lyct, property_lyct, start, [
        (3, "fee_received", 61_500, "季度物业费"), (4, "parking", 4_200, "地下车位临停"),
        (10, "cleaning", 18_000, "公共区域深度清理"), (12, "facilities", 9_800, "电梯光幕安装"),
        (14, "facilities", 6_400, "大厅和地下室灯光改造"), (16, "cleaning", 3_500, "大件垃圾清运"),
        (30, "management_fee", 6_150, "受托人酬金 10%"),
    ])
    services.fee_figures_set(compound=lyct, year=year, quarter=q, due=68_000_00, received=61_500_00,
                             prepaid=2_000_00, owed=6_500_00, by=property_lyct)
    _publish(lyct, "finance", year, q, by=property_lyct, committee=committee_lyct)

    # 珍宝琥珀: the co-managed fund account and the community micro-fund.
    zbhp = Node.objects.get(code="ZBHP")
    committee_zbhp = zbhp.role_assignments.get(role=Role.OWNERS_COMMITTEE).person
    fund = funds.fund_create(node=zbhp, code="ZBHP-GG", name="珍宝琥珀共管资金账户", kind="comanaged", approval_days=14,
                             purpose="收缴的欠款只用于小区改造:凤凰社区居委会、合能开发商、成都农商银行三方共管,两级审批。",
                             by=committee_zbhp)
    rc = org.person_create(username="demo_fh_rc", real_name="凤凰社区居委会", by=None)
    developer = org.person_create(username="demo_heneng", real_name="合能开发商", by=None)
    bank = org.person_create(username="demo_bank", real_name="成都农商银行", by=None)
    funds.supervisor_add(fund=fund, person=rc, party="residents_committee", level=1, by=committee_zbhp)
    funds.supervisor_add(fund=fund, person=developer, party="developer", level=1, by=committee_zbhp)
    funds.supervisor_add(fund=fund, person=bank, party="bank", level=2, by=committee_zbhp)
    funds.fund_donate(fund=fund, amount=380_000_00, name="收缴欠款", source="residents", memo="2023—2024 年清欠",
                      by=committee_zbhp)
    paid = funds.spend_request(fund=fund, amount=86_000_00, payee="防水工程公司", purpose="地下室漏水整治",
                               by=committee_zbhp)
    funds.spend_decide(request=paid, approve=True, note="已比价三家", by=rc)
    funds.spend_decide(request=paid, approve=True, note="凭合同付款", by=bank)
    waiting = funds.spend_request(fund=fund, amount=12_000_00, payee="照明公司", purpose="地下车库照明更换",
                                  by=committee_zbhp)
    funds.spend_decide(request=waiting, approve=True, note="同意", by=developer)
    fh_staff = _helper("demo_fh_staff", "凤凰社区工作人员", Role.COMMUNITY_STAFF, "FH")
    micro = funds.fund_create(node=Node.objects.get(code="FH"), code="FH-WJJ", name="凤凰社区微基金", kind="micro",
                              purpose="评述会后居民自愿捐款,用于社区治理小项目。", by=fh_staff)
    for name, yuan in (("饶女士", 200), ("陈克强", 100), ("", 50)):
        funds.fund_donate(fund=micro, amount=yuan * 100, name=name, anonymous=not name, memo="上半年评述会", by=fh_staff)

    # 桂湖东路三巷: micro-fund and the residents' crowdfunding.
    gd_staff = _helper("demo_gd_staff", "桂东社区工作人员", Role.COMMUNITY_STAFF, "GD")
    gd_fund = funds.fund_create(node=Node.objects.get(code="GHDL3"), code="GHDL3-WJJ", name="桂湖东路三巷微基金",
                                kind="micro", purpose="小区“造血”:共享停车位收益和捐赠,用于院落小项目。", by=gd_staff)
    funds.fund_donate(fund=gd_fund, amount=2_000_00, name="四川音乐学院", source="employer", by=gd_staff)
    funds.fund_donate(fund=gd_fund, amount=200_00, anonymous=True, by=gd_staff)
    campaign = funds.campaign_create(
        fund=gd_fund, title="天然气管道、电线管网和智能门禁改造", target=600_000_00,
        deadline=timezone.localdate() + dt.timedelta(days=60), by=gd_staff,
        description="九个院落合并为一个小区后,居民众筹改造天然气管道、梳理电线管网、增设智能门禁和安防。",
    )
    for source, yuan, name, received in (
        ("government", 200_000, "老旧小区改造补贴", True), ("employer", 50_000, "辖区企业", True),
        ("residents", 180_000, "1—9 号院落住户", True), ("residents", 60_000, "3 号院落住户", False),
    ):
        pledge = funds.pledge_add(campaign=campaign, source=source, amount=yuan * 100, name=name, by=gd_staff)
        if received:
            funds.pledge_receive(pledge=pledge, by=gd_staff)

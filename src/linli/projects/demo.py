"""Demo renovation (seed 004 栖居草堂, seed 002 两拆一增), entered through the same
services as by hand: 清波一号院落 (QB-Y1, 清波社区, 草堂街道) renovates its old
courtyard. The community's staff member ``community_qb`` runs it; three residents
form the self-renovation committee 自改委; a construction company (contact
``qb_builder``) and a supervisor (contact ``qb_supervisor``); ten scope items; four
funding sources (government subsidy, work units, residents ¥500 per household,
donations); the notice was commented on and approved, eight households have paid
and two pledges wait; construction runs, two of four milestones are signed; five
construction problems were reported: three fixed, two open."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from linli.cases import services as cases
from linli.org import services as org
from linli.org.demo import demo_account
from linli.org.models import Node, NodeKind, Role
from linli.projects import services as svc
from linli.projects.models import Contribution

ITEMS = [  # title, quantity, unit, budget (yuan)
    ("拆除违章搭建", 22, "处", 66_000),
    ("拆除破损围墙", 11, "处", 33_000),
    ("新增停车位", 110, "个", 220_000),
    ("安装充电桩", 20, "个", 100_000),
    ("雨污分流改造", 1, "项", 180_000),
    ("外立面整治", 3, "栋", 150_000),
    ("院坝绿化提升", 800, "平方米", 64_000),
    ("增设休闲座椅", 12, "个", 12_000),
    ("安装路灯", 16, "盏", 32_000),
    ("增设监控探头", 8, "个", 24_000),
]
SOURCES = [("government", 600_000), ("work_units", 150_000), ("residents", 5_000), ("donations", 126_000)]
MILESTONES = [("拆违拆墙完成", 20), ("管网与雨污分流完成", 50), ("车位与充电桩完成", 80), ("竣工验收", 110)]
PROBLEMS = [  # kind, description, fixed
    ("noise", "晚上十点后还在切割钢材，噪音很大", True),
    ("safety", "脚手架下面没有拉警戒线，孩子放学要经过", True),
    ("quality", "新铺的透水砖有几块已经松动", True),
    ("design", "新车位离2单元门口太近，担架进出不方便", False),
    ("quality", "充电桩底座混凝土有裂缝", False),
]


def load_demo_projects() -> dict:
    compound = Node.objects.get(code="QB-Y1")
    community = Node.objects.get(code="QB")
    staff = demo_account(username="community_qb", real_name="清波社区干部", phone="13800009001")
    org.role_assign(person=staff, role=Role.COMMUNITY_STAFF, node=community, by=None)
    builder = demo_account(username="qb_builder", real_name="周工", phone="13800009002")
    inspector = demo_account(username="qb_supervisor", real_name="吴监理", phone="13800009003")
    households = list(Node.objects.filter(kind=NodeKind.HOUSEHOLD, path__startswith=compound.path).order_by("code"))
    surnames = "赵钱孙李周吴郑王冯陈"
    residents = []
    for i, home in enumerate(households):
        person = demo_account(username=f"qb-resident-{i + 1:02d}", real_name=f"{surnames[i % 10]}{'建华秀英志强桂兰'[i % 8]}",
                              phone=f"1390001{i:04d}")
        org.role_assign(person=person, role=Role.RESIDENT, node=home, by=None)
        residents.append(person)

    began = timezone.localdate() - dt.timedelta(days=40)
    p = svc.project_create(
        compound=compound, kind="courtyard", title="清波一号院落老旧院落改造",
        description="栖居草堂式改造：两拆一增（拆违建、拆围墙，增车位、充电桩），雨污分流，外立面与院坝整治。"
                    "自改委与社区共同监督，欢迎居民随时反映施工问题。",
        contractor={"name": "成都青羊城建工程有限公司", "contact_name": "周工", "phone": "13800009002",
                    "person": builder},
        supervisor={"name": "蜀安工程监理有限公司", "contact_name": "吴监理", "phone": "13800009003",
                    "person": inspector},
        notice_until=began + dt.timedelta(days=7), start_date=began + dt.timedelta(days=10),
        end_date=began + dt.timedelta(days=120), share_rule="household", share_amount=50_000, name_display="masked",
        opinion_ref="", by=staff, today=began)
    for person, title in zip(residents[:3], ("主任", "副主任", "委员"), strict=True):
        svc.committee_add(project=p, person=person, title=title, by=staff)
    for title, qty, unit, budget in ITEMS:
        svc.item_add(project=p, title=title, quantity=qty, unit=unit, budget=budget * 100, by=staff)
    for source, planned in SOURCES:
        svc.budget_set(project=p, source=source, planned=planned * 100, by=staff)
    for title, days in MILESTONES:
        svc.milestone_add(project=p, title=title, due=began + dt.timedelta(days=days), by=staff)

    for i, person in enumerate(residents[:9]):
        svc.comment_add(project=p, support=i != 8, by=person, today=began + dt.timedelta(days=2),
                        text={0: "盼了好多年，支持！", 3: "希望多留些绿地", 8: "担心施工噪音影响老人休息"}.get(i, ""))
    svc.project_decide(project=p, approve=True, by=staff, today=began + dt.timedelta(days=8),
                       note="九户参与，八户支持。自改委与社区研究决定实施，施工期间严格控制作业时间。")
    for person in residents:
        svc.pledge_add(project=p, by=person)
    for c in list(Contribution.objects.filter(project=p).order_by("id"))[:8]:
        svc.contribution_confirm(contribution=c, by=staff)
    svc.contribution_record(project=p, source="government", amount=600_000_00, payer="青羊区住建局", by=staff)
    svc.contribution_record(project=p, source="work_units", amount=120_000_00, payer="辖区共建单位", by=staff)
    svc.contribution_record(project=p, source="donations", amount=80_000_00, payer="社会爱心人士", by=staff)
    svc.project_start(project=p, by=staff)
    items = list(p.items.all())
    for item, fen in ((items[0], 66_000_00), (items[1], 30_000_00), (items[4], 150_000_00)):
        svc.item_pay(item=item, amount=fen, payee="成都青羊城建工程有限公司", by=staff)
    for m in list(p.milestones.all())[:2]:
        svc.milestone_sign(milestone=m, by=residents[0])
        svc.milestone_sign(milestone=m, by=inspector)

    stairwell = Node.objects.get(code="QB-Y1-B1-U1")
    for n, (kind, text, fixed) in enumerate(PROBLEMS):
        problem = svc.problem_report(project=p, kind=kind, description=text, node=stairwell, by=residents[n + 3])
        if fixed:
            case = cases.case_arrive(case=problem.case, by=builder)
            case = cases.case_plan(case=case, by=builder, colour="green", note="当天整改")
            cases.case_finish(case=case, by=builder, note="已整改，请居民查看")
    return {"projects": 1}

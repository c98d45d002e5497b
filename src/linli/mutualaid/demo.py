"""Demo mutual aid (seed 000 信任互助社, seed 001 merchant alliance), entered
through the same services as by hand, in 太极社区 (TJ) where the demo resident
王梅 lives: 30 confirmed volunteers (王梅 and 29 neighbours of 丽晶公馆), 10
tasks of two slots each (6 done last week, 4 open), 4 merchants of the alliance (the demo login
``merchant`` works the till of 红旗超市), some redemptions and a settlement, so
a few hundred points are in circulation; a covenant, a scoring standard and
last quarter's scores (one shop below the line is suspended)."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from linli.mutualaid import services as aid
from linli.org import services as org
from linli.org.models import Node, NodeKind, Person, Role

TASKS = [  # title, place, points, places
    ("垃圾分类现场引导", "丽晶公馆 集中投放点", 5, 8),
    ("交通安全劝导", "光华大道路口", 5, 6),
    ("雨季巡逻", "江安河堤", 8, 6),
    ("老人助餐送餐", "社区长者食堂", 5, 5),
    ("楼道杂物清理", "丽晶公馆 2栋", 4, 8),
    ("防诈骗宣传", "社区广场", 3, 6),
    ("周末垃圾分类引导", "丽晶公馆 集中投放点", 5, 6),
    ("夜间安全巡查", "丽晶公馆 全域", 8, 3),
    ("儿童托管陪伴", "社区党群服务中心", 6, 3),
    ("爱心雨伞整理", "红旗超市 社区服务点", 2, 2),
]
MERCHANTS = [("TJ-HQ", "红旗超市 丽晶店"), ("TJ-MG", "李记面馆"), ("TJ-YF", "和济大药房"), ("TJ-LF", "快剪理发")]


def load_demo_aid() -> dict:
    community = Node.objects.get(code="TJ")
    staff = Person.objects.get(username="community_tj")
    resident = Person.objects.get(username="resident")
    now = timezone.now()
    aid.pool_fund(community=community, points=2000, key="demo", by=staff)
    households = list(Node.objects.filter(kind=NodeKind.HOUSEHOLD, path__startswith=community.path)
                      .exclude(role_assignments__person=resident).order_by("code")[:29])
    people = [resident]
    for i, home in enumerate(households, start=1):
        p = org.person_create(username=f"tj-volunteer-{i:02d}", real_name=f"丽晶志愿者{i:02d}",
                              phone=f"1390000{i:04d}", by=None)
        org.role_assign(person=p, role=Role.RESIDENT, node=home, by=None)
        people.append(p)
    skills = ["垃圾分类", "急救", "文艺", "维修", "陪伴老人", ""]
    for i, p in enumerate(people):
        v = aid.volunteer_register(person=p, community=community, skills=skills[i % len(skills)],
                                   availability="周末" if i % 2 else "工作日晚上", by=p)
        aid.volunteer_decide(volunteer=v, confirm=True, by=staff)
    tasks = []
    for n, (title, place, points, places) in enumerate(TASKS):
        day = timezone.localdate() + dt.timedelta(days=n - 6 if n < 6 else n - 5)  # six last week, four to come
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
        later = start + dt.timedelta(hours=9)  # a morning and an evening slot
        t = aid.task_post(node=community, title=title, place=place, places=places, points=points,
                          signup_deadline=start - dt.timedelta(hours=2),
                          slots=[(start, start + dt.timedelta(hours=2)), (later, later + dt.timedelta(hours=2))],
                          description=f"{title}：请准时到达，现场扫码签到。", by=staff)
        tasks.append(t)
    k = 0
    for t in tasks:
        for slot in t.slots.all():
            for _ in range(t.places if slot.ends_at < now else t.places // 2):
                p = people[k % len(people)]
                k += 1
                su = aid.signup_create(slot=slot, by=p, now=slot.starts_at - dt.timedelta(days=1))
                if slot.ends_at < now:
                    aid.completion_confirm(signup=su, by=staff, now=slot.ends_at)
    cashier = Person.objects.get(username="merchant")
    shops = []
    for i, (code, name) in enumerate(MERCHANTS):
        m = aid.merchant_create(community=community, code=code, name=name, address="太极社区", by=staff)
        staffer = cashier if i == 0 else org.person_create(username=f"{code.lower()}-staff", real_name=f"{name}店员",
                                                                      by=None)
        aid.merchant_staff_add(merchant=m, person=staffer, by=staff)
        shops.append((m, staffer))
    for i, p in enumerate(people[:8]):
        balance = aid.person_account(community, p).balance
        bill = min(balance // 3, 2) * 3000 + 500
        if bill >= 3000:
            m, staffer = shops[i % 2]
            till_code = aid.tillcode_issue(person=p, by=p)
            aid.redemption_confirm(merchant=m, code=till_code.digits, bill_fen=bill, by=staffer)
    aid.merchant_settle(merchant=shops[1][0], money_fen=0, by=staff)
    aid.covenant_publish(community=community, by=staff, text=(
        "一、诚信经营，明码标价，不以次充好。\n二、信义贝每满 30 元抵扣 3 个，1 个信义贝抵 1 元，不设其他门槛。\n"
        "三、门前三包，保持整洁，不占道经营。\n四、积极参与社区公益，为志愿者和困难群众提供便利。"))
    criteria = [aid.criterion_add(community=community, name=n, weight=w, evidence=e, by=staff) for n, w, e in (
        ("诚信经营、明码标价", 40, "价格公示照片、投诉记录"), ("信义贝抵扣执行", 30, "抵扣记录、居民反馈"),
        ("门前环境", 15, "巡查照片"), ("参与社区公益", 15, "活动签到表"))]
    period = f"{timezone.localdate().year}-Q{(timezone.localdate().month - 1) // 3 + 1}"
    for (m, _s), marks in zip(shops, ((95, 90, 85, 80), (85, 80, 90, 70), (80, 85, 75, 60), (50, 40, 60, 30)), strict=True):
        aid.merchant_score(merchant=m, period=period, scores={c.pk: v for c, v in zip(criteria, marks, strict=True)},
                           note="社区商家联盟季度评分", by=staff)
    return {"volunteers": len(people), "tasks": len(tasks), "merchants": len(shops)}

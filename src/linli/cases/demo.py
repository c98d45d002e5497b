"""Demo requests for the places of org/demo.py, so that ``linli demo`` shows full boards.

Modelled on the seed reports: 丽晶公馆 (seed 002, 515303 四色: 55 green, 15 yellow
and 12 red requests, scaled down to about a third), 地铁首座 (seed 000, 4小时/24小时 and the
inspection campaigns 问题大家找·整改我来办), a few in 莱茵春天 and 桂湖东路三巷.
Every request goes through the workflow services with explicit past times, so
events, deadlines, breaches and ratings are what real use would leave behind.
Deterministic (fixed random seed) relative to the moment of loading.
"""
from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from linli.cases import deadline_sweep, services
from linli.cases.models import AssigneeKind, Case, Category, Rating, Source, TimeLimitPolicy, VisitMethod
from linli.cases.presets import ensure_presets
from linli.org.models import Node, NodeKind, Person

SEED = 20231206  # the day of seed 002's report

DESCRIPTIONS = {
    "repair": ["楼道声控灯不亮", "单元门禁刷卡没反应", "电梯按钮失灵", "地下车库顶部渗水", "楼顶水箱漏水", "单元门闭门器坏了"],
    "hygiene": ["垃圾桶满了没有清运，有异味", "楼道里堆放了杂物", "雨后路面积水发臭", "宠物粪便无人清理"],
    "greening": ["树枝遮挡路灯", "草坪被踩出小路", "绿化带里有枯树"],
    "parking": ["电瓶车推进楼道充电", "消防通道被私家车占用", "非机动车棚灯坏了"],
    "safety": ["发现高空抛物", "消防栓没有水压", "围墙有一段松动", "小区大门外来人员随意出入"],
    "noise": ["晚上十点后还在装修", "广场舞音响太大声"],
    "property": ["希望公示本季度物业收支", "物业维修响应慢"],
    "dispute": ["楼上漏水到楼下，双方协商不下来", "邻居在公共区域搭建"],
    "suggestion": ["建议在单元门口加装扶手", "建议增设快递柜"],
}
CATEGORY_WEIGHTS = [("repair", 9), ("hygiene", 5), ("parking", 4), ("safety", 3), ("greening", 2), ("noise", 2),
                    ("property", 2), ("dispute", 1), ("suggestion", 1)]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
PLANS = {
    "green": "当天安排维修人员处理，办结后拍照反馈。",
    "yellow": "需要采购配件/协调相关单位，预计一个月内办结，每周反馈进度。",
    "red": "涉及多方，已报社区协调，拟定整改方案并申请资金，定期向居民反馈进度。",
    "grey": "涉及历史遗留问题，暂无法解决，网格员定期跟进并向居民说明。",
}


class _Demo:
    def __init__(self, now: dt.datetime):
        self.now = now
        self.rng = random.Random(SEED)
        self.categories = {c.code: c for c in Category.objects.all()}
        self.people = {p.username: p for p in Person.objects.all()}
        self.made = 0

    def person(self, username: str) -> Person:
        return self.people.get(username) or self.people["admin"]

    def category(self) -> Category:
        codes = [c for c, w in CATEGORY_WEIGHTS for _i in range(w)]
        return self.categories[self.rng.choice(codes)]

    def at(self, base: dt.datetime, **delta) -> dt.datetime | None:
        t = base + dt.timedelta(**delta)
        return t if t <= self.now else None

    def report(self, *, units: list[Node], by: Person, days_ago: float, source: str = Source.QR,
               category: Category | None = None, description: str = "") -> Case:
        category = category or self.category()
        local = timezone.localtime(self.now - dt.timedelta(days=days_ago))
        # Reported during the day (07:00–22:00 local).
        if days_ago >= 1:
            local = local.replace(hour=self.rng.randint(7, 21), minute=self.rng.randint(0, 59), second=0, microsecond=0)
        received = min(local, self.now - dt.timedelta(minutes=1))
        description = description or self.rng.choice(DESCRIPTIONS.get(category.code, ["其他问题"]))
        self.made += 1
        return services.case_create(
            node=self.rng.choice(units), category=category, description=description, source=source, by=by,
            received_at=received, contact_name=self.rng.choice(SURNAMES) + self.rng.choice(["女士", "先生", "阿姨", "大爷"]),
            contact_phone=f"139{self.rng.randint(0, 99999999):08d}",
            # Some residents asked to hear back by SMS (the log provider writes them; /outbox/ lists them).
            updates_wanted=self.made % 10 == 0,
        )

    def work(self, case: Case, *, colour: str, dispatcher: Person, handler, visitor: Person,
             to: str = AssigneeKind.PROPERTY, late: float = 0.1, finish_days: tuple[float, float] | None = None,
             plan_due_days: float | None = None, progress_every: float | None = None, unsolvable: bool = False) -> Case:
        """Take a request along the workflow as far as the present allows."""
        rng, t0 = self.rng, case.received_at
        slow = rng.random() < late
        t = self.at(t0, minutes=rng.uniform(8, 25) if slow else rng.uniform(1, 4.5))
        if t is None:
            return case
        case = services.case_accept(case=case, by=dispatcher, at=t)
        t = self.at(t, minutes=rng.uniform(0.5, 2))
        if t is None:
            return case
        worker = handler(case) if callable(handler) else handler
        case = services.case_dispatch(case=case, by=dispatcher, to=to, at=t,
                                      person=worker if to == AssigneeKind.PERSON else None)
        t = self.at(max(t + dt.timedelta(minutes=1), t0 + dt.timedelta(minutes=rng.uniform(16, 40) if slow
                                                                      else rng.uniform(6, 14))))
        if t is None:
            return case
        case = services.case_arrive(case=case, by=worker, at=t)
        t = self.at(t, minutes=rng.uniform(4, 12))
        if t is None:
            return case
        due = t0 + dt.timedelta(days=plan_due_days) if plan_due_days else None
        case = services.case_plan(case=case, by=worker, colour=colour, note=PLANS[colour], due_at=due, at=t)
        if unsolvable:
            t = self.at(t, days=rng.uniform(5, 20))
            if t is not None:
                case = services.case_declare_unsolvable(case=case, by=dispatcher, note=PLANS["grey"], at=t)
            return case
        if colour == "grey":  # no finish limit: followed up until today
            finish_days = (10_000, 10_001)
        lo, hi = finish_days or (0.05, 2.5)
        if rng.random() < late and colour in ("green", "yellow"):
            lo, hi = hi * 1.1, hi * 1.6  # finished after the limit
        finish_at = t0 + dt.timedelta(days=rng.uniform(lo, hi))
        if progress_every:
            step = t + dt.timedelta(days=progress_every * rng.uniform(0.7, 0.95))
            while step < min(finish_at, self.now):
                case = services.case_progress(case=case, by=worker, note="已与相关单位沟通，正在推进，下次继续反馈。", at=step)
                step += dt.timedelta(days=progress_every * rng.uniform(0.7, 0.95))
        if finish_at > self.now:
            return case
        case = services.case_finish(case=case, by=worker, note="已处理完毕。", at=finish_at)
        return self.visit(case, visitor=visitor)

    def visit(self, case: Case, *, visitor: Person, second: bool = False) -> Case:
        rng = self.rng
        assert case.done_at is not None
        t = self.at(case.done_at, hours=rng.uniform(3, 60) if rng.random() > 0.08 else rng.uniform(80, 110))
        if t is None:
            return case
        roll = rng.random()
        rating = Rating.SATISFIED if roll < 0.8 else Rating.BASICALLY if roll < 0.94 or second else Rating.UNSATISFIED
        if rng.random() < 0.3:  # the resident rates online through the tracking link
            case = services.case_visit(case=case, by=None, method=VisitMethod.ONLINE, rating=rating,
                                       tracking_code=case.tracking_code, at=t)
        else:
            case = services.case_visit(case=case, by=visitor, method=VisitMethod.PHONE, rating=rating, at=t,
                                       comment="" if rating != Rating.UNSATISFIED else "问题还没有彻底解决")
        if rating == Rating.UNSATISFIED:
            t = self.at(t, days=rng.uniform(1, 3))
            if t is None:
                return case
            case = services.case_finish(case=case, by=visitor, note="返工处理完毕。", at=t)
            return self.visit(case, visitor=visitor, second=True)
        t = self.at(t, hours=rng.uniform(1, 20))
        if t is not None:
            case = services.case_close(case=case, by=visitor, at=t)
        return case


def _units(code: str) -> list[Node]:
    compound = Node.objects.get(code=code)
    return list(Node.objects.filter(path__startswith=compound.path, kind=NodeKind.UNIT).order_by("path"))


def _lijing(d: _Demo) -> None:
    """丽晶公馆 (seed 002): 515303 四色, handled by the grid worker and the micro-grid leader."""
    units = _units("LJGG")
    grid, leader, community = d.person("grid_worker"), d.person("mg_leader"), d.person("community_tj")

    def handler(case):
        return leader if case.microgrid and case.microgrid.code == "TJ-G1-M1" else grid

    plan = [("green", 20, (0.05, 2.6), None)] + [("yellow", 6, (4, 28), 7)] + [("red", 4, (30, 100), 7)]
    for colour, n, finish_days, progress in plan:
        for i in range(n):
            # Older requests are mostly finished; a few recent ones are still open.
            days_ago = d.rng.uniform(0.2, 330) if i else d.rng.uniform(0.05, 1.5)
            case = d.report(units=units, by=community, days_ago=days_ago,
                            source=d.rng.choice([Source.QR] * 6 + [Source.SNAPSHOT, Source.PHONE, Source.VISIT]))
            # No property staff at 丽晶公馆: the grid worker hands each request to the one who does it.
            d.work(case, colour=colour, dispatcher=grid, handler=handler, visitor=community, finish_days=finish_days,
                   progress_every=progress if colour == "red" else None, to=AssigneeKind.PERSON)
    for i in range(2):  # grey: a long-standing problem followed up monthly; one declared unsolvable
        case = d.report(units=units, by=community, days_ago=d.rng.uniform(60, 200),
                        category=d.categories["dispute"], description="楼上漏水到楼下，双方协商不下来")
        d.work(case, colour="grey", dispatcher=grid, handler=handler, visitor=community, progress_every=30,
               unsolvable=bool(i), to=AssigneeKind.PERSON)
    # Two just arrived: one waits to be accepted, one is a duplicate merged into an open request.
    first = d.report(units=units, by=community, days_ago=0.02, category=d.categories["repair"],
                     description="3栋楼道声控灯不亮")
    dup = d.report(units=units, by=community, days_ago=0.01, category=d.categories["repair"],
                   description="3栋楼道声控灯坏了")
    services.case_merge(case=dup, into=first, by=grid, note="同一盏灯", at=dup.received_at + dt.timedelta(minutes=3))
    # A mutual-help request (seed 002): the micro-grid leader matches a volunteer.
    helper = d.people.get("volunteer")
    if helper is not None:
        household = Node.objects.filter(kind=NodeKind.HOUSEHOLD, microgrid__code="TJ-G1-M1",
                                        path__startswith=units[0].path.rsplit("/", 3)[0] + "/").order_by("path").first()
        case = d.report(units=[household.parent] if household and household.parent else units, by=community, days_ago=12, category=d.categories["help"],
                        description="下午要出门办事，需要有人帮忙照看孩子两小时")
        case = services.case_accept(case=case, by=grid, at=case.received_at + dt.timedelta(minutes=3))
        if case.microgrid and case.microgrid.code == "TJ-G1-M1":
            case = services.case_dispatch(case=case, by=leader, to=AssigneeKind.PERSON, person=helper,
                                          at=case.received_at + dt.timedelta(minutes=6))
            t = case.received_at
            case = services.case_arrive(case=case, by=helper, at=t + dt.timedelta(minutes=12))
            case = services.case_plan(case=case, by=helper, colour="green", note="志愿者下午到家帮忙照看。",
                                      at=t + dt.timedelta(minutes=20))
            case = services.case_finish(case=case, by=helper, note="已照看完毕。", at=t + dt.timedelta(hours=5))
            d.visit(case, visitor=community)


def _ditie(d: _Demo) -> None:
    """地铁首座 (seed 000): 4小时/24小时, the property company handles, two inspection campaigns."""
    admin, prop = d.person("admin"), d.person("property")
    compound = Node.objects.get(code="DTSZ")
    policy = TimeLimitPolicy.objects.filter(code="4h24h").first()
    if policy is not None:
        services.policy_assign(node=compound, policy=policy, by=admin)
    units = _units("DTSZ")
    for colour, n, finish_days in (("green", 8, (0.03, 0.17)), ("yellow", 3, (0.3, 0.95)), ("red", 1, None)):
        for _i in range(n):
            case = d.report(units=units, by=admin, days_ago=d.rng.uniform(0.3, 200))
            d.work(case, colour=colour, dispatcher=prop, handler=prop, visitor=prop, late=0.05,
                   finish_days=finish_days or (10, 25), plan_due_days=30 if colour == "red" else None,
                   progress_every=7 if colour == "red" else None)

    participants = [p for p in (d.people.get(u) for u in ("party_branch", "building_rep", "property")) if p]
    buildings = list(Node.objects.filter(parent=compound, kind=NodeKind.BUILDING).order_by("path"))
    today = timezone.localdate(d.now)
    # Round 6 (last month): every problem fixed, as the report says.
    past = services.campaign_create(
        node=compound, title="问题大家找·整改我来办（第6期）", by=admin, participants=participants,
        starts_on=today - dt.timedelta(days=40), ends_on=today - dt.timedelta(days=33),
        description="党员、楼栋代表和志愿者一起巡查小区，发现的问题逐一建档，由物业公司明确整改措施和时限。",
    )
    found = [("safety", "小区大门缺少安防设施，外来人员随意出入", "物业公司", "大门增设人脸识别系统"),
             ("safety", "高空抛物隐患", "物业公司", "引进高清监控系统"),
             ("hygiene", "垃圾桶摆放零散，夏天有异味", "物业公司", "集中打造定时定点投放点3处"),
             ("parking", "消防通道被占用", "物业公司", "施划禁停标线并每日巡查"),
             ("repair", "单元门禁损坏", "物业公司", "更换门禁读卡器"),
             ("greening", "绿化带杂草丛生", "物业公司", "安排绿化班组清理")]
    for category, description, responsible, measure in found:
        t0 = timezone.make_aware(dt.datetime.combine(past.starts_on, dt.time(9)) + dt.timedelta(
            days=d.rng.randint(0, 6), minutes=d.rng.randint(0, 300)))
        case = services.case_create(
            node=d.rng.choice(buildings), category=d.categories[category], description=description,
            source=Source.CAMPAIGN, by=admin, campaign=past, responsible=responsible, plan=measure,
            due_at=t0 + dt.timedelta(days=d.rng.choice([3, 7, 15])), received_at=t0,
        )
        # Under 4小时/24小时 a problem with its own deadline is "difficult" (red): finished by the stated date.
        days = (case.deadlines.get(clock="finish").due_at - t0).total_seconds() / 86400
        d.work(case, colour="red", dispatcher=prop, handler=prop, visitor=prop, late=0, plan_due_days=days,
               finish_days=(days * 0.3, days * 0.8), progress_every=7)
    # Round 7 (this week): problems registered through the campaign form's service, two fixed already.
    current = services.campaign_create(
        node=compound, title="问题大家找·整改我来办（第7期）", by=admin, participants=participants,
        starts_on=today - dt.timedelta(days=2), ends_on=today + dt.timedelta(days=5),
    )
    reporter = participants[0] if participants else admin
    for category, description, measure, days in (
        ("hygiene", "垃圾中转房门口污水", "冲洗地面并修补排水沟", 3),
        ("repair", "12栋单元门闭门器坏了", "更换闭门器", 2),
        ("safety", "地下车库消防栓没有水压", "联系消防维保单位检测", 10),
        ("parking", "电瓶车推进楼道充电", "入户宣传并增设充电桩", 14),
    ):
        case = services.campaign_add_problem(
            campaign=current, node=d.rng.choice(buildings), category=d.categories[category], description=description,
            by=reporter, responsible="物业公司", measure=measure, due_at=d.now + dt.timedelta(days=days),
        )
        if days <= 3:  # the quick ones are already done
            t = case.received_at
            case = services.case_accept(case=case, by=prop, at=t)
            case = services.case_dispatch(case=case, by=prop, to=AssigneeKind.PROPERTY, at=t)
            case = services.case_plan(case=case, by=prop, colour="red", note=measure, at=t,
                                      due_at=case.deadlines.get(clock="finish").due_at)
            services.case_finish(case=case, by=prop, note="已整改。", at=t)


def _others(d: _Demo) -> None:
    """A few requests in 莱茵春天 (community staff handle) and 桂湖东路三巷 (self-managed)."""
    community, admin = d.person("community"), d.person("admin")
    for code, by, n, to in (("LYCT", community, 4, AssigneeKind.COMMUNITY), ("GHDL3", admin, 4, AssigneeKind.PERSON)):
        units = _units(code)
        for _i in range(n):
            colour = d.rng.choice(["green"] * 4 + ["yellow"])
            case = d.report(units=units, by=by, days_ago=d.rng.uniform(0.5, 250))
            d.work(case, colour=colour, dispatcher=by, handler=by, visitor=by, to=to,
                   finish_days=(0.1, 2.5) if colour == "green" else (5, 25))


@transaction.atomic
def load_demo_cases(now: dt.datetime | None = None) -> dict:
    """Create the demo requests (expects org.demo.load_demo_org's places and people)."""
    ensure_presets()
    d = _Demo(now or timezone.now())
    _lijing(d)
    _ditie(d)
    _others(d)
    # Clocks that ran out while nobody acted are breached now, as the worker would.
    breaches = deadline_sweep.sweep(now=d.now)
    return {"requests": Case.objects.count(), "breaches": breaches}

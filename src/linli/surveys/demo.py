"""Demo questionnaires, entered through the same services as by hand:

- 珍宝琥珀 (seed 001): the compound governance questionnaire 小区治理问卷 handed
  out in the "敲门入户" visits, anonymous, one answer per household, closed ten
  days ago, answered by 48 households, results public;
- 丽晶公馆: the neighbourhood pact 邻里公约 draft, named, one answer per
  person, open now (the demo resident 王梅 can still answer it), 15 answers.
"""
from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from linli.org import services as org
from linli.org.models import Node, NodeKind, Person, Role
from linli.surveys import services as svc
from linli.surveys.models import Kind, Per, Purpose, Survey

GOVERNANCE = """\
单选：您在小区居住多久了？
- 不到1年
- 1至3年
- 3年以上
打分 1-5 很不满意/很满意：您对过去一年小区治理的总体评价
多选 1-3：您认为小区目前最需要解决的问题（最多选3项）
- 地下室漏水
- 环境卫生
- 停车秩序
- 绿化养护
- 安全管理
- 物业服务
填空：地下室漏水具体在哪一栋、哪个位置？
仅当 3=地下室漏水
矩阵：请评价以下各方过去一年的工作
行：专委会｜业委会｜德商物业
- 满意
- 一般
- 不满意
排序：下一步三大计划，您认为应先做哪一项？
- 难题整改计划
- 提升行动计划
- 发展治理计划
单选：您是否支持由共管资金账户（社区居委会、开发商、银行三方监管）把收缴的欠款用于小区改造？
- 支持
- 不支持
- 不了解，希望多宣传
填空？：其他意见和建议
"""

PACT = """\
单选：您是否同意《丽晶公馆邻里公约》草案？
- 同意
- 基本同意，有修改意见
- 不同意
填空：请写下您的修改意见
仅当 1=基本同意，有修改意见
多选 1-3：公约中您最看重哪些条款？
- 文明养犬，及时清理
- 垃圾分类，定时投放
- 楼道不堆放杂物
- 晚上十点后保持安静
- 车辆有序停放
"""

SUGGESTIONS = ["希望地下车库加装排水泵", "建议增加夜间巡逻", "快递柜位置不方便", "希望多组织邻里活动", ""]
LEAKS = ["一期2栋地下车库", "二期1栋负一楼电梯厅", "一期3栋2单元地下室"]
PACT_NOTES = ["养犬条款请写明拴绳长度", "安静时段建议改为晚上十点半", "希望补充电动车充电的规定"]


def _residents(compound: Node, prefix: str, name: str, count: int, skip: int = 0) -> list[tuple[Person, Node]]:
    homes = list(Node.objects.filter(kind=NodeKind.HOUSEHOLD, path__startswith=compound.path)
                 .exclude(role_assignments__isnull=False).order_by("code")[skip:skip + count])
    out = []
    for i, home in enumerate(homes, start=1):
        p = org.person_create(username=f"{prefix}-{i:02d}", real_name=f"{name}{i:02d}", phone=f"1370000{i:04d}",
                              by=None)
        org.role_assign(person=p, role=Role.RESIDENT, node=home, by=None)
        out.append((p, home))
    return out


def _answers(survey: Survey, rng: random.Random, pick) -> dict:
    out: dict = {}
    for q in survey.questions.prefetch_related("options").select_related("show_if"):
        ids = [o.pk for o in q.options.all()]
        value = pick(q, ids, rng, out)
        if value is not None and value != "":
            out[q.pk] = value
    return out


def _governance_pick(q, ids, rng, given):
    if q.show_if is not None and q.show_if_id not in (given.get(q.show_if.question_id) or []):
        return None
    if q.kind == Kind.SINGLE:
        return rng.choices(ids, weights=[5, 3, 1, 1, 1][: len(ids)])[0]
    if q.kind == Kind.SCALE:
        return rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 4, 8, 5])[0]
    if q.kind == Kind.MULTIPLE:
        return sorted(rng.sample(ids, rng.randint(1, 3)), key=ids.index)
    if q.kind == Kind.MATRIX:
        return [rng.choices(ids, weights=w)[0] for w in ([7, 2, 1], [5, 4, 1], [4, 4, 2])]
    if q.kind == Kind.RANKING:
        order = list(ids)
        rng.shuffle(order)
        if rng.random() < 0.6:  # most put the hard problems first
            order.remove(ids[0])
            order.insert(0, ids[0])
        return order
    if q.show_if is not None:
        return rng.choice(LEAKS)
    return rng.choice(SUGGESTIONS)


def _pact_pick(q, ids, rng, given):
    if q.kind == Kind.SINGLE:
        return rng.choices(ids, weights=[6, 3, 1])[0]
    if q.kind == Kind.TEXT:
        cond = q.show_if
        return rng.choice(PACT_NOTES) if cond is not None and given.get(cond.question_id) == cond.pk else None
    return sorted(rng.sample(ids, rng.randint(1, 3)), key=ids.index)


def load_demo_surveys() -> dict:
    rng = random.Random(14)
    now = timezone.now()
    zbhp = Node.objects.get(code="ZBHP")
    governance = Person.objects.get(username="governance")
    survey = svc.survey_create(
        node=zbhp, title="珍宝琥珀小区治理问卷", purpose=Purpose.GOVERNANCE, anonymous=True, per=Per.HOUSEHOLD,
        results_public=True, opens_at=now - dt.timedelta(days=40), closes_at=now - dt.timedelta(days=10),
        description="为梳理小区诉求、共同“会诊”制定难题整改计划、提升行动计划和发展治理计划，"
                    "专委会联合党员、居民骨干和微网格员开展“敲门入户”，请每户填写一份。问卷匿名，结果公开。",
        questions=svc.questions_from_text(GOVERNANCE), by=governance)
    people = _residents(zbhp, "zbhp-resident", "珍宝琥珀居民", 48)
    for i, (p, home) in enumerate(people):
        svc.response_submit(survey=survey, answers=_answers(survey, rng, _governance_pick), household=home, by=p,
                            now=survey.opens_at + dt.timedelta(hours=6 + i * 11))
    ljgg = Node.objects.get(code="LJGG")
    community = Person.objects.get(username="community_tj")
    pact = svc.survey_create(
        node=ljgg, title="丽晶公馆邻里公约（草案）征求意见", purpose=Purpose.PACT, anonymous=False, per=Per.PERSON,
        results_public=True, opens_at=now - dt.timedelta(days=5), closes_at=now + dt.timedelta(days=25),
        description="《邻里公约》草案已在各单元张贴，请每位居民表达意见。",
        questions=svc.questions_from_text(PACT), by=community)
    neighbours = _residents(ljgg, "ljgg-neighbour", "丽晶公馆邻居", 15, skip=10)
    for i, (p, _home) in enumerate(neighbours):
        answers = _answers(pact, rng, _pact_pick)
        svc.response_submit(survey=pact, answers=answers, by=p, now=pact.opens_at + dt.timedelta(hours=3 + i * 7))
    return {"surveys": 2, "answers": len(people) + len(neighbours)}

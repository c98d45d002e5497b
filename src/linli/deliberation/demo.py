"""Demo deliberation (seeds 001, 003, 004), entered through the same services
as by hand. In 合能·珍宝琥珀 (ZBHP, 凤凰社区): six neighbours raise and support
topics; the owners' committee (login ``owners_committee``) held last week's
周周议 whose minutes decided one topic, put one to an owners' vote and referred
one upward; one earlier topic is done, one is still open; the 2026 first-half
review 评述会 has the reports of the 业委会, 专委会, property company and party
branch, rated by residents; a community-fund round of ¥20,000 chose two of three
proposed projects by support, one of them half paid through the ledger. In
丽晶公馆 the demo resident 王梅 has raised a topic of her own."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from linli.deliberation import services as dlb
from linli.org import services as org
from linli.org.models import Node, NodeKind, Person, Role

NEIGHBOURS = ["赵大爷", "钱阿姨", "孙先生", "李女士", "周老师", "吴师傅"]


def _person(username: str, real_name: str, role: str, node: Node) -> Person:
    person = Person.objects.filter(username=username).first() or org.person_create(
        username=username, real_name=real_name, by=None)
    org.role_assign(person=person, role=role, node=node, by=None)
    return person


def load_demo_deliberation() -> dict:
    zbhp, fh = Node.objects.get(code="ZBHP"), Node.objects.get(code="FH")
    committee, governance = Person.objects.get(username="owners_committee"), Person.objects.get(username="governance")
    staff = _person("community_fh", "凤凰社区干部", Role.COMMUNITY_STAFF, fh)
    property_staff = _person("zbhp_property", "德商物业 周经理", Role.PROPERTY_STAFF, zbhp)
    branch = _person("zbhp_party", "珍宝琥珀党支部 刘书记", Role.PARTY_BRANCH, zbhp)
    homes = list(Node.objects.filter(kind=NodeKind.HOUSEHOLD, path__startswith=zbhp.path).order_by("code")[:6])
    people = [_person(f"zbhp-{i + 1:02d}", name, Role.OWNER if i % 2 else Role.RESIDENT, home)
              for i, (name, home) in enumerate(zip(NEIGHBOURS, homes, strict=True))]
    today = timezone.localdate()

    # Topics in every status.
    def raise_topic(i, title, body, supporters):
        t = dlb.topic_raise(compound=zbhp, title=title, body=body, by=people[i])
        for p in people[i + 1:i + 1 + supporters]:
            t = dlb.topic_support(topic=t, by=p)
        return t

    lamps = raise_topic(0, "二期 3 栋门口路灯不亮", "晚上回家看不清台阶，老人容易摔倒。", 4)
    parking = raise_topic(1, "地面停车位不够，消防通道被占", "晚上九点后消防通道停满车，建议重新划线并错时共享车位。", 5)
    fees = raise_topic(2, "物业费调整方案", "物业提出物业费每平方米上调 0.3 元，请业主共同商议。", 3)
    bus = raise_topic(3, "小区门口增设公交站", "最近的公交站步行 15 分钟，希望增设站点。", 2)
    dogs = raise_topic(4, "文明养犬公约", "遛狗不牵绳、不清理粪便的情况较多，建议订立文明养犬公约。", 3)
    raise_topic(5, "儿童游乐区地面破损", "滑梯下面的塑胶地面翘起，孩子容易绊倒。", 1)
    for t in (lamps, parking, fees, bus):
        dlb.topic_take_up(topic=t, body="owners_committee", by=committee)
    # Decided earlier at a daily opinion collection and carried out.
    dlb.topic_decide(topic=dogs, outcome="decided", decision="起草《文明养犬公约》，在单元门口张贴并征求意见。",
                     responsible="陈克强（专委会）", review_on=today, by=governance)
    dlb.topic_done(topic=dogs, note="公约已张贴，养犬户已签字承诺。", by=governance)

    # Last week's weekly deliberation 周周议, with minutes.
    held = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=6), dt.time(19, 30)))
    meeting = dlb.meeting_convene(compound=zbhp, kind="weekly", title="珍宝琥珀第 23 周周周议", starts_at=held,
                                  place="小区党群服务站议事厅", bodies=["owners_committee", "property", "party_branch"],
                                  by=committee)
    for t in (lamps, parking, fees, bus):
        dlb.agenda_add(meeting=meeting, topic=t, by=committee)
    dlb.meeting_notify(meeting=meeting, by=committee)
    dlb.meeting_minutes(meeting=meeting, minutes=(
        "会议由业委会饶女士主持，物业公司、党支部和业主代表参加。\n"
        "一、二期 3 栋路灯：物业现场查看后确认为线路老化，同意一周内更换。\n"
        "二、停车与消防通道：先由物业重新划线，并与周边写字楼商量夜间错时共享车位，下次会议通报。\n"
        "三、物业费调整：涉及全体业主利益，按《民法典》第二百七十八条提交业主共同表决。\n"
        "四、公交站：超出小区权限，报凤凰社区向交通部门反映。"),
        attendance=[("饶女士", "业委会主任", "in_person"), ("陈克强", "专委会负责人", "in_person"),
                    ("周经理", "德商物业项目经理", "in_person"), ("刘书记", "小区党支部书记", "in_person"),
                    ("赵大爷", "业主代表", "in_person"), ("钱阿姨", "业主代表", "online")],
        outcomes={
            lamps.pk: {"outcome": "decided", "decision": "物业一周内更换二期 3 栋门口路灯线路和灯具。",
                       "responsible": "周经理（德商物业）", "review_on": today + dt.timedelta(days=7)},
            parking.pk: {"outcome": "discussed", "decision": "物业先重新划线，错时共享车位方案下次会议再议。"},
            fees.pk: {"outcome": "vote", "decision": "提交业主共同表决。", "vote_ref": ""},
            bus.pk: {"outcome": "referred", "decision": "报凤凰社区向交通部门反映。", "referred_to": "凤凰社区居委会"},
        }, by=committee)

    # The first-half review 评述会: every body's report, residents' ratings.
    review = dlb.review_open(compound=zbhp, title="合能·珍宝琥珀 2026 年上半年评述会", period="2026 年上半年",
                             held_on=today - dt.timedelta(days=20), by=staff)
    reports = [
        dlb.report_file(review=review, body="owners_committee", by=committee,
                        achievements="召开业主大会 1 次、业委会会议 12 次；完成物业服务合同续签谈判。",
                        problems="业主参与表决的比例偏低，线上表决还不熟悉。",
                        next_steps="推广线上表决，每季度公开业委会工作和经费使用。"),
        dlb.report_file(review=review, body="governance_committee", by=governance,
                        achievements="环境、安全、文化三个专委会共组织活动 18 场，起草文明养犬公约。",
                        problems="专委会成员以退休居民为主，年轻人参与少。",
                        next_steps="在周末组织亲子活动，吸引年轻家庭加入专委会。"),
        dlb.report_file(review=review, body="property", by=property_staff,
                        achievements="完成外墙清洗和二次供水水箱清洗，报修平均 2 小时内响应。",
                        problems="停车位紧张，绿化补植不及时。",
                        next_steps="重新划定停车位，三季度完成绿化补植。"),
        dlb.report_file(review=review, body="party_branch", by=branch,
                        achievements="党员认领楼栋 12 个，开展“有事来商量”议事 24 次。",
                        problems="部分楼栋长联系居民不够紧密。",
                        next_steps="每月一次党员楼栋走访，收集意见进入周周议。"),
    ]
    marks = [(5, 4, 4, 5), (4, 4, 3, 5), (5, 3, 3, 4), (4, 5, 2, 4), (3, 4, 3, 5)]
    comments = {(0, 2): "停车问题希望尽快解决。", (1, 0): "业委会很负责，会议纪要都公开了。", (3, 2): "绿化补植拖了很久。"}
    for i, row in enumerate(marks):
        for j, stars in enumerate(row):
            dlb.report_rate(report=reports[j], stars=stars, comment=comments.get((i, j), ""), by=people[i])

    # Community-fund projects 微治理项目 (e管家): ¥20,000 chosen by support.
    rnd = dlb.round_open(node=zbhp, title="2026 年珍宝琥珀微治理项目", amount=2_000_000, method="knapsack", by=staff)
    garden = dlb.project_propose(round=rnd, title="楼顶共享菜园", description="利用一期 2 栋楼顶建共享菜园，由居民认领打理。",
                                 budget=800_000, by=people[0])
    corner = dlb.project_propose(round=rnd, title="儿童游乐角翻新", description="更换破损的塑胶地面，增加遮阳棚。",
                                 budget=1_500_000, by=people[1])
    library = dlb.project_propose(round=rnd, title="楼道共享书架", description="每个单元设一个共享书架，居民捐书、换书。",
                                  budget=300_000, by=people[2])
    for p in (garden, corner, library):
        dlb.project_review(project=p, eligible=True, by=staff)
    dlb.round_advance(round=rnd, by=staff)
    for p, fans in ((garden, people[1:5]), (corner, people[2:4]), (library, people[3:6])):
        for fan in fans:
            dlb.project_support(project=p, by=fan)
    dlb.round_select(round=rnd, by=staff)
    m1 = dlb.milestone_add(project=garden, title="搭建种植箱和滴灌", amount=500_000, due_on=today - dt.timedelta(days=3),
                           by=staff)
    dlb.milestone_add(project=garden, title="第一季收获和分享会", amount=300_000, due_on=today + dt.timedelta(days=60),
                      by=staff)
    dlb.milestone_done(milestone=m1, by=staff)
    dlb.project_progress(project=garden, percent=60, note="种植箱已搭好，20 户居民认领了菜地。", by=staff)
    dlb.milestone_add(project=library, title="采购书架", amount=300_000, due_on=today + dt.timedelta(days=14), by=staff)

    # The demo resident's own topic in 丽晶公馆.
    wang = Person.objects.get(username="resident")
    dlb.topic_raise(compound=Node.objects.get(code="LJGG"), title="单元门禁经常失灵",
                    body="1 栋 1 单元门禁刷卡经常没反应，外卖员也能随意进出。", by=wang)
    return {"topics": 7, "meetings": 1, "reviews": 1, "projects": 3}

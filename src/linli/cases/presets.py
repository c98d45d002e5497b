"""The two time-limit policies the seeds describe, and the default categories.

Used by the data migration and by tests; ``ensure_presets`` is idempotent.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

MIN, HOUR, DAY = 1, 60, 24 * 60
# The code of the mutual-help policy (every help request's policy).
HELP_POLICY = "help"

PRESETS: dict[str, dict[str, Any]] = {
    "515303": {
        "name": "515303 四色",
        "description": "5分钟响应、15分钟到场、30分钟拿出方案（定颜色），绿色3天、黄色1个月、红色6个月办结，灰色长期跟进；办结后3天内回访。",
        "service_hours": None,
        "labels": {},
        "clocks": [
            # clock, colour, minutes, working_time, service_hours
            ("respond", "", 5 * MIN, False, False),
            ("on_site", "", 15 * MIN, False, False),
            ("plan", "", 30 * MIN, False, False),
            ("finish", "green", 3 * DAY, False, False),
            ("finish", "yellow", 30 * DAY, False, False),
            ("finish", "red", 182 * DAY, False, False),
            ("return_visit", "", 3 * DAY, False, False),
            ("progress", "red", 7 * DAY, False, False),
            ("progress", "grey", 30 * DAY, False, False),
        ],
        "default": True,
    },
    "4h24h": {
        "name": "4小时/24小时",
        "description": "一般问题4小时内答复并解决；中等问题4小时内答复、24小时内办结；疑难问题4小时内上门或电话告知业主措施和时限。",
        "service_hours": None,
        "labels": {"green": "一般", "yellow": "中等", "red": "疑难", "grey": "无法解决"},
        "clocks": [
            ("respond", "", 4 * HOUR, False, False),
            ("plan", "", 4 * HOUR, False, False),
            ("finish", "green", 4 * HOUR, False, False),
            ("finish", "yellow", 24 * HOUR, False, False),
            ("return_visit", "", 3 * DAY, False, False),
            ("progress", "red", 7 * DAY, False, False),
        ],
        "default": False,
    },
    # Mutual help is not a repair job: a neighbour answers within the day; nobody has to be
    # on site or give a plan within minutes. Help requests take this policy (intake).
    HELP_POLICY: {
        "name": "邻里互助",
        "description": "当天响应（24小时内）找到能帮忙的人；不计到场和方案时限；约好的帮忙3天内完成；完成后3天内回访。",
        "service_hours": None,
        "labels": {"green": "3天内", "yellow": "1个月内", "red": "长期", "grey": "无法帮忙"},
        "clocks": [
            ("respond", "", 1 * DAY, False, False),
            ("finish", "green", 3 * DAY, False, False),
            ("finish", "yellow", 30 * DAY, False, False),
            ("finish", "red", 182 * DAY, False, False),
            ("return_visit", "", 3 * DAY, False, False),
        ],
        "default": False,
    },
}

CATEGORIES = [
    # code, name, English name, kind, keywords
    ("repair", "公共设施报修", "Repairs to shared facilities", "problem", "灯 电梯 门禁 水管 漏水"),
    ("hygiene", "环境卫生", "Cleanliness and rubbish", "problem", "垃圾 清扫 异味"),
    ("greening", "绿化", "Greenery", "problem", "树 草坪"),
    ("parking", "停车与交通", "Parking and traffic", "problem", "车 电瓶车 充电"),
    ("safety", "安全隐患", "Safety hazard", "problem", "消防 高空 坠物"),
    ("noise", "噪音扰民", "Noise", "problem", "噪音 装修"),
    ("dispute", "邻里纠纷", "Dispute between neighbours", "problem", "纠纷 调解"),
    ("property", "物业服务", "Property service", "problem", "物业 收费"),
    ("suggestion", "意见建议", "Suggestion", "problem", "建议"),
    ("help", "邻里互助", "Help from a neighbour", "help", "照看 帮忙 陪伴"),
    ("other", "其他", "Other", "problem", ""),
]


def ensure_presets(apps=None) -> None:
    """Create the preset policies and categories if missing (never changes existing ones)."""
    if apps is None:
        from django.apps import apps as global_apps
        apps = global_apps
    Policy = apps.get_model("cases", "TimeLimitPolicy")
    PolicyClock = apps.get_model("cases", "PolicyClock")
    Category = apps.get_model("cases", "Category")
    for code, spec in PRESETS.items():
        policy, created = Policy.objects.get_or_create(
            code=code,
            defaults={
                "name": spec["name"], "description": spec["description"],
                "is_default": spec["default"] and not Policy.objects.filter(is_default=True).exists(),
                **{f"label_{k}": v for k, v in spec["labels"].items()},
            },
        )
        if created:
            for clock, colour, minutes, working, service in spec["clocks"]:
                PolicyClock.objects.create(policy=policy, clock=clock, colour=colour, minutes=minutes,
                                           working_time=working, service_hours=service)
    for pos, (code, name, name_en, kind, keywords) in enumerate(CATEGORIES):
        Category.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en, "kind": kind,
                                                             "keywords": keywords, "position": pos})


SERVICE_HOURS_EXAMPLE = (dt.time(8), dt.time(20))

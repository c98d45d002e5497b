"""The demo data of every app, loaded in order: places and people (org), then
requests, boards and inspection campaigns (cases), then quarterly reports and
funds (disclosure), then volunteers, tasks, points and merchants (mutualaid). The command layer calls this; no app imports another app's
demo module."""
from __future__ import annotations

from django.db import transaction

from linli.cases.demo import load_demo_cases
from linli.circles.demo import load_demo_circles
from linli.deliberation.demo import load_demo_deliberation
from linli.deliberation.votes.demo import load_demo_votes
from linli.disclosure.demo import load_demo_money
from linli.mutualaid.demo import load_demo_aid
from linli.org.demo import DEMO_PASSWORD, demo_logins, load_demo_org
from linli.projects.demo import load_demo_projects
from linli.surveys.demo import load_demo_surveys

__all__ = ["DEMO_PASSWORD", "demo_logins", "load_demo"]


@transaction.atomic
def load_demo() -> dict:
    stats = load_demo_org()
    load_demo_cases()  # requests, boards and inspection campaigns of the seed reports
    load_demo_money()  # quarterly reports, co-managed fund, micro-funds and crowdfunding of the seed reports
    load_demo_aid()  # volunteers, tasks, points, merchants and the alliance (seeds 000, 001)
    load_demo_surveys()  # the compound questionnaire of 珍宝琥珀 (seed 001) and a neighbourhood pact survey
    load_demo_votes()  # an owners' vote in 莱茵春天 with online, paper and proxy ballots, result published
    load_demo_deliberation()  # topics, a weekly meeting with minutes, a half-year review, fund projects
    load_demo_projects()  # the 栖居草堂-style renovation of 清波一号院落 (seeds 002, 004)
    load_demo_circles()  # service circles of 太极社区 and 天府社区 (seeds 004, 000)
    return stats

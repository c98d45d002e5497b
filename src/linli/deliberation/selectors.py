"""Reads of the deliberation app. Everything here is public (topics, meetings,
reviews and projects are published); lists still pass through
``authz.filter_visible`` so that a rule made stricter later narrows them."""
from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count, Q, QuerySet

from linli import authz
from linli.deliberation.models import (
    OPEN_TOPIC,
    Event,
    EventKind,
    FundRound,
    Meeting,
    Project,
    ProjectSupport,
    Rating,
    Review,
    Support,
    Topic,
    TopicStatus,
)
from linli.org.models import Node, NodeKind

# Public list filters: (value, statuses).
FILTERS = {
    "open": OPEN_TOPIC,
    "decided": [TopicStatus.DECIDED, TopicStatus.VOTE, TopicStatus.REFERRED],
    "done": [TopicStatus.DONE],
}
TAG = {"raised": "", "scheduled": "yellow", "discussed": "yellow", "decided": "green", "vote": "yellow",
       "referred": "grey", "done": "green", "proposed": "", "eligible": "yellow", "ineligible": "grey",
       "selected": "green", "not_selected": "grey"}


def topics(*, viewer, compound: Node, which: str = "") -> QuerySet[Topic]:
    qs = authz.filter_visible(Topic.objects.filter(compound=compound), viewer, "deliberation.topic.view",
                              node_field="compound")
    if which in FILTERS:
        qs = qs.filter(status__in=FILTERS[which])
    return qs.order_by("-updated_at", "-id")


def compounds(*, viewer) -> list[Node]:
    """Compounds with something to show (topics, meetings, reviews or fund rounds), by name."""
    ids = set(Topic.objects.values_list("compound_id", flat=True)) | set(
        Meeting.objects.values_list("compound_id", flat=True)) | set(Review.objects.values_list("compound_id", flat=True))
    ids |= set(FundRound.objects.filter(node__kind=NodeKind.COMPOUND).values_list("node_id", flat=True))
    qs = authz.filter_visible(Node.objects.filter(pk__in=ids), viewer, "deliberation.topic.view")
    return list(qs.annotate(open_topics=Count("topics", filter=Q(topics__status__in=OPEN_TOPIC), distinct=True))
                .order_by("name"))


def rounds_for(*, viewer, node: Node) -> QuerySet[FundRound]:
    places = node.ancestor_ids()
    return authz.filter_visible(FundRound.objects.filter(node_id__in=places), viewer, "deliberation.project.view",
                                node_field="node")


def supported(viewer, topic: Topic) -> bool:
    return bool(getattr(viewer, "is_authenticated", False)) and Support.objects.filter(topic=topic, person=viewer).exists()


def project_supported_ids(viewer, rnd: FundRound) -> set[int]:
    if not getattr(viewer, "is_authenticated", False):
        return set()
    return set(ProjectSupport.objects.filter(project__round=rnd, person=viewer).values_list("project_id", flat=True))


def topic_history(topic: Topic) -> list[Event]:
    return list(Event.objects.filter(node=topic.compound, data__topic=topic.pk,
                                     kind__in=[EventKind.TOPIC_RAISED, EventKind.TOPIC_TAKEN_UP, EventKind.TOPIC_STATUS])
                .order_by("at", "id"))


def reports(review: Review) -> list[Any]:
    """The reports with their number of ratings and average (one decimal), by body."""
    rows: list[Any] = list(review.reports.annotate(n=Count("ratings"), avg=Avg("ratings__stars")).order_by("body"))
    for r in rows:
        r.avg_text = f"{r.avg:.1f}" if r.avg is not None else ""
        r.comments = list(Rating.objects.filter(report=r).exclude(comment="").order_by("at", "id")[:50])
    return rows


def rated_ids(viewer, review: Review) -> set[int]:
    if not getattr(viewer, "is_authenticated", False):
        return set()
    return set(Rating.objects.filter(report__review=review, person=viewer).values_list("report_id", flat=True))


def progress_notes(project: Project) -> list[Event]:
    return list(Event.objects.filter(kind__in=[EventKind.PROJECT_PROGRESS, EventKind.MILESTONE_DONE],
                                     data__project=project.pk).order_by("at", "id"))


# Names the votes and questionnaire apps may give their detail pages (they are built beside this app).
REF_URL_NAMES = {"vote": ("votes_detail", "vote_detail", "votes_vote"),
                 "survey": ("surveys_detail", "survey_detail", "surveys_survey")}


def ref_url(ref: str, kind: str) -> str:
    """The link of a vote or questionnaire reference: a local path as it is, a number
    through the other app's page if it is installed; "" when there is nothing to link."""
    from django.urls import NoReverseMatch, reverse

    ref = (ref or "").strip()
    if ref.startswith("/") and not ref.startswith("//"):
        return ref
    if ref.isdigit():
        for name in REF_URL_NAMES[kind]:
            try:
                return reverse(name, args=[int(ref)])
            except NoReverseMatch:
                continue
    return ""

"""Half-year reviews 评述会: community staff open a review of a compound; each
body files its work report (achievements, problems, next steps) once; residents
and owners of the compound rate each report 1–5 with a comment, once per person;
staff close the review. Reports, ratings and their averages are public."""
from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.deliberation.models import Body, EventKind, Rating, Report, Review
from linli.deliberation.services._common import DeliberationRefused, compound_of, event, require_neighbour, text
from linli.errors import InvalidInput
from linli.org.models import Node, Person


@transaction.atomic
def review_open(*, compound: Node, title: str, period: str, held_on: dt.date, by: Person) -> Review:
    compound = compound_of(compound)
    authz.require(by, "deliberation.review.manage", compound)
    title = text(title, "deliberation.title", _("A review needs a title of at most 120 characters."), maximum=120)
    period = text(period, "deliberation.period", _("Name the period, e.g. 2026 first half."), maximum=40)
    if not isinstance(held_on, dt.date) or not 1970 <= held_on.year <= 2200:
        raise InvalidInput("deliberation.held_on", _("Give the date of the review meeting."))
    if Review.objects.filter(compound=compound, period=period).exists():
        raise DeliberationRefused("deliberation.review_exists", _("This compound already has a review for this period."))
    review = Review.objects.create(compound=compound, title=title, period=period, held_on=held_on)
    event(compound, EventKind.REVIEW_OPENED, by, review=review.pk)
    return review


@transaction.atomic
def review_close(*, review: Review, by: Person) -> Review:
    review = Review.objects.select_for_update().select_related("compound").get(pk=review.pk)
    authz.require(by, "deliberation.review.manage", review)
    if review.closed:
        raise DeliberationRefused("deliberation.review_closed", _("This review is closed."))
    review.closed = True
    review.save(update_fields=["closed"])
    event(review.compound, EventKind.REVIEW_CLOSED, by, review=review.pk)
    return review


@transaction.atomic
def report_file(*, review: Review, body: str, achievements: str, problems: str, next_steps: str,
                by: Person) -> Report:
    """A body files its work report: its own members (or community staff) only, once."""
    review = Review.objects.select_for_update().select_related("compound").get(pk=review.pk)
    authz.require(by, "deliberation.report.file", Report(review=review, body=body))
    if body not in Body.values:
        raise InvalidInput("deliberation.body_kind", _("Unknown body."))
    if review.closed:
        raise DeliberationRefused("deliberation.review_closed", _("This review is closed."))
    msg = _("Fill in achievements, problems and next steps (each at most 5000 characters).")
    fields = {k: text(v, "deliberation.report", msg, maximum=5000)
              for k, v in (("achievements", achievements), ("problems", problems), ("next_steps", next_steps))}
    if review.reports.filter(body=body).exists():
        raise DeliberationRefused("deliberation.report_filed", _("This body has already filed its report."))
    report = Report.objects.create(review=review, body=body, filed_by=by, **fields)
    event(review.compound, EventKind.REPORT_FILED, by, review=review.pk, report=report.pk, body=body)
    return report


@transaction.atomic
def report_rate(*, report: Report, stars: int, comment: str = "", by: Person) -> Rating:
    """A resident or owner of the compound rates a report 1–5, once."""
    report = Report.objects.select_related("review__compound").get(pk=report.pk)
    review = Review.objects.select_for_update().get(pk=report.review_id)
    require_neighbour(by, "deliberation.review.rate", review.compound)
    if review.closed:
        raise DeliberationRefused("deliberation.review_closed", _("This review is closed."))
    if not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 5:
        raise InvalidInput("deliberation.stars", _("Rate from 1 to 5 stars."))
    comment = text(comment, "deliberation.comment", _("The comment is at most 500 characters."), maximum=500,
                   required=False)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(report=report, person=by, stars=stars, comment=comment)
    except IntegrityError as exc:
        raise DeliberationRefused("deliberation.already_rated", _("You have already rated this report.")) from exc
    event(review.compound, EventKind.REPORT_RATED, by, report=report.pk, stars=stars)
    return rating

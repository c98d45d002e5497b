"""Tasks, slots, sign-ups with a waiting list, and completion (QR check-in on
site or the organiser's confirmation), which moves the points exactly once."""
from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.errors import InvalidInput, NotFound
from linli.ledger import services as ledger
from linli.mutualaid.models import (
    Completion,
    CompletionMethod,
    EventKind,
    SignUp,
    SignUpStatus,
    Slot,
    Task,
    TaskStatus,
)
from linli.mutualaid.services._common import (
    AidRefused,
    community_of,
    daily_earn_limit,
    day_start,
    event,
    lock_accounts,
    positive_int,
)
from linli.mutualaid.services.accounts import person_account, pool_account
from linli.mutualaid.services.transitions import step
from linli.org.models import Node, NodeKind, Person

# A volunteer may scan a little before the slot starts (arriving early), never after it ends.
CHECKIN_EARLY = dt.timedelta(minutes=15)
TASK_PLACES = {NodeKind.COMMUNITY, NodeKind.COMPOUND}


@transaction.atomic
def task_post(*, node: Node, title: str, place: str, places: int, points: int, signup_deadline: dt.datetime,
              slots: list[tuple[dt.datetime, dt.datetime]], description: str = "", by: Person) -> Task:
    """A community or compound posts a need with its time slots."""
    authz.require(by, "mutualaid.task.manage", node)
    if node.kind not in TASK_PLACES:
        raise InvalidInput("mutualaid.task_place", _("A task is posted by a community or a compound."))
    title, place = (title or "").strip(), (place or "").strip()
    if not title or len(title) > 120:
        raise InvalidInput("mutualaid.title", _("A task needs a title of at most 120 characters."))
    if not place or len(place) > 200:
        raise InvalidInput("mutualaid.place", _("Say where the task takes place."))
    positive_int(places, "mutualaid.places", _("Places per slot: 1 to 500."), maximum=500)
    positive_int(points, "mutualaid.points", _("Points per completion: 1 to 1000."), maximum=1000)
    if not slots:
        raise InvalidInput("mutualaid.slots", _("A task needs at least one time slot."))
    for start, end in slots:
        if end <= start or end - start > dt.timedelta(hours=12):
            raise InvalidInput("mutualaid.slot", _("A slot ends after it starts and lasts at most 12 hours."))
    if signup_deadline > min(s for s, _e in slots):
        raise InvalidInput("mutualaid.deadline", _("The sign-up deadline is before the first slot starts."))
    task = Task.objects.create(node=node, community=community_of(node), title=title, place=place, places=places,
                               points=points, signup_deadline=signup_deadline, description=(description or "").strip(),
                               created_by=by)
    for start, end in sorted(slots):
        Slot.objects.create(task=task, starts_at=start, ends_at=end)
    event(task.community, EventKind.TASK_POSTED, by, task=task.pk, slots=len(slots), points=points)
    return task


@transaction.atomic
def task_set_status(*, task: Task, arrow: str, by: Person) -> Task:
    authz.require(by, "mutualaid.task.manage", task.node)
    task = Task.objects.select_for_update().get(pk=task.pk)
    before, after = step("task", arrow, task)
    task.save(update_fields=["status"])
    event(task.community, EventKind.TASK_STATUS, by, task=task.pk, before=before, after=after)
    return task


def _slot_locked(slot: Slot) -> Slot:
    return Slot.objects.select_for_update().select_related("task__community", "task__node").get(pk=slot.pk)


def _taken(slot: Slot) -> int:
    return slot.signups.filter(status__in=[SignUpStatus.CONFIRMED, SignUpStatus.COMPLETED]).count()


@transaction.atomic
def signup_create(*, slot: Slot, by: Person, now: dt.datetime | None = None) -> SignUp:
    """A confirmed volunteer of the task's community takes a place, or a place on
    the waiting list when the slot is full. Precondition: none; locks the slot."""
    now = now or timezone.now()
    slot = _slot_locked(slot)
    task = slot.task
    authz.require(by, "mutualaid.task.signup", task.node)
    if task.status != TaskStatus.OPEN:
        raise AidRefused("mutualaid.task_closed", _("This task no longer takes sign-ups."))
    if now > task.signup_deadline:
        raise AidRefused("mutualaid.deadline_passed", _("The sign-up deadline has passed."))
    if slot.signups.filter(person=by, status__in=[SignUpStatus.CONFIRMED, SignUpStatus.WAITING,
                                                  SignUpStatus.COMPLETED]).exists():
        raise AidRefused("mutualaid.already_signed_up", _("You have already signed up for this slot."))
    status = SignUpStatus.CONFIRMED if _taken(slot) < task.places else SignUpStatus.WAITING
    signup = SignUp.objects.create(slot=slot, person=by, status=status, created_at=now)
    event(task.community, EventKind.SIGNUP, by, signup=signup.pk, slot=slot.pk, after=status)
    return signup


@transaction.atomic
def signup_withdraw(*, signup: SignUp, by: Person, now: dt.datetime | None = None) -> SignUp:
    """The volunteer withdraws; the first on the waiting list takes the free place."""
    now = now or timezone.now()
    slot = _slot_locked(signup.slot)
    signup = SignUp.objects.select_for_update().get(pk=signup.pk)
    # One's own sign-up as a volunteer of the place; someone else's as its organiser.
    own = signup.person_id == getattr(by, "pk", None)
    authz.require(by, "mutualaid.task.signup" if own else "mutualaid.task.manage", slot.task.node)
    if now >= slot.starts_at:
        raise AidRefused("mutualaid.slot_started", _("The slot has started; ask the organiser instead."))
    before, after = step("signup", "withdraw", signup)
    signup.save(update_fields=["status"])
    event(slot.task.community, EventKind.SIGNUP_STATUS, by, signup=signup.pk, before=before, after=after)
    if before == SignUpStatus.CONFIRMED:
        _promote(slot, by)
    return signup


def _promote(slot: Slot, by) -> None:
    """Fill free places from the waiting list, first come first served (slot locked)."""
    free = slot.task.places - _taken(slot)
    for waiting in list(slot.signups.filter(status=SignUpStatus.WAITING).order_by("created_at", "id")[:max(free, 0)]):
        before, after = step("signup", "promote", waiting)
        waiting.save(update_fields=["status"])
        event(slot.task.community, EventKind.SIGNUP_STATUS, by, signup=waiting.pk, before=before, after=after,
              waiting_list=True)


def slot_by_token(token: str) -> Slot:
    slot = Slot.objects.select_related("task").filter(token=(token or "").strip()[:40]).first()
    if slot is None:
        raise NotFound("mutualaid.slot", _("This check-in code is not known."))
    return slot


@transaction.atomic
def checkin_scan(*, token: str, by: Person, now: dt.datetime | None = None) -> Completion:
    """The volunteer scans the slot's QR code on site within the slot: the
    completion is recorded and the points move once. A second scan is refused."""
    now = now or timezone.now()
    slot = _slot_locked(slot_by_token(token))
    authz.require(by, "mutualaid.task.signup", slot.task.node)
    if not (slot.starts_at - CHECKIN_EARLY <= now <= slot.ends_at):
        raise AidRefused("mutualaid.outside_slot",
                         _("This code is valid only during its slot (%(start)s–%(end)s).")
                         % {"start": timezone.localtime(slot.starts_at).strftime("%m-%d %H:%M"),
                            "end": timezone.localtime(slot.ends_at).strftime("%H:%M")})
    return _complete(slot=slot, person=by, method=CompletionMethod.QR, confirmed_by=None, by=by, now=now)


@transaction.atomic
def completion_confirm(*, signup: SignUp, by: Person, now: dt.datetime | None = None) -> Completion:
    """The organiser confirms a volunteer's completion (never their own)."""
    now = now or timezone.now()
    slot = _slot_locked(signup.slot)
    authz.require(by, "mutualaid.task.manage", slot.task.node)
    if signup.person_id == by.pk:
        raise AidRefused("mutualaid.self_confirm", _("Nobody confirms their own completion: ask another organiser."))
    if now < slot.starts_at:
        raise AidRefused("mutualaid.not_yet", _("The slot has not started yet."))
    return _complete(slot=slot, person=signup.person, method=CompletionMethod.ORGANISER, confirmed_by=by, by=by, now=now)


def _complete(*, slot: Slot, person: Person, method: str, confirmed_by, by, now) -> Completion:
    """Slot locked. Record the completion and move the points pool → volunteer."""
    task = slot.task
    if Completion.objects.filter(slot=slot, person=person).exists():
        raise AidRefused("mutualaid.already_completed",
                         _("This completion is already recorded; the points were awarded once."))
    signup = SignUp.objects.select_for_update().filter(slot=slot, person=person,
                                                       status__in=[SignUpStatus.CONFIRMED]).first()
    if signup is None:
        raise AidRefused("mutualaid.not_signed_up", _("Only volunteers with a confirmed place in this slot can check in."))
    community = task.community
    pool, mine = pool_account(community), person_account(community, person)
    accounts = lock_accounts(pool, mine)
    earned_today = Completion.objects.filter(person=person, at__gte=day_start(now)).aggregate(s=Sum("points"))["s"] or 0
    if earned_today + task.points > daily_earn_limit():
        raise AidRefused("mutualaid.earn_limit",
                         _("The daily limit of %(limit)s points earned is reached; this completion is not recorded.")
                         % {"limit": daily_earn_limit()})
    if accounts[pool.pk].balance < task.points:
        raise AidRefused("mutualaid.pool_empty", _("The community's points pool is empty; ask the community to refill it."))
    before, after = step("signup", "complete", signup)
    signup.save(update_fields=["status"])
    tx = ledger.ledger_post(legs=[(pool, -task.points), (mine, task.points)],
                            idempotency_key=f"ma:completion:{slot.pk}:{person.pk}",
                            memo=f"志愿服务 {task.title} {timezone.localtime(slot.starts_at):%Y-%m-%d %H:%M}", by=by)
    try:
        with transaction.atomic():
            completion = Completion.objects.create(
                slot=slot, person=person, community=community, method=method, confirmed_by=confirmed_by,
                minutes=slot.minutes, points=task.points, transaction=tx, at=now)
    except IntegrityError as exc:  # the database's word on "once per volunteer per slot"
        raise AidRefused("mutualaid.already_completed",
                         _("This completion is already recorded; the points were awarded once.")) from exc
    event(community, EventKind.COMPLETED, by, completion=completion.pk, signup=signup.pk, method=method,
          points=task.points, minutes=slot.minutes, before=before, after=after)
    return completion

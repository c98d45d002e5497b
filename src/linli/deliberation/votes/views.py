"""Owners' vote pages: the list of a compound's votes, a vote's notice and timeline,
the owner's ballot (phone-first, confirm before casting), the tellers' entry page,
the result sheet (printable A4, same template), the electorate register. Thin:
each view asks authz (through the selectors and services) and renders."""
from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from linli import authz
from linli.deliberation.votes import rules, selectors, services
from linli.deliberation.votes.models import (
    Choice,
    Elector,
    Matter,
    OwnerKind,
    PaperEntry,
    Proxy,
)
from linli.errors import DomainError, InvalidInput, NotAllowed, NotFound
from linli.numbers import whole_number
from linli.org.models import Node, NodeKind, Person
from linli.org.selectors import public_place_name


def _compound(code: str) -> Node:
    node = Node.objects.filter(code=code, kind=NodeKind.COMPOUND).first()
    if node is None:
        raise Http404
    return node


def _vote(request, pk: int):
    try:
        return selectors.vote_get(request.user, pk)
    except NotFound:
        raise Http404 from None


def _clean(request) -> None:
    if any("\x00" in k or any("\x00" in v for v in vs) for k, vs in request.POST.lists()):
        raise InvalidInput("votes.nul", _("The request contains a NUL character."))


def _action(view):
    """POST-only manager action on a vote: a refusal comes back as a message on the vote's page."""
    @require_POST
    @login_required
    @wraps(view)
    def wrapper(request, pk: int):
        vote = _vote(request, pk)
        try:
            _clean(request)
            view(request, vote)
        except NotAllowed:
            raise
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("votes_detail", pk=vote.pk)
    return wrapper


def _when(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat((text or "").strip())
    except ValueError:
        raise InvalidInput("votes.when", _("Give the time as YYYY-MM-DD HH:MM.")) from None
    if not 1970 <= value.year <= 2200:
        raise InvalidInput("votes.when", _("Give the time as YYYY-MM-DD HH:MM."))
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def vote_list(request, code: str):
    compound = _compound(code)
    votes = list(selectors.visible_votes(request.user, compound))
    return render(request, "votes/list.html", {
        "compound": compound, "place": public_place_name(compound), "votes": votes,
        "may_manage": authz.can(request.user, "votes.vote.manage", compound),
    })


@login_required
def vote_new(request, code: str):
    compound = _compound(code)
    authz.require(request.user, "votes.vote.manage", compound)
    error, form = None, {"matter": Matter.PROPERTY_COMPANY}
    if request.method == "POST":
        form = request.POST
        try:
            _clean(request)
            days = whole_number(form.get("publicity_days", "")[:4], default=15)
            vote = services.vote_create(compound=compound, title=form.get("title", ""), matter=form.get("matter", ""),
                                        description=form.get("description", ""), topic_ref=form.get("topic_ref", ""),
                                        publicity_days=days if days is not None else 0,
                                        by=request.user)
            messages.success(request, _("The vote has been created as a draft with today's electorate."))
            return redirect("votes_detail", pk=vote.pk)
        except NotAllowed:
            raise
        except DomainError as exc:
            error = exc.message
    return render(request, "votes/new.html", {"compound": compound, "place": public_place_name(compound),
                                              "matters": Matter.choices, "form": form, "error": error}, status=422 if error else 200)


def vote_detail(request, pk: int):
    vote = _vote(request, pk)
    user = request.user
    manage = authz.can(user, "votes.vote.manage", vote)
    return render(request, "votes/detail.html", {
        "vote": vote, "place": public_place_name(vote.compound), "manage": manage,
        "teller": authz.can(user, "votes.paper.enter", vote),
        "mine": selectors.my_electors(user, vote), "proxies": selectors.my_proxies(user, vote),
        "rule": _rule_text(vote), "now": timezone.now(), "notice_days": services.NOTICE_DAYS,
        "households": vote.electors.count(), "total_area": rules.m2(vote.total_area),
    })


def _rule_text(vote) -> str:
    if vote.major:
        return _("Major matter: passed with at least 3/4 of the participating area and at least 3/4 of the "
                 "participating owners.")
    return _("Passed with more than half of the participating area and more than half of the participating owners.")


@_action
def notice(request, vote):
    services.vote_publish_notice(vote=vote, opens_at=_when(request.POST.get("opens_at", "")),
                                 closes_at=_when(request.POST.get("closes_at", "")), by=request.user)
    messages.success(request, _("The notice has been published and owners have been told."))


@_action
def open_vote(request, vote):
    services.vote_open(vote=vote, by=request.user)
    messages.success(request, _("Voting is open."))


@_action
def close_vote(request, vote):
    services.vote_close(vote=vote, by=request.user)
    messages.success(request, _("Voting is closed."))


@_action
def publish(request, vote):
    services.result_publish(vote=vote, by=request.user)
    messages.success(request, _("The result has been published; the public notice period has begun."))


@login_required
def ballot(request, pk: int):
    """The owner's ballot page: choose, confirm, cast (POST twice: without and with confirm=1)."""
    vote = _vote(request, pk)
    mine, proxies = selectors.my_electors(request.user, vote), selectors.my_proxies(request.user, vote)
    if not mine and not proxies:
        authz.require(request.user, "votes.ballot.cast", None)  # refused: nobody to vote for
    cast = selectors.ballots_by_key(vote, [e.owner_key for e in mine] + [p.owner_key for p in proxies])
    confirm, error, done = None, None, None
    if request.method == "POST":
        try:
            _clean(request)
            choice, who = request.POST.get("choice", ""), request.POST.get("for", "")
            target = _target(mine, proxies, who)
            if choice not in Choice.values:
                raise InvalidInput("votes.choice", _("Choose yes, no or abstain."))
            if request.POST.get("confirm") != "1":
                confirm = {"choice": choice, "label": Choice(choice).label, "for": who, "target": target}
            else:
                if isinstance(target, Proxy):
                    b = services.proxy_cast(proxy=target, choice=choice, by=request.user)
                else:
                    b = services.ballot_cast(vote=vote, elector=target, choice=choice, by=request.user)
                done = b
                cast[b.owner_key] = b
        except NotAllowed:
            raise
        except DomainError as exc:
            error = exc.message
    for e in mine:  # shown on the page beside each owner and proxy
        e.ballot = cast.get(e.owner_key)  # type: ignore[attr-defined]
        e.area_m2 = rules.m2(sum(x.area for x in e.units))  # type: ignore[attr-defined]
    for p in proxies:
        p.ballot = cast.get(p.owner_key)  # type: ignore[attr-defined]
    return render(request, "votes/ballot.html", {
        "vote": vote, "place": public_place_name(vote.compound), "mine": mine, "proxies": proxies,
        "choices": Choice.choices, "confirm": confirm, "error": error, "done": done, "rule": _rule_text(vote),
    }, status=422 if error else 200)


def _target(mine: list[Elector], proxies: list[Proxy], who: str):
    for e in mine:
        if who == f"e{e.pk}":
            return e
    for p in proxies:
        if who == f"p{p.pk}":
            return p
    raise InvalidInput("votes.for", _("Choose whom you vote for."))


@login_required
def tellers(request, pk: int):
    vote = _vote(request, pk)
    authz.require(request.user, "votes.paper.enter", vote)
    error = None
    if request.method == "POST":
        try:
            _clean(request)
            entry = services.paper_enter(vote=vote, household_code=request.POST.get("household", ""),
                                         choice=request.POST.get("choice", ""), by=request.user)
            messages.success(request, {
                "first": _("First entry saved: another teller types the same ballot in again."),
                "matched": _("Second entry matches: the ballot is counted."),
                "mismatch": _("The second entry differs from the first: resolve it before counting."),
            }[entry.status])
            return redirect("votes_tellers", pk=vote.pk)
        except NotAllowed:
            raise
        except DomainError as exc:
            error = exc.message
    vote.refresh_from_db()
    return render(request, "votes/tellers.html", {
        "vote": vote, "place": public_place_name(vote.compound), "queue": selectors.paper_queue(request.user, vote),
        "choices": Choice.choices, "error": error, "manage": authz.can(request.user, "votes.vote.manage", vote),
        "counted": vote.ballots.count(), "form": request.POST if error else {},
    }, status=422 if error else 200)


@require_POST
@login_required
def resolve(request, pk: int):
    entry = get_object_or_404(PaperEntry.objects.select_related("vote__compound"), pk=pk)
    authz.require(request.user, "votes.vote.manage", entry.vote)
    try:
        _clean(request)
        services.paper_resolve(entry=entry, choice=request.POST.get("choice", ""), note=request.POST.get("note", ""),
                               by=request.user)
        messages.success(request, _("The mismatch is resolved and the ballot counted."))
    except NotAllowed:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("votes_tellers", pk=entry.vote_id)


@require_POST
@login_required
def proxy_new(request, pk: int):
    vote = _vote(request, pk)
    authz.require(request.user, "votes.vote.manage", vote)
    try:
        _clean(request)
        holder = Person.objects.filter(username=request.POST.get("holder", "").strip()[:150], is_active=True).first()
        services.proxy_register(vote=vote, household_code=request.POST.get("household", ""), holder=holder,
                                document=request.POST.get("document", ""), by=request.user)
        messages.success(request, _("The written proxy is registered; its holder can now vote for the owner."))
    except NotAllowed:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("votes_tellers", pk=vote.pk)


def result(request, pk: int):
    vote = _vote(request, pk)
    try:
        sheet = selectors.result_sheet(request.user, vote)
    except NotFound:
        return render(request, "votes/result_hidden.html", {"vote": vote, "place": public_place_name(vote.compound)},
                      status=404)
    t, o = sheet.tally, sheet.outcome
    rows = [
        (pgettext("vote", "Yes"), t.yes_owners, rules.m2(t.yes_area)), (pgettext("vote", "No"), t.no_owners, rules.m2(t.no_area)),
        (pgettext("vote", "Abstain"), t.abstain_owners, rules.m2(t.abstain_area)),
        (_("Participating"), t.part_owners, rules.m2(t.part_area)),
        (_("Did not vote"), t.total_owners - t.part_owners, rules.m2(t.total_area - t.part_area)),
        (_("All owners"), t.total_owners, rules.m2(t.total_area)),
    ]
    fr = [
        (_("Participating area / total area"), f"{rules.m2(t.part_area)} / {rules.m2(t.total_area)}",
         rules.percent(o.area_participation), _("at least 2/3"), o.area_participation >= rules.VALID_SHARE),
        (_("Participating owners / all owners"), f"{t.part_owners} / {t.total_owners}",
         rules.percent(o.owner_participation), _("at least 2/3"), o.owner_participation >= rules.VALID_SHARE),
        (_("Yes area / participating area"), f"{rules.m2(t.yes_area)} / {rules.m2(t.part_area)}",
         rules.percent(o.yes_area_share), _("at least 3/4") if o.major else _("more than 1/2"),
         _meets(o.yes_area_share, o)),
        (_("Yes owners / participating owners"), f"{t.yes_owners} / {t.part_owners}",
         rules.percent(o.yes_owner_share), _("at least 3/4") if o.major else _("more than 1/2"),
         _meets(o.yes_owner_share, o)),
    ]
    return render(request, "votes/result.html", {
        "vote": vote, "place": public_place_name(vote.compound), "sheet": sheet, "rows": rows, "fractions": fr,
        "rule": _rule_text(vote), "audit": _labelled(selectors.audit_trail(request.user, vote)),
        "publicity_until": (vote.published_at + dt.timedelta(days=vote.publicity_days)) if vote.published_at else None,
        "now": timezone.now(),
    })


def _labelled(events):
    labels = dict(Choice.choices)
    for ev in events:
        ev.choice_label = labels.get(ev.data.get("choice", ""), "")
    return events


def _meets(share, o) -> bool:
    return share >= o.pass_share if o.major else share > o.pass_share


@login_required
def register(request, code: str):
    compound = _compound(code)
    authz.require(request.user, "votes.register.edit", compound)
    error = None
    if request.method == "POST":
        try:
            _clean(request)
            household = Node.objects.filter(code=request.POST.get("household", "").strip(), kind=NodeKind.HOUSEHOLD,
                                            compound=compound).first()
            if household is None:
                raise InvalidInput("votes.household_code", _("No household with this code in this compound."))
            kind = request.POST.get("kind", "")
            person = None
            if kind == OwnerKind.PERSON:
                person = Person.objects.filter(username=request.POST.get("person", "").strip()[:150]).first()
            services.register_set(household=household, kind=kind, person=person, name=request.POST.get("name", ""),
                                  by=request.user)
            messages.success(request, _("The register is updated; votes created from now on use it."))
            return redirect(reverse("votes_register", args=[code]))
        except NotAllowed:
            raise
        except DomainError as exc:
            error = exc.message
    rows = selectors.register_rows(request.user, compound)
    owners = rules.owners_of((key, area) for _h, key, _p, area in rows)
    names = {p.pk: p for p in Person.objects.filter(pk__in={p for _h, _k, p, _a in rows if p})}
    shown = [(h, _owner_label(key, names.get(pid)), rules.m2(area)) for h, key, pid, area in rows]
    return render(request, "votes/register.html", {
        "compound": compound, "place": public_place_name(compound), "rows": shown, "owners": len(owners),
        "total_area": rules.m2(sum(owners.values())), "kinds": OwnerKind.choices, "error": error,
    }, status=422 if error else 200)


def _owner_label(key: str, person) -> str:
    if key == rules.DEVELOPER:
        return _("Developer (unsold)")
    if key.startswith("h:"):
        return _("Owner not known (counts as its own owner)")
    if key.startswith("n:"):
        return key[2:]
    return str(person) if person is not None else key

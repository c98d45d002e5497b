"""Reads of resident requests that depend on who is looking.

Scope is checked here once: ``case_list`` shows exactly the requests
``authz.can(viewer, "cases.case.view", case)`` allows.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db.models import Min, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from linli import authz
from linli.cases.models import (
    EVENT_SENTENCES,
    FIXED_STATUSES,
    OPEN_STATUSES,
    VISIT_REOPENED_SENTENCE,
    AssigneeKind,
    Campaign,
    Case,
    CaseEvent,
    CaseKind,
    CaseSupporter,
    Category,
    ContactReveal,
    Deadline,
    Escalation,
    EventAction,
    Notification,
    Rating,
    ReturnVisit,
    Status,
)
from linli.errors import InvalidInput, NotFound
from linli.org.models import CODE_VALIDATOR_RE, Node, Person, RoleAssignment, path_ids

_CODE = re.compile(CODE_VALIDATOR_RE)
CASE_RELATED = ("node", "compound", "microgrid", "category", "policy", "assignee", "assignee_node")


# Codes of categories that only another app's own form files (e.g. "construction-" for the
# problems of a renovation project, added by linli.projects at start-up): not offered on
# the QR page, in campaigns, in staff recording or by Open311.
DEDICATED_CATEGORY_PREFIXES: set[str] = set()


def categories(kind: str | None = None) -> QuerySet[Category]:
    qs = Category.objects.filter(active=True)
    for prefix in DEDICATED_CATEGORY_PREFIXES:
        qs = qs.exclude(code__startswith=prefix)
    return qs.filter(kind=kind) if kind else qs


def case_list(*, viewer, action: str = "cases.case.view", node: Node | None = None, status=None, colour=None,
              category=None, since: dt.datetime | None = None, until: dt.datetime | None = None) -> QuerySet[Case]:
    qs = authz.filter_visible(Case.objects.all(), viewer, action, "node", also=("microgrid",))
    if node is not None:
        qs = qs.filter(Q(node__path__startswith=node.path) | Q(microgrid=node))
    if status:
        qs = qs.filter(status__in=[status] if isinstance(status, str) else status)
    if colour:
        qs = qs.filter(colour__in=[colour] if isinstance(colour, str) else colour)
    if category:
        qs = qs.filter(category__code=category)
    if since:
        qs = qs.filter(received_at__gte=since)
    if until:
        qs = qs.filter(received_at__lt=until)
    return qs.select_related(*CASE_RELATED)


def case_get(*, viewer, pk: int) -> Case:
    """One request with its history, if the viewer may see it (else NotFound: no existence leak)."""
    case = (
        Case.objects.select_related(*CASE_RELATED, "merged_into")
        .prefetch_related(Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
                          "deadlines", "photos", Prefetch("return_visits", queryset=ReturnVisit.objects.select_related("by")),
                          "supervisions__by", Prefetch("escalations", queryset=Escalation.objects.select_related(
                              "deadline", "node", "acknowledged_by")))
        .filter(pk=pk).first()
    )
    if case is None or not authz.can(viewer, "cases.case.view", case):
        raise NotFound("not_found", "未找到这条诉求。")
    return case


# ---------------------------------------------------------------------------
# The reporter's contact: one rule (``cases.case.contact``) for pages, API and
# exports. Everyone else who may see the request sees the masked form.

def case_contact(*, viewer, case: Case, channel: str, path: str = "") -> dict:
    """The reporter's name, phone and e-mail, and the description, as ``viewer``
    may see them: in full for the people dispatching the request in scope and
    its handlers, masked (with the phone numbers written into the description)
    for everyone else. A read that leaves a trace: each time a full phone
    number or e-mail is shown, a ``ContactReveal`` row records who, when, which
    request and where (``channel``: page, api, export; ``path``: the address)."""
    from linli.org.models import mask_email, mask_name, mask_phone

    if not authz.can(viewer, "cases.case.contact", case):
        return {"name": mask_name(case.contact_name), "phone": mask_phone(case.contact_phone),
                "email": mask_email(case.contact_email), "description": mask_phones(case.description),
                "full": False}
    if case.contact_phone or case.contact_email or mask_phones(case.description) != case.description:
        ContactReveal.objects.create(case=case, viewer=viewer, channel=channel, path=path[:300])
    return {"name": case.contact_name, "phone": case.contact_phone, "email": case.contact_email,
            "description": case.description, "full": True}


def case_by_tracking_code(code: str) -> Case:
    """For the resident's tracking page (the code is the proof; no login)."""
    case = (
        Case.objects.select_related("node", "compound", "category", "policy", "merged_into")
        .prefetch_related(Prefetch("events", queryset=CaseEvent.objects.filter(public=True)), "photos")
        .filter(tracking_code=(code or "").strip().upper()).first()
    )
    if case is None:
        raise NotFound("not_found", "未找到这条诉求，请检查查询码。")
    return case


def open_deadlines(case: Case) -> list[Deadline]:
    return [d for d in case.deadlines.all() if d.met_at is None and d.cancelled_at is None]


def queue(*, viewer, now: dt.datetime | None = None) -> QuerySet[Case]:
    """The viewer's next actions: open requests they may work on, nearest deadline first.
    Annotated with ``next_due`` (the earliest open deadline)."""
    now = now or timezone.now()
    open_deadline = Q(deadlines__met_at__isnull=True, deadlines__cancelled_at__isnull=True)
    qs = case_list(viewer=viewer, action="cases.case.work", status=OPEN_STATUSES)
    return qs.annotate(next_due=Min("deadlines__due_at", filter=open_deadline)).order_by(
        "next_due", "received_at")


def supervision_view(*, viewer, now: dt.datetime | None = None, within: dt.timedelta = dt.timedelta(hours=24)):
    """Community staff's daily check (seed 000): breached and nearly breached requests in scope."""
    now = now or timezone.now()
    visible = case_list(viewer=viewer, action="cases.case.supervise").values("pk")
    deadlines = Deadline.objects.filter(case__in=visible, cancelled_at__isnull=True).select_related(
        "case", "case__category", "case__node", "case__compound")
    breached = deadlines.filter(breached_at__isnull=False, met_at__isnull=True,
                                case__status__in=OPEN_STATUSES).order_by("due_at")
    near = deadlines.filter(met_at__isnull=True, breached_at__isnull=True, due_at__lte=now + within).order_by("due_at")
    return {"breached": list(breached), "near": list(near)}


def escalations_for(*, viewer, open_only: bool = True) -> QuerySet[Escalation]:
    """Escalations addressed to a role the viewer holds at exactly that place."""
    if viewer is None or not viewer.is_authenticated:
        return Escalation.objects.none()
    qs = Escalation.objects.select_related("case", "case__category", "case__node", "deadline", "node")
    if not viewer.is_superuser:
        held = RoleAssignment.objects.filter(person=viewer).values_list("role", "node_id")
        q = Q(pk__in=[])
        for role, node_id in held:
            q |= Q(role=role, node_id=node_id)
        qs = qs.filter(q)
    if open_only:
        qs = qs.filter(acknowledged_at__isnull=True)
    return qs


def notifications_for(*, viewer, unread_only: bool = False) -> QuerySet[Notification]:
    if viewer is None or not viewer.is_authenticated:
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=viewer)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def notifications_for_tracking(case: Case) -> QuerySet[Notification]:
    return Notification.objects.filter(case=case, for_reporter=True)


def campaign_figures(campaign: Campaign) -> dict:
    """Found / fixed / rectification rate of an inspection campaign."""
    cases = Case.objects.filter(campaign=campaign).exclude(status=Status.MERGED)
    found = cases.count()
    fixed = cases.filter(status__in=FIXED_STATUSES).count()
    return {"found": found, "fixed": fixed, "rate": (fixed / found) if found else None}


def finished_between(*, compound: Node, start: dt.date, end: dt.date) -> QuerySet[Case]:
    """Requests of a compound finished in [start, end) (local dates), for the
    property service report: public facts only (category, place, dates, plan)."""
    tz = timezone.get_current_timezone()
    since = timezone.make_aware(dt.datetime.combine(start, dt.time(0)), tz)
    until = timezone.make_aware(dt.datetime.combine(end, dt.time(0)), tz)
    return (
        Case.objects.filter(compound=compound, done_at__gte=since, done_at__lt=until,
                            status__in=FIXED_STATUSES)
        .select_related("category", "node").order_by("done_at", "id")
    )


def place_from_address(text: str, *, within: Node | None = None) -> Node | None:
    """The place an address text names (API and Open311 intake without a QR code):
    a place code, else the compound whose name the text contains and, inside it,
    the building or unit whose name follows. None when no compound is named."""
    from linli.org.models import NodeKind

    text = (text or "").strip()
    if not text or "\x00" in text:
        return None
    candidates = Node.objects.all()
    if within is not None:
        candidates = candidates.filter(path__startswith=within.path)
    exact = candidates.filter(code=text[:40]).first()
    if exact is not None:
        return exact
    best = None
    for compound in candidates.filter(kind=NodeKind.COMPOUND).only("pk", "name", "path"):
        if compound.name and compound.name in text and (best is None or len(compound.name) > len(best.name)):
            best = compound
    if best is None:
        return None
    rest = text.split(best.name, 1)[1]
    for kind in (NodeKind.BUILDING, NodeKind.UNIT):
        children = [n for n in Node.objects.filter(path__startswith=best.path, kind=kind) if n.name and n.name in rest]
        if not children:
            break
        best = max(children, key=lambda n: len(n.name))
        rest = rest.split(best.name, 1)[1]
    return best


# ---------------------------------------------------------------------------
# The resident's tracking page (public by tracking code): only what the
# resident should see, in plain sentences. Staff names, phone numbers and
# internal notes never appear.

# A digit as people type it (ASCII or full-width), and what they put between groups of digits.
_D, _SEP = "[0-9０-９]", "[ \u3000\u00a0－-]?"
_MOBILE = re.compile(rf"(?<!{_D})((?:[+＋]?[8８][6６]{_SEP})?)([1１]{_D}{{2}}){_SEP}({_D}{{4}}){_SEP}({_D}{{4}})(?!{_D})")
_LANDLINE = re.compile(rf"(?<!{_D})([0０]{_D}{{2,3}}{_SEP}){_D}{{3,4}}{_SEP}({_D}{{4}})(?!{_D})")


def mask_phones(text: str) -> str:
    """Mask phone numbers written into a note (138****5678, 028-****5678), also
    as people write them: +86 or 86 before, spaces or dashes between the groups
    (138 1234 5678), full-width digits."""
    text = _MOBILE.sub(lambda m: f"{m.group(1)}{m.group(2)}****{m.group(4)}", text or "")
    return _LANDLINE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


def case_by_client_token(*, token: str | None, scope: str) -> Case | None:
    """The request this caller already created with this one-time key (a double tap);
    never another caller's."""
    token = (token or "").strip()
    if not token or not scope:
        return None
    return Case.objects.filter(client_scope=scope, client_token=token).first()


def volunteer_name(person) -> str:
    """A volunteer as the resident sees them: the surname, the rest masked (张*)."""
    if person is None:
        return ""
    name = (person.real_name or person.last_name or person.first_name or person.username or "").strip()
    return name[:1] + "*" * max(1, min(len(name) - 1, 2)) if name else ""


def _whom(kind: str) -> str:
    from django.utils.translation import gettext as _

    return {
        "property": _("the property company"),
        "community": _("the community"),
        "party_branch": _("the party branch"),
        "microgrid_leader": _("the micro-grid leader"),
        "person": _("a named member of staff"),
    }.get(kind, _("the people in charge"))


# Mutual help: the "plan" of a help request says who helps, and when.
HELP_PLAN_SENTENCE = gettext_lazy("Who can help, and when")


def public_timeline(case: Case) -> list[dict]:
    """The public events of a request as sentences: [{"at", "text", "note", "link", "colour"}].
    Each sentence is the event's (``EventAction.sentence``) in the reader's language, filled
    in from the event's data."""
    rows = []
    events = [e for e in case.events.all() if e.public]
    for e in events:
        data = e.data or {}
        action = EventAction(e.action) if e.action in EventAction.values else None
        sentence = action.sentence if action else EVENT_SENTENCES[None]
        if action == EventAction.DISPATCH and case.kind == CaseKind.HELP and data.get("to") == AssigneeKind.PERSON:
            sentence = EventAction.HELP_MATCH.sentence
        elif action == EventAction.VISIT and data.get("reopened"):
            sentence = VISIT_REOPENED_SENTENCE
        elif action == EventAction.PLAN and case.kind == CaseKind.HELP:
            sentence = HELP_PLAN_SENTENCE
        colour = data.get("colour", "") if action == EventAction.PLAN else (
            data.get("to", "") if action == EventAction.RECLASSIFY else "")
        link = ""  # a merge names no other request: its code would open that request to this reporter
        rating = Rating(data["rating"]).label if data.get("rating") in Rating.values else ""
        text = str(sentence) % {"whom": _whom(data.get("to", "")), "rating": rating, "code": link}
        rows.append({
            "at": e.at, "action": e.action, "text": text, "link": link,
            "colour": colour, "colour_label": case.policy.colour_label(colour) if colour else "",
            "note": mask_phones(e.note) if action and action.note_is_public else "",
        })
    return rows


def resident_deadlines(case: Case) -> list[dict]:
    """The promises the resident should know: respond / plan / finish / return visit, open ones only."""
    from django.utils.translation import gettext as _

    from linli.cases.models import Clock

    labels: dict[str, Any] = {
        Clock.RESPOND: _("Staff respond by"),
        Clock.PLAN: _("A plan is given by"),
        Clock.FINISH: _("Expected to be finished by"),
        Clock.RETURN_VISIT: _("Return visit by"),
    }
    if case.kind == "help":  # a neighbour's help has no "plan" to wait for
        labels.pop(Clock.PLAN)
    rows = []
    for d in case.deadlines.filter(met_at__isnull=True, cancelled_at__isnull=True, clock__in=list(labels)).order_by("due_at"):
        rows.append({"clock": d.clock, "label": labels[d.clock], "due_at": d.due_at,
                     "overdue": d.breached_at is not None or d.due_at < timezone.now()})
    return rows


def tracking_photo(case: Case, pk: int):
    """A photo of this request (for the tracking page), else NotFound."""
    photo = case.photos.filter(pk=pk).first()
    if photo is None:
        from django.utils.translation import gettext_lazy

        raise NotFound("not_found", gettext_lazy("This photo does not exist."))
    return photo


# ---------------------------------------------------------------------------
# Staff pages


class HelpCandidate:
    """A person who may be matched to a mutual-help request, and why they are offered."""

    NEAR = {"building": 0, "microgrid": 1, "compound": 2, "community": 3}

    def __init__(self, person, near: str, role: str):
        self.person, self.near, self.role = person, near, role

    @property
    def rank(self) -> tuple:
        return (self.NEAR[self.near], 0 if self.role == "volunteer" else 1, self.person.pk)


def help_candidates(case: Case) -> list[HelpCandidate]:
    """Volunteers and residents who may help with a mutual-help request, nearest
    first: same building, then same micro-grid, then volunteers of the compound
    (or a volunteer whose place contains the request). The reporter is left out."""
    from linli.org.models import NodeKind, Role

    node = case.node
    building = node if node.kind == NodeKind.BUILDING else node.ancestor_of_kind(NodeKind.BUILDING)
    compound = case.compound
    above_ids = node.ancestor_ids()
    near = Q(pk__in=[])
    if building is not None:
        near |= Q(node__path__startswith=building.path)
    if case.microgrid_id:
        near |= Q(node__microgrid_id=case.microgrid_id) | Q(node_id=case.microgrid_id)
    volunteers_far = Q(node_id__in=above_ids)
    if compound is not None:
        volunteers_far |= Q(node__path__startswith=compound.path)
    rows = (
        RoleAssignment.objects.filter(person__is_active=True)
        .filter((Q(role=Role.VOLUNTEER) & (near | volunteers_far)) | (Q(role__in=[Role.RESIDENT, Role.OWNER]) & near))
        .exclude(person_id__in=[case.reporter_id] if case.reporter_id else [])
        .select_related("person", "node")
    )
    best: dict[int, HelpCandidate] = {}
    for ra in rows:
        n = ra.node
        if building is not None and n.path.startswith(building.path):
            where = "building"
        elif case.microgrid_id and (n.microgrid_id == case.microgrid_id or n.pk == case.microgrid_id):
            where = "microgrid"
        else:
            where = "compound"
        role = "volunteer" if ra.role == Role.VOLUNTEER else "resident"
        cand = HelpCandidate(ra.person, where, role)
        if ra.person_id not in best or cand.rank < best[ra.person_id].rank:
            best[ra.person_id] = cand
    for person in registry_volunteers(case):
        if person.pk not in best and person.pk != case.reporter_id:
            best[person.pk] = HelpCandidate(person, "community", "volunteer")
    return sorted(best.values(), key=lambda c: c.rank)


def registry_volunteers(case: Case) -> list[Person]:
    """The confirmed volunteers of the request's community in the mutual-aid registry
    (``linli.mutualaid``: ``Volunteer`` rows with status confirmed), oldest first."""
    from linli.mutualaid.models import Volunteer, VolunteerStatus
    from linli.org.models import NodeKind

    community = (case.compound or case.node).ancestor_of_kind(NodeKind.COMMUNITY)
    if community is None:
        return []
    rows = (Volunteer.objects.filter(node=community, status=VolunteerStatus.CONFIRMED, person__is_active=True)
            .select_related("person").order_by("created_at", "pk"))
    return [v.person for v in rows]


def record_places(*, viewer) -> list[Node]:
    """Places a staff member may record a request about (snapshot, phone call, visit):
    compounds, buildings and units in their scope, including the buildings and
    units of the households of their micro-grid. Ordered by the tree."""
    from linli.org.models import NodeKind

    kinds = [NodeKind.COMPOUND, NodeKind.BUILDING, NodeKind.UNIT]
    visible = authz.filter_visible(Node.objects.filter(kind__in=kinds + [NodeKind.HOUSEHOLD]), viewer,
                                   "cases.case.record")
    ids: set[int] = set()
    for path, kind in visible.values_list("path", "kind"):
        parts = path_ids(path)
        ids.add(parts[-1])
        if kind == NodeKind.HOUSEHOLD:  # its unit and building (the micro-grid crosses the tree)
            ids.update(parts[-3:-1])
    return list(Node.objects.filter(pk__in=ids, kind__in=kinds).order_by("path"))


def place_labels(nodes) -> dict[int, str]:
    """``{node id: "compound building unit"}`` in two queries, for long place lists."""
    nodes = list(nodes)
    ids = {i for n in nodes for i in n.ancestor_ids()}
    names = dict(Node.objects.filter(pk__in=ids).exclude(kind__in=["district", "street"]).values_list("pk", "name"))
    return {n.pk: " ".join(names[i] for i in n.ancestor_ids() if i in names)
            for n in nodes}


def policy_places(*, viewer) -> QuerySet[Node]:
    """Compounds whose time-limit policy the viewer may choose."""
    from linli.org.models import NodeKind

    return authz.filter_visible(Node.objects.filter(kind=NodeKind.COMPOUND), viewer,
                                "cases.policy.manage").order_by("path")


def open_counts_by_policy(*, compound: Node) -> list[dict]:
    """Open requests of a compound by the policy their deadlines were computed under."""
    from django.db.models import Count

    return list(Case.objects.filter(compound=compound, status__in=OPEN_STATUSES)  # type: ignore[arg-type]
                .values("policy__name").annotate(n=Count("id")).order_by("policy__name"))


def supervised_cases(*, viewer, limit: int = 100) -> QuerySet[Case]:
    """Every open request the viewer supervises (party branch: its compound), oldest first."""
    return case_list(viewer=viewer, action="cases.case.supervise", status=OPEN_STATUSES).order_by(
        "received_at", "id")[:limit]


def assigned_to(*, viewer) -> QuerySet[Case]:
    """Open requests naming the viewer as assignee (e.g. a volunteer matched to a help request),
    nearest deadline first. Visible to them by the rule's holder clause."""
    if viewer is None or not viewer.is_authenticated:
        return Case.objects.none()
    open_deadline = Q(deadlines__met_at__isnull=True, deadlines__cancelled_at__isnull=True)
    return (Case.objects.filter(assignee=viewer, status__in=OPEN_STATUSES).select_related(*CASE_RELATED)
            .annotate(next_due=Min("deadlines__due_at", filter=open_deadline)).order_by("next_due", "received_at"))


def assignable_people(case: Case):
    """Staff whose role covers the request (its places above it, or its micro-grid): a named assignee."""
    from linli.cases.permissions import HANDLERS

    ids = case.node.ancestor_ids()
    if case.microgrid:  # the micro-grid and its grid (the grid worker)
        ids += case.microgrid.ancestor_ids()
    people = RoleAssignment.objects.filter(node_id__in=ids, role__in=list(HANDLERS)).values("person_id")
    return Person.objects.filter(pk__in=people, is_active=True).order_by("real_name", "username")


# ---------------------------------------------------------------------------
# Open311 (public reads: no contact, no internal notes)


def public_case_list(*, within: Node | None = None, ids=None, categories=None, statuses=None,
                     since: dt.datetime | None = None, until: dt.datetime | None = None) -> QuerySet[Case]:
    """Requests as the public may list them (Open311 GET requests), newest first.
    The caller renders public fields only (place no finer than the building)."""
    qs = Case.objects.select_related("node", "compound", "category", "policy", "assignee_node")
    if ids is not None:
        return qs.filter(pk__in=list(ids)).order_by("-received_at", "-id")
    if within is not None:
        qs = qs.filter(node__path__startswith=within.path)
    if categories:
        qs = qs.filter(category__code__in=list(categories))
    if statuses:
        qs = qs.filter(status__in=list(statuses))
    if since is not None:
        qs = qs.filter(received_at__gte=since)
    if until is not None:
        qs = qs.filter(received_at__lte=until)
    return qs.order_by("-received_at", "-id")


def public_status_changes(*, within: Node | None = None, since: dt.datetime | None = None,
                          until: dt.datetime | None = None) -> QuerySet[CaseEvent]:
    """Public events that changed a request's status (or created it), oldest first
    (mySociety's servicerequestupdates)."""
    from django.db.models import F

    qs = CaseEvent.objects.filter(public=True).filter(Q(action=EventAction.CREATE) | ~Q(from_status=F("to_status")))
    if within is not None:
        qs = qs.filter(case__node__path__startswith=within.path)
    if since is not None:
        qs = qs.filter(at__gte=since)
    if until is not None:
        qs = qs.filter(at__lte=until)
    return qs.select_related("case").order_by("at", "id")


def campaign_person(*, viewer, campaign: Campaign, text: str):
    """The active account with this username or mobile number, for a campaign
    manager adding a participant (None if none, or if the viewer may not manage)."""
    text = (text or "").strip().replace(" ", "")
    if not text or not authz.can(viewer, "cases.campaign.manage", campaign.node):
        return None
    return Person.objects.filter(Q(username=text) | Q(phone=text), is_active=True).order_by("id").first()


def expected_finish(case_ids) -> dict:
    """{case id: due time of its running finish clock} (Open311 ``expected_datetime``)."""
    out: dict[int, dt.datetime] = {}
    for d in Deadline.objects.filter(case_id__in=list(case_ids), clock="finish", cancelled_at__isnull=True,
                                     met_at__isnull=True).order_by("due_at").only("case_id", "due_at"):
        out.setdefault(d.case_id, d.due_at)
    return out


def place_by_code(code: str | None, *, field: str = "unit") -> Node:
    """The place with this code, for input naming it (API): InvalidInput otherwise."""
    node = Node.objects.filter(code=code).first() if code and _CODE.match(code) else None
    if node is None:
        raise InvalidInput("unknown_place", gettext_lazy("No place has this code."), details=[{"field": field}])
    return node


def active_person(username: str | None) -> Person | None:
    """The active person with this username (None for none given), for input naming them (API)."""
    if not username:
        return None
    person = Person.objects.filter(username=username, is_active=True).first()
    if person is None:
        raise InvalidInput("unknown_person", gettext_lazy("No active person has this username."),
                           details=[{"field": "person"}])
    return person


def case_by_updates_token(token: str) -> Case | None:
    """The request whose SMS opt-out key is ``token`` (the key is the proof)."""
    if not token or len(token) > 24:
        return None
    return Case.objects.filter(updates_token=token).first()


def case_told(case: Case) -> list[dict]:
    """Who was told of the new request (``notify.case_received``): each person's role
    there and masked name, in the order told. Empty until the worker has told them."""
    from linli.cases import notify
    from linli.org.models import Role, mask_name

    if case.staff_told_at is None:
        return []
    told_ids = set(Notification.objects.filter(case=case, kind="staff.received")
                   .values_list("recipient_id", flat=True))
    rows = []
    for role, people in notify.first_responders(case):
        for p in people:
            if p.pk in told_ids:
                rows.append({"role": Role(role).label, "name": mask_name(p.get_full_name() or p.username)})
                told_ids.discard(p.pk)
    # Told then, holding none of those roles now: still named (without a role).
    for p in Person.objects.filter(pk__in=told_ids).order_by("pk"):
        rows.append({"role": "", "name": mask_name(p.get_full_name() or p.username)})
    return rows


# --- "我也遇到了": open requests of the same building -------------------------------------

SUPPORT_DAYS = 30
SUPPORT_SHOWN = 5


def support_area(node: Node) -> Node:
    """Where "the same problem" is looked for: the building of a unit or household
    (a building's own page: the building); a place outside any building: itself."""
    from linli.org.models import NodeKind

    return node.ancestor_of_kind(NodeKind.BUILDING) or node


def supportable_cases(*, node: Node, now: dt.datetime | None = None) -> QuerySet[Case]:
    """Open problem reports (not finished, not merged) of the same building received in
    the last 30 days, newest first: what the intake page offers for "我也遇到了"."""
    from linli.cases.models import UNFIXED_STATUSES

    now = now or timezone.now()
    area = support_area(node)
    return (
        Case.objects.filter(node__path__startswith=area.path, kind=CaseKind.PROBLEM, status__in=UNFIXED_STATUSES,
                            received_at__gte=now - dt.timedelta(days=SUPPORT_DAYS))
        .order_by("-received_at", "-id")
    )


def duplicate_hints(*, node: Node, scope: str = "", now: dt.datetime | None = None) -> list[dict]:
    """What the intake page shows before the form ("已有邻居反映"): public wording only,
    no description (it may name people), no name, no phone, no tracking code.
    ``scope`` (the caller) marks the requests this caller reported or already joined."""
    from django.db.models import Count

    from linli.org.selectors import public_places

    rows = list(
        supportable_cases(node=node, now=now).select_related("category", "node")
        .annotate(n_supporters=Count("supporters"))[:SUPPORT_SHOWN]
    )
    joined = set()
    if scope and rows:
        joined = set(CaseSupporter.objects.filter(case__in=[c.pk for c in rows], client_scope=scope)
                     .values_list("case_id", flat=True))
    places = public_places([c.node for c in rows])
    return [
        {"id": c.pk, "category": c.category.name, "place": places[c.node.id].name,
         "received_on": timezone.localtime(c.received_at).date(), "status": c.get_status_display(),
         "supporters": c.n_supporters, "joined": c.pk in joined,
         "own": bool(scope) and (c.client_scope == scope or f"person:{c.reporter_id}" == scope)}
        for c in rows
    ]


def supporter_count(case: Case) -> int:
    return CaseSupporter.objects.filter(case=case).count()

"""The actions on a request, in one table.

One row per action: who may take it (an authz rule) and from which statuses,
the service that does it, the staff page's form, the API's input schema, the
button label, and the event it writes (whose label is the staff history's and
whose sentence the resident reads). The services enforce the workflow part
(``services.transitions``); the staff page builds one form per row
(``staff_views``) and the API one endpoint per row (``api``), so adding an
action is adding a row.

The form's cleaned data and the schema's fields are the service's keywords
(besides ``case`` and ``by``); ``page_keywords`` / ``api_keywords`` translate
where they differ (a tracking code or a username to look up). They run inside
the request's error handling: a DomainError they raise is shown like the
service's.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.cases import schemas, selectors, services, staff_forms
from linli.cases.models import (
    OPEN_STATUSES,
    PLANNED_STATUSES,
    WORKING_STATUSES,
    CaseKind,
    EventAction,
    Status,
)
from linli.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class RequestAction:
    name: str
    rule: str  # the authz action asked of the request
    allowed_from: tuple[str, ...]  # statuses the action is possible in
    service: Callable[..., Any]  # services.case_<name>(*, case, by, **keywords)
    form: type[staff_forms.StaffForm]  # the staff page's form (``for_case``)
    schema: type  # the API's input body
    label: Any  # the button and the page's messages
    event: EventAction  # what the history records: staff label and resident's sentence
    primary: bool = True  # offered first on the page (the next step), else under "more"
    danger: bool = False
    kinds: tuple[str, ...] = ()  # only for these kinds of request (empty: every kind)
    page_keywords: Callable[..., dict] | None = None  # (request, case, cleaned_data) -> keywords
    api_keywords: Callable[..., dict] | None = None  # (request, case, payload) -> keywords

    def from_page(self, request, case, data: dict):
        keywords = self.page_keywords(request, case, data) if self.page_keywords else dict(data)
        return self.service(case=case, by=request.user, **keywords)

    def from_api(self, request, case, payload):
        keywords = self.api_keywords(request, case, payload) if self.api_keywords else payload.dict()
        return self.service(case=case, by=request.user, **keywords)


def _merge_from_page(request, case, data):
    return {"into": selectors.case_by_tracking_code(data["into"]), "note": data["note"]}


def _merge_from_api(request, case, payload):
    try:
        into = selectors.case_get(viewer=request.user, pk=payload.into)
    except NotFound:
        raise InvalidInput("unknown_merge_target", _("No such request to merge into."), details=[{"field": "into"}]) from None
    return {"into": into, "note": payload.note}


def _assign_from_api(request, case, payload):
    return {"to": payload.to, "node": selectors.place_by_code(payload.node, field="node") if payload.node else None,
            "person": selectors.active_person(payload.person), "note": payload.note}


def _match_from_api(request, case, payload):
    volunteer = selectors.active_person(payload.volunteer)
    if volunteer is None:
        raise InvalidInput("unknown_person", _("No active person has this username."),
                           details=[{"field": "volunteer"}])
    return {"volunteer": volunteer, "note": payload.note}


WORK, DISPATCH = "cases.case.work", "cases.case.dispatch"

# In the order the staff page offers them.
ACTIONS: dict[str, RequestAction] = {a.name: a for a in (
    RequestAction("accept", WORK, (Status.RECEIVED,), services.case_accept,
                  staff_forms.NoteForm, schemas.NoteIn, _("Accept"), EventAction.ACCEPT),
    RequestAction("match_helper", "cases.help.match", (Status.RECEIVED, Status.ACCEPTED, Status.DISPATCHED),
                  services.case_match_helper, staff_forms.MatchHelperForm, schemas.MatchIn,
                  _("Match a volunteer"), EventAction.HELP_MATCH, kinds=(CaseKind.HELP,),
                  api_keywords=_match_from_api),
    RequestAction("dispatch", DISPATCH, (Status.ACCEPTED,), services.case_dispatch,
                  staff_forms.DispatchForm, schemas.AssignIn, _("Dispatch"), EventAction.DISPATCH,
                  api_keywords=_assign_from_api),
    RequestAction("arrive", WORK, (Status.DISPATCHED,), services.case_arrive,
                  staff_forms.NoteForm, schemas.NoteIn, _("Arrived on site"), EventAction.ARRIVE),
    RequestAction("plan", WORK, (Status.DISPATCHED, Status.ON_SITE), services.case_plan,
                  staff_forms.PlanForm, schemas.PlanIn, _("Give the plan and colour"), EventAction.PLAN),
    RequestAction("progress", WORK, PLANNED_STATUSES, services.case_progress,
                  staff_forms.ProgressForm, schemas.RequiredNoteIn, _("Report progress"), EventAction.PROGRESS),
    RequestAction("finish", WORK, PLANNED_STATUSES, services.case_finish,
                  staff_forms.FinishForm, schemas.NoteIn, _("Finished"), EventAction.FINISH),
    RequestAction("visit", WORK, (Status.DONE,), services.case_visit,
                  staff_forms.VisitForm, schemas.VisitIn, _("Return visit"), EventAction.VISIT),
    RequestAction("close", WORK, (Status.VISITED,), services.case_close,
                  staff_forms.NoteForm, schemas.NoteIn, pgettext_lazy("request action", "Close"), EventAction.CLOSE),
    RequestAction("reopen", DISPATCH, (Status.VISITED, Status.CLOSED), services.case_reopen,
                  staff_forms.ReasonForm, schemas.RequiredNoteIn, _("Reopen"), EventAction.REOPEN, primary=False),
    RequestAction("reclassify", DISPATCH, PLANNED_STATUSES, services.case_reclassify,
                  staff_forms.ReclassifyForm, schemas.PlanIn, _("Change the colour"), EventAction.RECLASSIFY,
                  primary=False),
    RequestAction("transfer", DISPATCH, WORKING_STATUSES, services.case_transfer,
                  staff_forms.TransferForm, schemas.AssignIn, _("Transfer"), EventAction.TRANSFER, primary=False,
                  api_keywords=_assign_from_api),
    RequestAction("send_back", WORK, WORKING_STATUSES, services.case_send_back,
                  staff_forms.ReasonForm, schemas.RequiredNoteIn, _("Send back"), EventAction.SEND_BACK,
                  primary=False),
    RequestAction("merge", DISPATCH, OPEN_STATUSES, services.case_merge,
                  staff_forms.MergeForm, schemas.MergeIn, _("Merge into another request"), EventAction.MERGE,
                  primary=False, page_keywords=_merge_from_page, api_keywords=_merge_from_api),
    RequestAction("declare_unsolvable", DISPATCH, (Status.ACCEPTED, *WORKING_STATUSES),
                  services.case_declare_unsolvable, staff_forms.ReasonForm, schemas.RequiredNoteIn,
                  _("Cannot be solved"), EventAction.DECLARE_UNSOLVABLE, primary=False, danger=True),
    RequestAction("supervise", "cases.case.supervise", tuple(Status.values), services.case_supervise,
                  staff_forms.SuperviseForm, schemas.SuperviseIn, _("Supervision 督办 or evaluation"),
                  EventAction.SUPERVISE, primary=False),
)}

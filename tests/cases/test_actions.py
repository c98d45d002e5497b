"""The table of request actions (cases/actions.py) is what the staff page and the
API offer; events and deadline reasons are codes shown in the reader's language;
the request's vocabularies hold in the database."""
from __future__ import annotations

import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from linli.cases import services, staff_forms
from linli.cases.actions import ACTIONS, RequestAction
from linli.cases.models import (
    EVENT_SENTENCES,
    FINAL_STATUSES,
    FIXED_STATUSES,
    OPEN_STATUSES,
    PLANNED_STATUSES,
    RESOLVED_STATUSES,
    UNFIXED_STATUSES,
    WORKING_STATUSES,
    Case,
    CaseEvent,
    Deadline,
    DeadlineReason,
    EventAction,
    Status,
)
from linli.cases.schemas import NoteIn


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- one table, two surfaces -----------------------------------------------------------


def test_the_api_offers_exactly_the_actions_of_the_table_each_with_its_schema(client, db):
    document = client.get("/api/v1/openapi.json").json()
    prefix = "/api/v1/cases/{id}/actions/"
    offered = {path[len(prefix):]: ops["post"] for path, ops in document["paths"].items()
               if path.startswith(prefix) and path != prefix + "{action}"}
    assert sorted(offered) == sorted(ACTIONS)
    for name, operation in offered.items():
        assert operation["operationId"] == f"case_action_{name}"
        body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert body == f"#/components/schemas/{ACTIONS[name].schema.__name__}"


def test_a_new_row_shows_on_the_staff_page_and_its_form_calls_its_service(client, world, report, monkeypatch):
    case = report()
    calls = []

    def case_nudge(*, case, by, note):
        calls.append((case.pk, by.username, note))
        return case

    monkeypatch.setitem(ACTIONS, "nudge", RequestAction(
        "nudge", "cases.case.work", (Status.RECEIVED,), case_nudge, staff_forms.NoteForm, NoteIn, "Nudge it",
        EventAction.ACCEPT))
    client.force_login(world.person("property_x"))

    page = client.get(reverse("case_detail", args=[case.pk]))
    assert 'id="act-nudge"' in page.content.decode() and "Nudge it" in _text(page)
    response = client.post(reverse("case_act", args=[case.pk, "nudge"]), {"note": "快点"})
    assert (response.status_code, calls) == (302, [(case.pk, "property_x", "快点")])


def test_the_staff_page_offers_a_row_only_in_its_statuses_and_to_those_its_rule_allows(client, world, report,
                                                                                         monkeypatch):
    case = report()
    monkeypatch.setitem(ACTIONS, "nudge", RequestAction(
        "nudge", "cases.case.work", (Status.ACCEPTED,), lambda **kw: None, staff_forms.NoteForm, NoteIn, "Nudge it",
        EventAction.ACCEPT))
    client.force_login(world.person("property_x"))
    url = reverse("case_detail", args=[case.pk])

    assert 'id="act-nudge"' not in client.get(url).content.decode()  # received: not yet
    services.case_accept(case=case, by=world.person("property_x"))
    assert 'id="act-nudge"' in client.get(url).content.decode()
    monkeypatch.setitem(ACTIONS, "nudge", RequestAction(
        "nudge", "cases.case.import", (Status.ACCEPTED,), lambda **kw: None, staff_forms.NoteForm, NoteIn,
        "Nudge it", EventAction.ACCEPT))
    assert 'id="act-nudge"' not in client.get(url).content.decode()  # property staff may not import


# --- codes, shown in the reader's language -------------------------------------------------


def _has_latin(text: str) -> bool:
    return bool(re.search(r"[A-Za-z]", re.sub(r"%\(\w+\)s", "", text)))


def test_every_event_label_and_sentence_and_deadline_reason_reads_as_chinese():
    with translation.override("zh-hans"):
        english = [str(a.label) for a in EventAction if _has_latin(str(a.label))]
        english += [str(s) for s in EVENT_SENTENCES.values() if _has_latin(str(s))]
        english += [Deadline(reason=r).reason_label for r in DeadlineReason.values
                    if _has_latin(Deadline(reason=r).reason_label)]
    assert english == []


def test_the_request_page_shows_clock_reasons_in_chinese_and_keeps_the_reason_staff_gave(client, world, report):
    staff = world.person("property_x")
    case = services.case_accept(case=report(), by=staff)
    services.case_dispatch(case=case, by=staff, to="property")
    services.case_plan(case=case, by=staff, colour="green", note="明天换灯")  # without a visit
    services.case_reclassify(case=case, by=world.person("grid_c1"), colour="yellow", note="需要更换整段管道")
    services.case_finish(case=case, by=staff, note="已换")
    services.case_visit(case=case, by=staff, method="phone", rating="unsatisfied")  # reopens

    client.force_login(staff)
    text = _text(client.get(reverse("case_detail", args=[case.pk])))

    reasons = sorted(Deadline.objects.filter(case=case).exclude(reason="").values_list("reason", flat=True))
    assert reasons == sorted(["plan_without_visit", "需要更换整段管道", "reclassified", "reopened"])
    for shown in ("未到现场即给出方案", "需要更换整段管道", "已调整颜色", "重新办理"):
        assert shown in text
    for leak in ("reclassified", "reopened", "plan given", "set at intake", "green", "yellow"):
        assert leak not in text.lower()


def test_events_are_stored_as_codes_of_the_vocabulary(world, report):
    staff = world.person("property_x")
    case = services.case_accept(case=report(), by=staff)
    services.case_dispatch(case=case, by=staff, to="property")
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions == [EventAction.CREATE, EventAction.ACCEPT, EventAction.DISPATCH]
    assert set(CaseEvent.objects.values_list("action", flat=True)) <= set(EventAction.values)


def test_the_hotline_import_page_explains_columns_in_the_readers_language(client, world):
    client.force_login(world.person("community_c1"))
    chinese = _text(client.get(reverse("hotline_import")))
    english = _text(client.get(reverse("hotline_import"), HTTP_ACCEPT_LANGUAGE="en"))
    assert "工单号" in chinese and "12345热线工单的编号" in chinese and "external id" not in chinese
    assert "工单号" in english and "external id" in english


# --- status groups and constraints -------------------------------------------------------


def test_status_groups_cover_every_status_once_where_they_split_it():
    assert sorted(OPEN_STATUSES + FINAL_STATUSES) == sorted(Status.values)
    assert sorted(FIXED_STATUSES + UNFIXED_STATUSES) == sorted(OPEN_STATUSES + (Status.CLOSED,))
    assert set(WORKING_STATUSES) <= set(UNFIXED_STATUSES) and set(PLANNED_STATUSES) <= set(WORKING_STATUSES)
    assert sorted(RESOLVED_STATUSES) == sorted(set(FIXED_STATUSES) | set(FINAL_STATUSES))


@pytest.mark.parametrize("field,value", [("status", "lost"), ("colour", "blue"), ("source", "fax"),
                                         ("kind", "wish")])
def test_the_database_refuses_a_value_outside_the_vocabulary(world, report, field, value):
    case = report()
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(**{field: value})
    case.refresh_from_db()
    assert (case.status, case.colour, case.source, case.kind) == ("received", "", "qr", "problem")

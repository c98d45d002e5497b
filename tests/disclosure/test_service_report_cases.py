"""The property service report draws its works from the requests finished in
the quarter (issue 5 item 5), anonymised, and freezes them when published."""
from __future__ import annotations

from linli.cases import services as cases
from linli.cases.models import Category, Source
from linli.disclosure import selectors, services
from tests.cases.conftest import local


def _finished(world, node_code, at, *, finish=True, description="单元门禁坏了"):
    staff = world.person("property_x") if node_code.startswith("X") else world.person("property_z")
    case = cases.case_create(node=world[node_code], category=Category.objects.get(code="repair"),
                             description=description, source=Source.QR, contact_phone="13812345678")
    for step in ("accept", "dispatch", "arrive", "plan", "finish")[: 5 if finish else 4]:
        kw = {"to": "property"} if step == "dispatch" else {}
        if step == "plan":
            kw = {"colour": "green", "note": "更换门禁电源"}
        case = getattr(cases, f"case_{step}")(case=case, by=staff, at=at if step == "finish" else None, **kw)
    return case


def test_finished_requests_of_the_quarter_become_works_without_personal_data(dworld):
    in_q3 = _finished(dworld, "X-B1-U1", local(2026, 8, 15, 9))
    _finished(dworld, "X-B1-U1", local(2026, 10, 2, 9))          # next quarter
    _finished(dworld, "X-B1-U1", None, finish=False)              # not finished
    _finished(dworld, "Z-B1-U1", local(2026, 8, 15, 9))           # another compound
    report = services.report_draft(compound=dworld["X"], kind="service", year=2026, quarter=3,
                                   by=dworld.person("property_x"))
    report = services.report_add_work(report=report, title="安装人脸识别门禁", date="2026-09-01", by=dworld.person("property_x"))

    data = selectors.report_live_data(report)
    assert data["cases_finished"] == 1
    assert [(line["section"], line["label"], line["value"], line["note"]) for line in data["lines"]] == [
        ("cases", "公共设施报修 · X-B1", "2026-08-15", "更换门禁电源"),
        ("works", "安装人脸识别门禁", "2026-09-01", ""),
    ]
    assert data["lines"][0]["key"] == f"case-{in_q3.tracking_code}"
    text = str(data)
    assert "13812345678" not in text and "单元门禁坏了" not in text


def test_published_service_report_keeps_its_works_when_more_requests_finish(dworld):
    _finished(dworld, "X-B1-U1", local(2026, 8, 15, 9))
    report = services.report_draft(compound=dworld["X"], kind="service", year=2026, quarter=3,
                                   by=dworld.person("property_x"))
    services.report_review(report=report, approve=True, by=dworld.person("committee_x"))
    report = services.report_publish(report=report, by=dworld.person("property_x"))
    _finished(dworld, "X-B1-U1", local(2026, 9, 20, 9))  # entered late, after publication
    report.refresh_from_db()
    assert selectors.report_data(report)["cases_finished"] == 1

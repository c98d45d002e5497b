"""Hotline 12345 import: the original received time, all-or-nothing with every
bad row named, idempotent by ticket number, CSV and XLSX, scope."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from linli.cases import importing
from linli.cases.models import Case, Deadline, Source
from linli.errors import NotAllowed
from linli.tabular import ImportRejected
from tests.cases.conftest import local

HEADER = ["工单号", "受理时间", "地点编码", "地址", "类别", "内容", "联系人", "电话"]
GOOD = [
    ["12345-A1", "2026-11-01 08:30", "X-B1-U1", "", "repair", "楼道灯不亮", "张先生", "13800000001"],
    ["12345-A2", "2026/11/01 21:05", "", "成都市某区 Y 小区门口", "环境卫生", "垃圾没清运", "", ""],
    ["12345-A3", "2026-10-31 09:00:00", "X-101", "", "噪音扰民", "夜间装修噪音", "李女士", "028-87654321"],
]


def _csv(rows, header=HEADER) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def _xlsx(rows, header=HEADER) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def compounds_named(world):
    """Compound names as a hotline address would give them."""
    for code in ("X", "Y", "Z"):
        node = world[code]
        node.name = f"{code} 小区"
        node.save(update_fields=["name"])
    return world


def test_a_good_file_imports_with_the_original_received_time(compounds_named, clock):
    world = compounds_named
    result = importing.hotline_import(data=_csv(GOOD), filename="tickets.csv", by=world.person("community_c1"))
    assert (len(result.created), result.already) == (3, 0)
    a1 = Case.objects.get(external_id="12345-A1")
    assert (a1.source, a1.node, a1.received_at) == (Source.HOTLINE, world["X-B1-U1"], local(2026, 11, 1, 8, 30))
    assert (a1.contact_name, a1.contact_phone, a1.category.code) == ("张先生", "13800000001", "repair")
    # Clocks count from the received time, not from the import.
    due = dict(Deadline.objects.filter(case=a1).values_list("clock", "due_at"))
    assert due["respond"] == local(2026, 11, 1, 8, 35) and due["plan"] == local(2026, 11, 1, 9, 0)
    a2 = Case.objects.get(external_id="12345-A2")
    assert (a2.node, a2.category.code, a2.received_at) == (world["Y"], "hygiene", local(2026, 11, 1, 21, 5))
    assert Case.objects.get(external_id="12345-A3").node == world["X-101"]


def test_one_bad_row_imports_nothing_and_every_bad_row_is_named(compounds_named, clock):
    world = compounds_named
    rows = GOOD + [
        ["12345-B1", "昨天上午", "X-B1-U1", "", "repair", "漏水", "", ""],             # row 5
        ["12345-B2", "2026-11-01 10:00", "NOPE", "", "repair", "漏水", "", ""],        # row 6
        ["12345-A1", "2026-11-01 10:00", "X-B1-U1", "", "飞碟", "x", "", "12"],       # row 7: dup, category, text, phone
        ["12345-B3", "2026-12-01 10:00", "Z-B1-U1", "", "repair", "漏水", "", ""],     # row 8: future + out of scope
    ]
    with pytest.raises(ImportRejected) as rejected:
        importing.hotline_import(data=_csv(rows), filename="t.csv", by=world.person("community_c1"))
    assert Case.objects.count() == 0
    by_row: dict[int, set[str]] = {}
    for e in rejected.value.errors:
        by_row.setdefault(e.row, set()).add(e.column)
    assert by_row == {5: {"受理时间"}, 6: {"地点编码"}, 7: {"工单号", "类别", "内容", "电话"},
                      8: {"受理时间", "地点编码"}}
    messages = {(e.row, e.column): str(e.message) for e in rejected.value.errors}
    assert "无法识别的时间“昨天上午”" in messages[(5, "受理时间")]
    assert "NOPE" in messages[(6, "地点编码")]
    assert "第 2 行" in messages[(7, "工单号")]
    assert "Z-B1-U1 不在您可以导入的范围内" in messages[(8, "地点编码")]


def test_reimporting_the_same_file_creates_nothing(compounds_named, clock):
    world = compounds_named
    by = world.person("community_c1")
    importing.hotline_import(data=_csv(GOOD), filename="t.csv", by=by)
    events_before = list(Case.objects.order_by("pk").values_list("pk", "updated_at"))
    again = importing.hotline_import(data=_csv(GOOD), filename="t.csv", by=by)
    assert (len(again.created), again.already) == (0, 3)
    assert list(Case.objects.order_by("pk").values_list("pk", "updated_at")) == events_before
    # a file with one new ticket adds just that one
    more = importing.hotline_import(data=_csv(GOOD + [["12345-A4", "2026-11-02 07:00", "X-B2-U1", "", "repair",
                                                       "电梯异响", "", ""]]), filename="t.csv", by=by)
    assert (len(more.created), more.already, Case.objects.count()) == (1, 3, 4)


def test_xlsx_works_with_real_datetimes(compounds_named, clock):
    world = compounds_named
    rows = [[r[0], dt.datetime(2026, 11, 1, 8, 30), *r[2:]] for r in GOOD[:1]]
    result = importing.hotline_import(data=_xlsx(rows), filename="t.xlsx", by=world.person("street_s1"))
    assert [c.received_at for c in result.created] == [local(2026, 11, 1, 8, 30)]


def test_missing_columns_and_unreadable_files_are_refused(compounds_named):
    by = compounds_named.person("community_c1")
    from linli.errors import InvalidInput

    with pytest.raises(InvalidInput) as missing:
        importing.hotline_import(data=_csv([["x"]], header=["工单号"]), filename="t.csv", by=by)
    assert "受理时间" in str(missing.value.message)
    with pytest.raises(InvalidInput):
        importing.hotline_import(data=b"not a zip", filename="t.xlsx", by=by)
    assert Case.objects.count() == 0


@pytest.mark.parametrize("who", ["anonymous", "resident", "property_x", "grid_c1"])
def test_only_community_and_street_staff_import(compounds_named, who):
    with pytest.raises(NotAllowed):
        importing.hotline_import(data=_csv(GOOD), filename="t.csv", by=compounds_named.person(who))
    assert Case.objects.count() == 0


# --- the page ------------------------------------------------------------------------------

def _upload(client, data: bytes, name: str):
    return client.post(reverse("hotline_import"), {"file": SimpleUploadedFile(name, data)})


def test_import_page_imports_and_lists_the_requests(client, compounds_named, clock):
    client.force_login(compounds_named.person("community_c1"))
    assert client.get(reverse("hotline_import")).status_code == 200
    response = _upload(client, _csv(GOOD), "tickets.csv")
    assert response.status_code == 200
    html = response.content.decode()
    assert "已导入 3 条新诉求" in html and "12345-A1" in html and "2026-11-01 08:30" in html
    response = _upload(client, _csv(GOOD), "tickets.csv")
    assert "已导入 0 条新诉求；3 条工单此前已导入" in response.content.decode()
    assert Case.objects.count() == 3


def test_import_page_names_the_bad_row_and_imports_nothing(client, compounds_named, clock):
    client.force_login(compounds_named.person("community_c1"))
    rows = GOOD + [["12345-B1", "2026-11-01 10:00", "X-B1-U1", "", "飞碟", "漏水", "", ""]]
    response = _upload(client, _csv(rows), "tickets.csv")
    assert response.status_code == 422
    html = response.content.decode()
    assert "共 1 行有错误，未导入任何数据" in html
    assert "<td>5</td><td>类别</td><td>未知类别“飞碟”。</td>" in html
    assert Case.objects.count() == 0


@pytest.mark.parametrize("who,status", [("anonymous", 302), ("resident", 403), ("property_x", 403),
                                        ("community_c1", 200)])
def test_who_opens_the_import_page(client, compounds_named, who, status):
    if compounds_named.person(who):
        client.force_login(compounds_named.person(who))
    assert client.get(reverse("hotline_import")).status_code == status
    assert client.get(reverse("hotline_import_template")).status_code == status


def test_the_template_reads_back(client, compounds_named):
    client.force_login(compounds_named.person("community_c1"))
    data = client.get(reverse("hotline_import_template")).content
    header = data.decode("utf-8-sig").splitlines()[0].split(",")
    assert header == HEADER

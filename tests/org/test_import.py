"""Getting a compound onto the platform from CSV/XLSX: all or nothing, every bad
row reported with its number and a Chinese reason, re-import changes nothing."""
from __future__ import annotations

import io

import pytest
from django.db.models import Count
from openpyxl import Workbook

from linli.errors import InvalidInput, NotAllowed
from linli.org.importing import tree_import
from linli.org.models import Node, Person, RoleAssignment
from linli.tabular import ImportRejected

HEADER = ["组团编码", "组团名称", "楼栋编码", "楼栋名称", "单元编码", "单元名称", "户编码", "房号", "专有面积",
          "微网格编码", "业主姓名", "业主手机"]
GOOD = [
    ["", "", "X-B3", "3栋", "X-B3-U1", "1单元", "X-B3-U1-101", "101室", "89.50", "C1-M1", "张三", "13800001111"],
    ["", "", "X-B3", "3栋", "X-B3-U1", "1单元", "X-B3-U1-102", "102室", "76", "C1-M2", "", ""],
    ["", "", "X-B3", "3栋", "X-B3-U2", "2单元", "X-B3-U2-101", "101室", "120.25", "C1-M1", "李四", ""],
    ["X-G1", "一期", "X-B4", "4栋", "X-B4-U1", "1单元", "X-B4-U1-101", "101室", "60.00", "C1-M1", "", ""],
]


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig") -> bytes:
    import csv

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append([float(c) if c.replace(".", "", 1).isdigit() and "." in c else c for c in r])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def snapshot():
    return (
        sorted(Node.objects.values_list("code", "name", "parent__code", "area_m2", "microgrid__code")),
        sorted(Person.objects.values_list("username", "real_name", "phone")),
        sorted(RoleAssignment.objects.values_list("person__username", "role", "node__code")),
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "csv-gbk"])
def test_import_creates_the_tree_and_owners(world, fmt):
    data = {"csv": csv_bytes(GOOD), "xlsx": xlsx_bytes(GOOD), "csv-gbk": csv_bytes(GOOD, encoding="gb18030")}[fmt]
    name = "tree.xlsx" if fmt == "xlsx" else "tree.csv"
    result = tree_import(compound=world["X"], data=data, filename=name, by=world.person("property_x"))
    # 1 group, 2 buildings, 3 units, 4 households
    assert (result.created, result.updated, result.unchanged) == (10, 0, 0)
    h = Node.objects.get(code="X-B3-U1-101")
    assert h.parent.code == "X-B3-U1" and h.parent.parent.code == "X-B3" and h.parent.parent.parent.code == "X"
    assert str(h.area_m2) == "89.50" and h.microgrid.code == "C1-M1"
    assert Node.objects.get(code="X-B4").parent.code == "X-G1"
    assert RoleAssignment.objects.filter(role="owner", node=h, person__real_name="张三", person__phone="13800001111").exists()
    assert RoleAssignment.objects.filter(role="owner", node__code="X-B3-U2-101", person__real_name="李四").exists()
    assert (result.people_created, result.roles_created) == (2, 2)


def test_reimporting_the_same_file_changes_nothing(world):
    by = world.person("property_x")
    tree_import(compound=world["X"], data=csv_bytes(GOOD), filename="t.csv", by=by)
    before = snapshot()
    again = tree_import(compound=world["X"], data=csv_bytes(GOOD), filename="t.csv", by=by)
    assert (again.created, again.updated, again.people_created, again.roles_created) == (0, 0, 0, 0)
    assert again.unchanged == 10 and not again.changed
    assert snapshot() == before


def test_changed_name_and_area_update_in_place(world):
    by = world.person("property_x")
    tree_import(compound=world["X"], data=csv_bytes(GOOD), filename="t.csv", by=by)
    changed = [r[:] for r in GOOD]
    changed[0][8] = "90.00"
    changed[0][3] = changed[1][3] = changed[2][3] = "3号楼"
    result = tree_import(compound=world["X"], data=csv_bytes(changed), filename="t.csv", by=by)
    assert (result.created, result.updated) == (0, 2)
    assert Node.objects.get(code="X-B3").name == "3号楼"
    assert str(Node.objects.get(code="X-B3-U1-101").area_m2) == "90.00"


BAD_CASES = [
    # (row change, column, words the Chinese message contains)
    ({8: "0"}, "area_m2", "大于 0"),
    ({8: "-3"}, "area_m2", "大于 0"),
    ({8: "abc"}, "area_m2", "大于 0"),
    ({8: "80.123"}, "area_m2", "2 位小数"),
    ({9: "NOPE"}, "microgrid_code", "没有编码为 NOPE 的微网格"),
    ({9: "C2-M1"}, "microgrid_code", "不属于本小区所在的社区"),
    ({6: ""}, "household_code", "必填"),
    ({6: "坏 编码"}, "household_code", "编码"),
    ({11: "12345"}, "owner_phone", "11 位"),
    ({2: "Z-B1"}, "building_code", "已属于另一个位置"),
]


@pytest.mark.parametrize("change,column,words", BAD_CASES)
def test_a_bad_row_is_reported_and_nothing_is_imported(world, change, column, words):
    rows = [r[:] for r in GOOD]
    for i, v in change.items():
        rows[2][i] = v  # spreadsheet row 4 (header is row 1)
    before = snapshot()
    with pytest.raises(ImportRejected) as e:
        tree_import(compound=world["X"], data=csv_bytes(rows), filename="t.csv", by=world.person("property_x"))
    errors = [d for d in e.value.details if d["row"] == 4]
    assert errors and errors[0]["column"] == column
    assert words in errors[0]["message"]
    assert "未导入任何数据" in str(e.value.message)
    assert snapshot() == before


def test_every_bad_row_is_listed_at_once(world):
    rows = [r[:] for r in GOOD]
    rows[0][8] = "0"
    rows[3][9] = "NOPE"
    with pytest.raises(ImportRejected) as e:
        tree_import(compound=world["X"], data=csv_bytes(rows), filename="t.csv", by=world.person("property_x"))
    assert sorted({d["row"] for d in e.value.details}) == [2, 5]


def test_duplicate_household_in_one_file_is_refused(world):
    rows = [r[:] for r in GOOD] + [GOOD[0][:]]
    with pytest.raises(ImportRejected) as e:
        tree_import(compound=world["X"], data=csv_bytes(rows), filename="t.csv", by=world.person("property_x"))
    assert [d["row"] for d in e.value.details] == [6]
    assert "出现了两次" in e.value.details[0]["message"]


@pytest.mark.parametrize(
    "data,filename,code",
    [
        (b"", "t.csv", "import.empty"),
        (b"\xff\xfe\x00garbage\x81", "t.csv", "import.encoding"),
        (b"not a zip", "t.xlsx", "import.xlsx"),
        (b"a,b\n1,2\n", "t.csv", "import.columns"),
        (b"x", "t.pdf", "import.type"),
    ],
)
def test_unreadable_files_are_refused_clearly(world, data, filename, code):
    before = snapshot()
    with pytest.raises(InvalidInput) as e:
        tree_import(compound=world["X"], data=data, filename=filename, by=world.person("property_x"))
    assert e.value.code == code
    assert snapshot() == before


def test_missing_columns_are_named_in_chinese(world):
    with pytest.raises(InvalidInput) as e:
        tree_import(compound=world["X"], data=csv_bytes([], header=["楼栋编码"]), filename="t.csv",
                    by=world.person("property_x"))
    assert "楼栋名称" in str(e.value.message) and "缺少列" in str(e.value.message)


@pytest.mark.parametrize("who", ["resident", "property_z", "community_c2", "grid_c1"])
def test_import_needs_permission_in_scope(world, who):
    before = snapshot()
    with pytest.raises(NotAllowed):
        tree_import(compound=world["X"], data=csv_bytes(GOOD), filename="t.csv", by=world.person(who))
    assert snapshot() == before


# --- the page ------------------------------------------------------------------


def upload(client, code, data, name="tree.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(f"/places/{code}/import", {"file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize(
    "who,status",
    [("anonymous", 302), ("resident", 403), ("property_z", 403), ("property_x", 200), ("street_s1", 200)],
)
def test_import_page_permission_matrix(client, world, who, status):
    if world.person(who):
        client.force_login(world.person(who))
    r = upload(client, "X", csv_bytes(GOOD))
    assert r.status_code == status
    assert Node.objects.filter(code="X-B3").exists() is (status == 200)
    if status == 302:
        assert r["Location"].startswith("/login/")


def test_import_page_lists_row_errors_in_chinese(client, world):
    client.force_login(world.person("property_x"))
    rows = [r[:] for r in GOOD]
    rows[1][8] = "0"
    r = upload(client, "X", csv_bytes(rows))
    assert r.status_code == 422
    body = r.content.decode()
    assert "未导入任何数据" in body and "<td>3</td>" in body and "大于 0" in body
    assert not Node.objects.filter(code="X-B3").exists()


def test_import_page_shows_the_summary_and_then_nothing_changed(client, world):
    client.force_login(world.person("property_x"))
    assert "新建 10 个位置" in upload(client, "X", csv_bytes(GOOD)).content.decode()
    assert "没有变化" in upload(client, "X", csv_bytes(GOOD)).content.decode()


def test_import_page_refuses_wrong_file_type(client, world):
    client.force_login(world.person("property_x"))
    r = upload(client, "X", b"%PDF-1.4", name="tree.pdf")
    assert r.status_code == 422
    assert "请上传 .csv 或 .xlsx 文件" in r.content.decode()


def test_import_counts_match_the_file(world):
    tree_import(compound=world["X"], data=xlsx_bytes(GOOD), filename="t.xlsx", by=world.person("community_c1"))
    per_unit = dict(
        Node.objects.filter(kind="household", code__startswith="X-B").values_list("parent__code")
        .annotate(n=Count("id")).values_list("parent__code", "n")
    )
    assert per_unit["X-B3-U1"] == 2 and per_unit["X-B3-U2"] == 1 and per_unit["X-B4-U1"] == 1


def test_template_download_imports_cleanly(client, world):
    client.force_login(world.person("property_x"))
    r = client.get("/places/X/import-template.csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    data = r.content
    result = tree_import(compound=world["X"], data=data, filename="t.csv", by=world.person("property_x"))
    assert result.rows == 1 and result.created == 1  # X-B1 and X-B1-U1 exist already; the household is new
    assert str(Node.objects.get(code="X-B1-U1-0101").area_m2) == "89.50"
    client.force_login(world.person("property_z"))
    assert client.get("/places/X/import-template.csv").status_code == 403


def test_a_file_over_the_size_limit_is_refused_and_changes_nothing(client, world, monkeypatch):
    from linli import tabular

    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 2000)
    client.force_login(world.person("property_x"))
    big = csv_bytes(GOOD) + b"\n" * 3000  # trailing blank lines: a valid file, only too large
    before = Node.objects.count()
    r = upload(client, "X", big)
    assert r.status_code == 422 and "文件最大" in r.content.decode()
    assert Node.objects.count() == before
    assert "新建 10 个位置" in upload(client, "X", csv_bytes(GOOD)).content.decode()  # a normal one still imports


def test_importing_into_a_place_that_is_not_a_compound_is_refused_in_chinese(world):
    before = Node.objects.count()
    with pytest.raises(ImportRejected) as rejected:
        tree_import(compound=world["C1"], data=csv_bytes(GOOD), filename="t.csv", by=world.person("community_c1"))
    assert [str(e.message) for e in rejected.value.errors] == ["只能向小区导入楼栋和住户。"]
    assert Node.objects.count() == before


def test_import_into_a_building_is_refused_on_the_page_not_a_500(client, world):
    # The gettext alias ``_`` was shadowed inside tree_import: any message raised there
    # (here: places go into a compound) answered 500 instead of naming the problem.
    client.force_login(world.person("property_x"))
    before = snapshot()
    r = upload(client, "X-B1", csv_bytes(GOOD))
    assert r.status_code == 422
    assert "只能向小区导入楼栋和住户" in r.content.decode()
    assert snapshot() == before

"""Results with server-drawn charts, who may see them, and the CSV/XLSX export
(formula-safe; an anonymous survey never exports identities)."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from linli.surveys import selectors
from linli.surveys import services as svc
from tests.surveys.conftest import make_survey


@pytest.fixture
def answered(sv):
    svc.response_submit(survey=sv.survey, answers=sv.good(q3="=HYPERLINK(\"http://x\")"), by=sv.person("resident"))
    svc.response_submit(survey=sv.survey, by=sv.person("owner"), answers=sv.good(
        q1=sv.o(1, 2), q2=[sv.o(2, 2), sv.o(2, 3)], q3=None, q4=5, q5=[sv.o(5, 1), sv.o(5, 2), sv.o(5, 3)],
        q6=[sv.o(6, 2), sv.o(6, 2)], q7="+1 楼道灯坏了"))
    return sv


def test_results_count_every_kind(answered):
    data = selectors.results(answered.survey)
    q = {item["question"].position: item for item in data["questions"]}
    assert data["total"] == 2
    assert q[1]["rows"] == [("不到1年", 1, 50), ("1年以上", 1, 50)]
    assert q[2]["rows"] == [("停车", 1, 50), ("卫生", 1, 50), ("绿化", 1, 50)]
    assert (q[4]["rows"][3:], q[4]["average"]) == ([("4", 1, 50), ("5", 1, 50)], "4.50")
    # Ranking by average place: 安全 (2+1)/2 = 1.50, 卫生 (1+2)/2 = 1.50, 绿化 3.00; ties keep the option order.
    assert [(t, a) for t, a, _w in q[5]["rows"]] == [("安全", "1.50"), ("卫生", "1.50"), ("绿化", "3.00")]
    assert q[6]["columns"] == ["好", "差"]
    assert q[6]["table"] == [("保洁", [(1, 50, 3), (1, 50, 3)]), ("安保", [(0, 0, 0), (2, 100, 5)])]
    assert q[7]["texts"] == ["+1 楼道灯坏了"]
    assert q[3]["answered"] == 1
    svg = str(q[1]["svg"])
    assert svg.startswith('<svg class="survey-chart" viewBox="0 0 380 88"') and svg.count('fill="#2f7d5b"') == 2
    assert "不到1年" in svg and "1（50%）" in svg


def test_chart_labels_are_escaped(world):
    from linli.surveys.charts import bars

    svg = str(bars([("<script>", 1, "1")], title='"x"'))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and 'aria-label="&quot;x&quot;"' in svg


def test_named_export_has_household_and_person_and_is_formula_safe(answered, client):
    client.force_login(answered.person("community_c1"))
    r = client.get(f"/surveys/{answered.survey.pk}/export.csv")
    assert r.status_code == 200 and r["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["答卷编号", "户", "填写人", "提交时间"]
    assert rows[0][4:] == ["1. 您在小区住了多久？", "2. 最需要解决的问题", "3. 停车方面有什么建议？", "4. 请为环境打分",
                           "5. 请排序", "6. 请评价 - 保洁", "6. 请评价 - 安保", "7. 其他意见"]
    assert [row[1:3] for row in rows[1:]] == [["C1 X X-B1 X-B1-U1 X-101", "resident"],
                                               ["C1 X X-B1 X-B1-U1 X-102", "owner"]]
    assert rows[1][4:] == ["不到1年", "停车", "'=HYPERLINK(\"http://x\")", "4", "卫生 > 安全 > 绿化", "好", "差", ""]
    assert rows[2][4:] == ["1年以上", "卫生；绿化", "", "5", "安全 > 卫生 > 绿化", "差", "差", "'+1 楼道灯坏了"]
    x = client.get(f"/surveys/{answered.survey.pk}/export.xlsx")
    ws = load_workbook(io.BytesIO(x.content)).active
    assert ws["G2"].value == "=HYPERLINK(\"http://x\")" and ws["G2"].data_type == "s" and ws["G2"].quotePrefix
    assert ws["H2"].value == 4


def test_anonymous_export_has_no_identities(sv, client):
    s = make_survey(sv.world, anonymous=True, title="匿名问卷")
    from tests.surveys.test_answering import sv_answers

    svc.response_submit(survey=s, answers=sv_answers(s), by=sv.person("resident"))
    client.force_login(sv.person("community_c1"))
    text = client.get(f"/surveys/{s.pk}/export.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["答卷编号", "提交时间", "1. 您在小区住了多久？"]
    assert "resident" not in text and "X-101" not in text and "户" not in rows[0]
    ws = load_workbook(io.BytesIO(client.get(f"/surveys/{s.pk}/export.xlsx").content)).active
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert not any("resident" in c or "X-101" in c for c in cells)


RESULT_MATRIX = [  # who, private results page, export
    ("anonymous", 403, 302), ("resident", 403, 403), ("property_z", 403, 403), ("community_c2", 403, 403),
    ("property_x", 200, 403), ("community_c1", 200, 200), ("street_s1", 200, 200),
]


@pytest.mark.parametrize(("who", "results", "export"), RESULT_MATRIX)
def test_who_sees_private_results_and_exports(answered, client, who, results, export):
    if who != "anonymous":
        client.force_login(answered.person(who))
    r = client.get(f"/surveys/{answered.survey.pk}/results")
    assert r.status_code == results
    assert client.get(f"/surveys/{answered.survey.pk}/export.csv").status_code == export


def test_public_results_are_open_to_everyone_but_the_export_is_not(answered, client):
    answered.survey.results_public = True
    answered.survey.save()
    r = client.get(f"/surveys/{answered.survey.pk}/results")
    assert r.status_code == 200
    page = r.content.decode()
    assert "共 2 份答卷" in page and "<svg" in page and "heat-5" in page and "resident" not in page
    assert client.get(f"/surveys/{answered.survey.pk}/export.csv").status_code == 302

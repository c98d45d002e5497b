"""The resident's phone intake page /q/<code>: no login, no JavaScript, one
request per form (double tap), clean photos, abuse limits, Chinese errors."""
from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from linli.cases.models import Case, CaseEvent, CaseKind, Photo, Source, Status
from linli.web.models import ThrottleHit


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def jpeg_with_gps(size=(800, 600)) -> bytes:
    img = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (30.0, 40.0, 12.5), 3: "E", 4: (103.0, 50.0, 1.0)}
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


def photo(name="门口.jpg", data=None):
    return SimpleUploadedFile(name, data if data is not None else jpeg_with_gps(), content_type="image/jpeg")


def form_token(body: str) -> str:
    return re.search(r'name="client_token" value="([0-9a-f]{32})"', body).group(1)


def post_report(client, code="X-B1-U1", token="a" * 32, meta=None, **extra):
    data = {"category": "repair", "description": "三楼楼道灯坏了两天了", "client_token": token, **extra}
    return client.post(f"/q/{code}", data, **(meta or {}))


@pytest.mark.parametrize("code", ["X-B1-U1", "X-B1"])
def test_intake_opens_without_login_for_units_and_buildings(client, world, code):
    r = client.get(f"/q/{code}")
    assert r.status_code == 200
    body = r.content.decode()
    assert "反映诉求" in body
    assert "公共设施报修" in body and "邻里互助" not in body  # help has its own page
    assert 'enctype="multipart/form-data"' in body and "csrfmiddlewaretoken" in body
    assert form_token(body)
    assert f'href="/q/{code}/help"' in body
    assert 'action="/t/"' in body  # the "follow my request" box


@pytest.mark.parametrize("code", ["NOPE", "X-101", "X", "C1", "C1-M1"])
def test_intake_is_404_for_unknown_codes_households_and_larger_places(client, world, code):
    r = client.get(f"/q/{code}")
    assert r.status_code == 404
    assert "网址可能有误" in r.content.decode()


def test_each_form_gets_its_own_one_time_key(client, world):
    assert form_token(client.get("/q/X-B1-U1").content.decode()) != form_token(client.get("/q/X-B1-U1").content.decode())


def test_a_valid_report_creates_one_request_and_lands_on_its_tracking_page(client, world):
    r = post_report(client, contact_name="王阿姨", contact_phone="139 1234 5678")
    case = Case.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/t/{case.tracking_code}?sent=1"
    assert (case.node, case.compound, case.microgrid) == (world["X-B1-U1"], world["X"], world["C1-M1"])
    assert case.source == Source.QR and case.kind == CaseKind.PROBLEM and case.status == Status.RECEIVED
    assert case.category.code == "repair" and case.description == "三楼楼道灯坏了两天了"
    assert (case.contact_name, case.contact_phone, case.reporter) == ("王阿姨", "13912345678", None)
    page = client.get(r["Location"]).content.decode()
    assert case.tracking_code in page and "已提交" in page
    assert f"http://testserver/t/{case.tracking_code}" in page
    assert "13912345678" not in page and "139 1234 5678" not in page


def test_a_building_code_files_the_request_on_the_building(client, world):
    post_report(client, code="X-B2")
    case = Case.objects.get()
    assert (case.node, case.compound, case.microgrid) == (world["X-B2"], world["X"], world["C1-M2"])


def test_anonymous_report_keeps_no_contact(client, world):
    post_report(client)
    case = Case.objects.get()
    assert (case.contact_name, case.contact_phone, case.contact_email) == ("", "", "")


def test_a_signed_in_resident_is_recorded_as_the_reporter(client, world):
    client.force_login(world.person("resident"))
    post_report(client)
    assert Case.objects.get().reporter == world.person("resident")


def test_sending_the_same_form_twice_creates_one_request(client, world):
    first = post_report(client, token="b" * 32)
    second = post_report(client, token="b" * 32)
    assert Case.objects.count() == 1
    assert first["Location"] == second["Location"] == f"/t/{Case.objects.get().tracking_code}?sent=1"
    assert CaseEvent.objects.filter(action="create").count() == 1
    # A new form (new key) is a new request.
    post_report(client, token="c" * 32)
    assert Case.objects.count() == 2


def test_a_photo_is_stored_without_exif_or_gps(client, world, _media):
    raw = jpeg_with_gps()
    with Image.open(io.BytesIO(raw)) as before:
        assert before.getexif().get_ifd(0x8825)
    r = post_report(client, photos=[photo(), photo("二.jpg")])
    assert r.status_code == 302
    stored = list(Photo.objects.filter(case=Case.objects.get()))
    assert len(stored) == 2 and not any(p.after for p in stored)
    for p in stored:
        with p.image.open("rb") as f, Image.open(f) as img:
            assert img.format == "JPEG"
            assert dict(img.getexif()) == {} and "exif" not in img.info
        assert "门口" not in str(p.image.name)


def _nothing_stored(media):
    assert Case.objects.count() == 0 and Photo.objects.count() == 0 and CaseEvent.objects.count() == 0
    assert not media.exists() or not any(f.is_file() for f in media.rglob("*"))


def test_a_non_image_photo_is_refused_in_chinese_and_nothing_is_stored(client, world, _media):
    r = post_report(client, photos=[photo(), photo("报告.jpg", b"%PDF-1.4 not a photo")])
    assert r.status_code == 422
    body = r.content.decode()
    assert "不是照片" in body and "报告.jpg" in body
    assert "三楼楼道灯坏了两天了" in body  # what was typed is kept
    assert "照片需要重新选择" in body
    _nothing_stored(_media)


def test_seven_photos_are_refused(client, world, _media):
    r = post_report(client, photos=[photo(f"{i}.jpg") for i in range(7)])
    assert r.status_code == 422
    assert "最多 6 张照片" in r.content.decode()
    _nothing_stored(_media)


@pytest.mark.parametrize(
    "change,message",
    [
        ({"description": ""}, "请用几句话描述问题"),
        ({"description": "灯"}, "至少 5 个字"),
        ({"category": ""}, "请选择问题类型"),
        ({"category": "help"}, "选择"),  # a help category is not offered on the problem form
        ({"category": "nonsense"}, "选择"),
        ({"contact_phone": "12345"}, "11位手机号"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_stored(client, world, _media, change, message):
    r = post_report(client, **change)
    assert r.status_code == 422
    body = r.content.decode()
    assert message in body and "请检查下面标红的内容" in body
    _nothing_stored(_media)


def test_throttling_answers_429_after_the_limit_and_stores_nothing(client, world, settings, _media):
    settings.LINLI_INTAKE_THROTTLE = (3, 600)
    for i in range(3):
        assert post_report(client, token=f"{i:032d}").status_code == 302
    assert Case.objects.count() == 3
    r = post_report(client, token="9" * 32, photos=[photo()])
    assert r.status_code == 429
    body = r.content.decode()
    assert "此设备提交过于频繁，请 10 分钟后再试" in body
    assert "三楼楼道灯坏了两天了" in body  # the words typed are kept for later
    assert Case.objects.count() == 3 and Photo.objects.count() == 0
    assert not any(f.is_file() for f in _media.rglob("*"))
    assert ThrottleHit.objects.count() == 3  # the refused try is not counted either


def test_a_double_tap_after_the_limit_still_lands_on_the_request(client, world, settings):
    settings.LINLI_INTAKE_THROTTLE = (1, 600)
    first = post_report(client, token="d" * 32)
    again = post_report(client, token="d" * 32)
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Case.objects.count() == 1


def test_throttle_counts_per_client(client, world, settings):
    settings.LINLI_INTAKE_THROTTLE = (1, 600)
    assert post_report(client, token="e" * 32, meta={"REMOTE_ADDR": "10.0.0.1"}).status_code == 302
    assert post_report(client, token="f" * 32, meta={"REMOTE_ADDR": "10.0.0.1"}).status_code == 429
    assert post_report(client, token="f" * 32, meta={"REMOTE_ADDR": "10.0.0.2"}).status_code == 302
    assert Case.objects.count() == 2


def test_help_page_offers_help_categories_and_creates_a_help_request(client, world):
    r = client.get("/q/X-B1-U1/help")
    assert r.status_code == 200
    body = r.content.decode()
    assert "请邻居帮个忙" in body and "邻里互助" in body and "公共设施报修" not in body
    assert 'value="help" checked' in body  # the only help category is preselected
    r = client.post("/q/X-B1-U1/help", {"category": "help", "description": "周六下午需要人帮忙照看孩子三小时",
                                        "client_token": "h" * 32})
    case = Case.objects.get()
    assert r.status_code == 302 and case.kind == CaseKind.HELP and case.category.code == "help"
    assert case.source == Source.QR and case.node == world["X-B1-U1"]
    page = client.get(r["Location"]).content.decode()
    assert "互助请求已发出" in page and "正在寻找志愿者" in page


def test_the_follow_box_leads_to_the_tracking_page(client, world, report):
    case = report()
    r = client.get("/t/", {"code": f" {case.tracking_code.lower()} "})
    assert r.status_code == 302 and r["Location"] == f"/t/{case.tracking_code}"
    empty = client.get("/t/", {"code": ""})
    assert empty.status_code == 422 and "请输入查询码" in empty.content.decode()
    assert client.get("/t/").status_code == 200


def test_pages_are_available_in_english(client, world, report):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/q/X-B1-U1").content.decode()
    assert "Report a problem" in body and "Repairs to shared facilities" in body and "公共设施报修" not in body
    case = report()
    body = client.get(f"/t/{case.tracking_code}").content.decode()
    assert "Request received" in body and "What has happened" in body

"""Photos and the evaluation in the JSON API: the same cleaning, limit and
services as the pages; every refusal a documented status that stores nothing."""
from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from linli.cases import services
from linli.cases.models import CaseEvent, Photo, Status
from linli.cases.photos import MAX_BYTES, MAX_PHOTOS
from linli.cases.services import photos as photo_services
from linli.errors import InvalidInput
from linli.org import services as org_services
from linli.org.models import Role

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def client(api_client):
    # API calls as a browser or an integration sends them: CSRF enforced (tests/security/test_csrf.py).
    return api_client


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def token_for(world, who: str) -> dict:
    if who == "anonymous":
        return {}
    _t, raw = org_services.api_token_create(person=world.person(who), by=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def jpeg_with_gps(size=(2400, 1800)) -> bytes:
    img = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (30.0, 40.0, 12.5), 3: "E", 4: (103.0, 50.0, 1.0)}  # GPS
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


SMALL = jpeg_with_gps((40, 30))


def photo(name="门口.jpg", data=None):
    return SimpleUploadedFile(name, SMALL if data is None else data, content_type="image/jpeg")


def upload(client, case, headers, files, after=None):
    data = {"file": files}
    if after is not None:
        data["after"] = "true" if after else "false"
    return client.post(f"/api/v1/cases/{case.pk}/photos", data, **headers)


@pytest.fixture
def committee_x(world):
    """Owners' committee of X: sees its requests (a staff role) but may neither record nor work on them."""
    person = org_services.person_create(username="committee_x", real_name="committee_x", password="pw-committee",
                                        by=None)
    org_services.role_assign(person=person, role=Role.OWNERS_COMMITTEE, node=world["X"], by=None)
    world.people["committee_x"] = person
    return person


def planned(world, case):
    staff = world.person("community_c1")
    services.case_accept(case=case, by=staff)
    services.case_dispatch(case=case, by=staff, to="property")
    services.case_plan(case=case, by=staff, colour="green", note="今天换灯泡")
    return case


# ---------------------------------------------------------------------------
# Upload, list, download: who may


@pytest.mark.parametrize("who,status", [
    ("anonymous", 401),
    ("resident", 404),       # residents do not see staff's view of requests
    ("community_c2", 404),   # staff out of scope: the request does not exist for them
    ("committee_x", 403),       # sees it, may not record
    ("community_c1", 201),
    ("property_x", 201),
])
def test_before_photo_upload_matrix(world, client, report, committee_x, who, status):
    case = report()
    r = upload(client, case, token_for(world, who), [photo()])
    assert r.status_code == status, r.content
    assert Photo.objects.filter(case=case).count() == (1 if status == 201 else 0)
    if status != 201:
        assert r.json()["code"] and r.json()["message"]
        return
    body = r.json()
    stored = Photo.objects.get(case=case)
    assert body == [{"id": stored.pk, "after": False, "uploaded_at": body[0]["uploaded_at"],
                     "url": f"http://testserver/api/v1/cases/{case.pk}/photos/{stored.pk}"}]
    event = CaseEvent.objects.get(case=case, action="photos")
    assert event.actor == world.person(who) and event.data == {"after": False, "photos": [stored.pk]}
    assert event.public is False and event.from_status == event.to_status == Status.RECEIVED


@pytest.mark.parametrize("who,status", [
    ("anonymous", 401), ("resident", 404), ("community_c2", 404), ("committee_x", 200), ("community_c1", 200),
])
def test_list_and_download_matrix(world, client, report, committee_x, who, status):
    case = report(photos=[photo().open()])
    mine = Photo.objects.get(case=case)
    headers = token_for(world, who)
    listed = client.get(f"/api/v1/cases/{case.pk}/photos", **headers)
    download = client.get(f"/api/v1/cases/{case.pk}/photos/{mine.pk}", **headers)
    assert listed.status_code == status and download.status_code == status
    if status == 200:
        assert [p["id"] for p in listed.json()] == [mine.pk]
        assert download["Content-Type"] == "image/jpeg"
        assert b"".join(download.streaming_content) == mine.image.open("rb").read()
    else:
        assert listed.json()["code"] and download.json()["code"]


def test_a_photo_of_another_request_is_not_found(world, client, report):
    one, other = report(), report(photos=[photo().open()])
    theirs = Photo.objects.get(case=other)
    headers = token_for(world, "community_c1")
    assert client.get(f"/api/v1/cases/{one.pk}/photos/{theirs.pk}", **headers).status_code == 404
    assert client.get(f"/api/v1/cases/{one.pk}/photos/2147483647", **headers).status_code == 404


def test_list_says_which_photos_are_after_photos(world, client, report):
    case = planned(world, report(photos=[photo().open()]))
    headers = token_for(world, "community_c1")
    assert upload(client, case, headers, [photo(), photo()], after=True).status_code == 201
    assert [p["after"] for p in client.get(f"/api/v1/cases/{case.pk}/photos", **headers).json()] == [
        False, True, True]


# ---------------------------------------------------------------------------
# The cleaning: GPS and every EXIF tag removed


def test_uploaded_photo_comes_back_without_gps_or_exif(world, client, report):
    case = report()
    raw = jpeg_with_gps()
    with Image.open(io.BytesIO(raw)) as sent:
        assert sent.getexif().get_ifd(0x8825)  # the upload does carry GPS
    headers = token_for(world, "community_c1")
    r = upload(client, case, headers, [photo("gps.jpg", raw)])
    assert r.status_code == 201
    download = client.get(r.json()[0]["url"].removeprefix("http://testserver"), **headers)
    assert download.status_code == 200
    with Image.open(io.BytesIO(b"".join(download.streaming_content))) as back:
        assert back.format == "JPEG"
        assert dict(back.getexif()) == {} and "exif" not in back.info
        assert max(back.size) == 1600  # resized like the pages' photos


# ---------------------------------------------------------------------------
# Bad files and the limit: 422, nothing stored


@pytest.mark.parametrize("files,code", [
    ([("a.jpg", b"not an image at all")], "photo.invalid"),
    ([("ok.jpg", None), ("b.pdf", b"%PDF-1.4\n...")], "photo.invalid"),  # one bad file: none stored
    ([("huge.jpg", b"\xff\xd8\xff" + b"\x00" * MAX_BYTES)], "photo.too_large"),
])
def test_bad_files_are_refused_and_nothing_is_stored(world, client, report, files, code, _media):
    case = report(photos=[photo().open()])
    r = upload(client, case, token_for(world, "community_c1"), [photo(n, d) for n, d in files])
    assert r.status_code == 422
    assert r.json()["code"] == code and CHINESE.search(r.json()["message"])
    assert Photo.objects.filter(case=case).count() == 1
    assert len([p for p in _media.rglob("*") if p.is_file()]) == 1  # the intake's photo only
    assert not CaseEvent.objects.filter(case=case, action="photos").exists()


def test_missing_file_is_422(world, client, report):
    case = report()
    r = client.post(f"/api/v1/cases/{case.pk}/photos", {"after": "false"}, **token_for(world, "community_c1"))
    assert r.status_code == 422 and r.json()["code"] == "invalid"
    assert Photo.objects.count() == 0


def test_the_seventh_photo_is_refused(world, client, report):
    case = report(photos=[photo().open() for _ in range(4)])  # the intake page's before-photos count
    headers = token_for(world, "community_c1")
    r = upload(client, case, headers, [photo(), photo(), photo()])
    assert r.status_code == 422 and r.json()["code"] == "photo.too_many"
    assert CHINESE.search(r.json()["message"])
    assert Photo.objects.filter(case=case).count() == 4  # none of the three
    assert upload(client, case, headers, [photo(), photo()]).status_code == 201
    r = upload(client, case, headers, [photo()])
    assert r.status_code == 422 and r.json()["code"] == "photo.too_many"
    assert Photo.objects.filter(case=case).count() == MAX_PHOTOS


def test_seven_in_one_call_are_refused(world, client, report):
    case = report()
    r = upload(client, case, token_for(world, "community_c1"), [photo() for _ in range(MAX_PHOTOS + 1)])
    assert r.status_code == 422 and r.json()["code"] == "photo.too_many"
    assert Photo.objects.count() == 0


def test_before_and_after_photos_have_a_limit_each(world, client, report):
    case = planned(world, report(photos=[photo().open() for _ in range(MAX_PHOTOS)]))
    headers = token_for(world, "community_c1")
    assert upload(client, case, headers, [photo()]).status_code == 422
    assert upload(client, case, headers, [photo() for _ in range(MAX_PHOTOS)], after=True).status_code == 201
    assert Photo.objects.filter(case=case, after=True).count() == MAX_PHOTOS


def test_finish_page_shares_the_after_photo_limit(world, client, report):
    """The finish form's photos go through the same limit: no second rule."""
    case = planned(world, report())
    headers = token_for(world, "community_c1")
    assert upload(client, case, headers, [photo() for _ in range(MAX_PHOTOS)], after=True).status_code == 201
    with pytest.raises(InvalidInput) as e:
        services.case_finish(case=case, by=world.person("community_c1"), photos=[photo().open()])
    assert e.value.code == "photo.too_many"
    case.refresh_from_db()
    assert case.status == Status.PLANNED and Photo.objects.filter(case=case, after=True).count() == MAX_PHOTOS


# ---------------------------------------------------------------------------
# After-photos: whoever may finish, when the request can be finished (or is done)


def test_after_photo_before_the_plan_is_409(world, client, report):
    case = report()
    headers = token_for(world, "community_c1")
    r = upload(client, case, headers, [photo()], after=True)
    assert r.status_code == 409 and r.json()["code"] == "case_state"
    services.case_accept(case=case, by=world.person("community_c1"))
    services.case_dispatch(case=case, by=world.person("community_c1"), to="property")
    assert upload(client, case, headers, [photo()], after=True).status_code == 409
    assert Photo.objects.count() == 0


@pytest.mark.parametrize("who,status", [
    ("anonymous", 401), ("resident", 404), ("community_c2", 404), ("committee_x", 403), ("property_x", 201),
    ("community_c1", 201),
])
def test_after_photo_matrix(world, client, report, committee_x, who, status):
    case = planned(world, report())
    r = upload(client, case, token_for(world, who), [photo()], after=True)
    assert r.status_code == status
    assert Photo.objects.filter(case=case, after=True).count() == (1 if status == 201 else 0)


def test_after_photos_until_the_return_visit_then_409(world, client, report):
    case = planned(world, report())
    staff = world.person("community_c1")
    headers = token_for(world, "community_c1")
    services.case_finish(case=case, by=staff)
    assert upload(client, case, headers, [photo()], after=True).status_code == 201  # done: photos of the work
    services.case_visit(case=case, by=staff, method="phone", rating="satisfied")
    services.case_close(case=case, by=staff)
    r = upload(client, case, headers, [photo()], after=True)
    assert r.status_code == 409 and r.json()["code"] == "case_state"
    assert upload(client, case, headers, [photo()]).status_code == 409  # closed: no more before-photos either
    assert Photo.objects.filter(case=case).count() == 1


# ---------------------------------------------------------------------------
# Evaluation


@pytest.mark.parametrize("who,code,status", [
    ("anonymous", "S1", 401),
    ("resident", "C1", 403),
    ("community_c2", "C1", 403),  # out of scope
    ("community_c1", "S1", 403),  # a community does not see its street
    ("property_x", "C1", 403),    # not a supervisor
    ("community_c1", "C1", 200),
    ("street_s1", "S1", 200),
    ("community_c1", "NOPE", 404),
    ("community_c1", "X", 404),   # a compound has no evaluation
])
def test_evaluation_matrix(world, client, who, code, status):
    r = client.get(f"/api/v1/evaluation/{code}", **token_for(world, who))
    assert r.status_code == status
    if status != 200:
        assert r.json()["code"] and r.json()["message"]


def test_evaluation_has_the_page_figures(world, client, clock, report):
    from linli.cases import stats

    staff = world.person("community_c1")
    for _ in range(2):
        case = planned(world, report("X-101"))  # a household of micro-grid C1-M1
        services.case_finish(case=case, by=staff)
        services.case_visit(case=case, by=staff, method="phone", rating="satisfied")
    body = client.get("/api/v1/evaluation/S1", **token_for(world, "street_s1")).json()
    expected = stats.evaluation(street=world["S1"])
    assert body["node"] == {"code": "S1", "name": "S1", "kind": "street"}
    assert body["min_handled"] == expected["min_handled"]
    for key in ("grids", "microgrids"):
        assert [(r["node"]["code"], r["rank"], r["received"], r["handled"], r["score"]) for r in body[key]] == [
            (r["node"]["code"], r["rank"], r["received"], r["handled"], r["score"]) for r in expected[key]]
    m1 = next(r for r in body["microgrids"] if r["node"]["code"] == "C1-M1")
    assert m1["handled"] == 2 and m1["satisfaction"]["satisfied"] == 2 and m1["people"] == ["leader_m1"]
    assert body["demonstration_grid"] is None  # fewer than min_handled handled anywhere


def test_staff_history_names_the_photos_added(world, client, report):
    from django.urls import reverse

    case = report()
    assert upload(client, case, token_for(world, "community_c1"), [photo()]).status_code == 201
    client.force_login(world.person("community_c1"))
    page = client.get(reverse("case_detail", kwargs={"pk": case.pk})).content.decode()
    assert "添加了照片" in page


def test_more_files_than_django_accepts_is_a_json_400_and_stores_nothing(world, client, report, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    case = report()
    r = upload(client, case, token_for(world, "community_c1"), [photo(f"{i}.jpg") for i in range(4)])
    assert r.status_code == 400 and r["Content-Type"].startswith("application/json")
    assert r.json()["code"] == "too_much_data" and "太多" in r.json()["message"]
    assert not Photo.objects.filter(case=case).exists()


def test_a_failure_after_storing_leaves_neither_rows_nor_files(world, client, report, monkeypatch, _media):
    case = report()

    def broken_event(*args, **kwargs):
        raise RuntimeError("the history could not be written")

    monkeypatch.setattr(photo_services, "_event", broken_event)
    with pytest.raises(RuntimeError):
        services.case_add_photos(case=case, by=world.person("community_c1"), files=[photo(), photo()])
    assert Photo.objects.filter(case=case).count() == 0
    assert not [p for p in _media.rglob("*") if p.is_file()]


def test_photos_are_cleaned_before_the_request_is_locked(world, report, monkeypatch):
    from linli.cases import locks
    from linli.cases import photos as photo_rules

    case, order = report(), []
    real_clean, real_lock = photo_rules.clean_photos, locks.case_lock

    def clean(files):
        order.append("clean")
        return real_clean(files)

    def lock(pk):
        order.append("lock")
        return real_lock(pk)

    monkeypatch.setattr(photo_rules, "clean_photos", clean)
    monkeypatch.setattr(locks, "case_lock", lock)
    services.case_add_photos(case=case, by=world.person("community_c1"), files=[photo()])
    assert order == ["clean", "lock"]

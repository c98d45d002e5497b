"""Photos are real images, resized, and leave without EXIF or GPS."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from linli.cases.photos import MAX_PHOTOS, clean_photo, clean_photos
from linli.errors import InvalidInput


def jpeg_with_gps(size=(4000, 3000)) -> bytes:
    img = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    gps = {1: "N", 2: (30.0, 40.0, 12.5), 3: "E", 4: (103.0, 50.0, 1.0)}
    exif[0x8825] = gps
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


def test_gps_and_all_exif_are_removed_and_the_photo_is_resized_upright():
    raw = jpeg_with_gps()
    with Image.open(io.BytesIO(raw)) as before:
        assert before.getexif().get_ifd(0x8825)  # the input does carry GPS
    clean = clean_photo(raw, "门口.jpg")
    with Image.open(io.BytesIO(clean.content)) as after:
        assert after.format == "JPEG"
        assert dict(after.getexif()) == {}
        assert "exif" not in after.info
        # 4000×3000 with orientation 6 is a portrait photo: upright and at most 1600 px.
        assert after.size == (1200, 1600)
    assert clean.name.endswith(".jpg") and "门口" not in clean.name


@pytest.mark.parametrize(
    "data,code",
    [
        (b"not an image at all", "photo.invalid"),
        (b"%PDF-1.4\n...", "photo.invalid"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "photo.invalid"),
    ],
)
def test_non_images_are_refused(data, code):
    with pytest.raises(InvalidInput) as e:
        clean_photo(data, "x.jpg")
    assert e.value.code == code
    assert "x.jpg" in str(e.value.message)


def test_png_with_alpha_becomes_jpeg():
    img = Image.new("RGBA", (100, 80), (0, 0, 0, 0))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    clean = clean_photo(buf.getvalue(), "a.png")
    assert clean.width == 100 and clean.height == 80


def test_at_most_six_photos():
    one = jpeg_with_gps((10, 10))
    assert len(clean_photos([(one, "a.jpg")] * MAX_PHOTOS)) == MAX_PHOTOS
    with pytest.raises(InvalidInput) as e:
        clean_photos([(one, "a.jpg")] * (MAX_PHOTOS + 1))
    assert e.value.code == "photo.too_many"


def test_decompression_bomb_is_refused():
    img = Image.new("1", (10000, 10000))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    with pytest.raises(InvalidInput) as e:
        clean_photo(buf.getvalue(), "bomb.png")
    assert e.value.code == "photo.too_large"


def _phone_page_jpeg(size=(1024, 768), **save) -> bytes:
    """What the intake page's script sends (scaled on the phone), plus what a careless app
    adds: GPS in the EXIF, a comment, bytes after the end of the picture."""
    img = Image.new("RGB", size)
    img.putdata([((x * 7) % 256, (y * 3) % 256, (x * y) % 256) for y in range(size[1]) for x in range(size[0])])
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (30.0, 40.0, 12.5), 3: "E", 4: (103.0, 50.0, 1.0)}
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif, comment=b"home of Zhang San", **{"quality": 85, **save})
    return buf.getvalue() + b"trailing: 30.67N 104.08E"


@pytest.mark.parametrize("save", [{}, {"progressive": True}, {"restart_marker_blocks": 4}])
def test_a_small_upright_jpeg_keeps_its_picture_and_loses_every_metadata_byte(save):
    raw = _phone_page_jpeg(**save)
    clean = clean_photo(raw, "p.jpg")
    with Image.open(io.BytesIO(clean.content)) as after, Image.open(io.BytesIO(raw)) as before:
        assert after.format == "JPEG" and after.size == (1024, 768) == (clean.width, clean.height)
        assert dict(after.getexif()) == {} and "exif" not in after.info and "comment" not in after.info
        assert after.tobytes() == before.tobytes()  # the same picture: not re-encoded
    for secret in (b"Exif", b"PhoneMaker", b"Zhang San", b"trailing", b"104.08"):
        assert secret in raw and secret not in clean.content


@pytest.mark.parametrize("after_a_poster", [False, True])
def test_a_damaged_small_jpeg_is_still_refused(after_a_poster):
    """Well-formed around a broken picture (a Huffman table zeroed): decoded, so refused,
    also in a process that made a poster PDF (importing WeasyPrint lets Pillow accept
    truncated images process-wide)."""
    if after_a_poster:
        import weasyprint  # noqa: F401
    raw = bytearray(_phone_page_jpeg())
    at = raw.find(b"\xff\xc4")
    raw[at + 5:at + 21] = bytes(16)
    with pytest.raises(InvalidInput) as e:
        clean_photo(bytes(raw), "p.jpg")
    assert e.value.code == "photo.invalid"


def test_a_small_jpeg_that_needs_turning_or_is_too_heavy_is_re_encoded():
    img = Image.new("RGB", (400, 300), (10, 200, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # to be shown turned: turned here, so the stored photo is upright without EXIF
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif)
    clean = clean_photo(buf.getvalue(), "p.jpg")
    assert (clean.width, clean.height) == (300, 400)
    heavy = _phone_page_jpeg((200, 150), quality=100, subsampling=0)
    assert len(heavy) > 200 * 150 * 0.5
    clean = clean_photo(heavy, "p.jpg")
    assert len(clean.content) < len(heavy) and b"Exif" not in clean.content

"""Photos from residents' phones: checked to be real images, turned upright,
resized, and re-encoded as JPEG so that no EXIF (GPS, device, time) survives.

A JPEG that is already upright, at most MAX_SIDE pixels and of a sensible size (what the
intake page's script sends: it scales photos down on the phone) is not re-encoded: its
metadata segments are cut out byte for byte (``strip_jpeg``), and the result is decoded
in full to prove it is a whole image. That is the same privacy (no EXIF, XMP, IPTC,
comments or trailing data survive) for a fifth of the CPU, and no second generation loss."""
from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from linli.errors import InvalidInput

MAX_PHOTOS = 6
MAX_BYTES = 12 * 1024 * 1024
MAX_PIXELS = 50_000_000  # refuse decompression bombs long before Pillow's own limit
MAX_SIDE = 1600
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO", "HEIF"}
# Kept as sent (metadata cut out) up to this many bytes per pixel: above it (a needlessly
# heavy file) it is re-encoded like any other photo.
KEEP_BYTES_PER_PIXEL = 0.5
ORIENTATION = 0x0112

# JPEG segments that carry the picture. Everything else (APP1 EXIF/XMP, APP2 ICC/MPF,
# APP13 IPTC, COM …) is dropped; a JFIF APP0 keeps its version and pixel density but loses its
# thumbnail; APP14 "Adobe" (colour transform only, no personal data) is kept. Both decide how
# a decoder reads the colours, so neither is added nor removed.
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_TABLES = {0xC4, 0xCC, 0xDB, 0xDD}  # DHT, DAC, DQT, DRI
_SOS, _EOI, _APP0, _APP14 = 0xDA, 0xD9, 0xE0, 0xEE


class NotStrippable(Exception):
    """The JPEG has a structure ``strip_jpeg`` does not keep as is: re-encode it instead."""


def strip_jpeg(data: bytes) -> bytes:
    """The JPEG's picture without any metadata, byte for byte: SOI, a bare JFIF header,
    the tables, frame and scans (entropy-coded data copied as is), EOI; nothing after EOI.
    Raises NotStrippable for anything unexpected (the caller re-encodes)."""
    if data[:2] != b"\xff\xd8":
        raise NotStrippable
    out = [b"\xff\xd8"]
    i, n = 2, len(data)
    while True:
        if i + 2 > n or data[i] != 0xFF:
            raise NotStrippable
        while i < n and data[i] == 0xFF:  # fill bytes before a marker
            i += 1
        if i >= n:
            raise NotStrippable
        marker = data[i]
        i += 1
        if marker == _EOI:
            out.append(b"\xff\xd9")
            return b"".join(out)
        if i + 2 > n:
            raise NotStrippable
        length = int.from_bytes(data[i:i + 2], "big")
        end = i + length
        if length < 2 or end > n:
            raise NotStrippable
        segment = data[i - 2:end]  # the marker (after any fill bytes) and its segment
        if marker in _SOF or marker in _TABLES or (marker == _APP14 and data[i + 2:i + 7] == b"Adobe"):
            out.append(segment)
            i = end
        elif marker == _APP0 and data[i + 2:i + 7] == b"JFIF\x00" and length >= 16:
            # "JFIF\0", version, units, densities; no thumbnail (0 × 0)
            out.append(b"\xff\xe0\x00\x10" + data[i + 2:i + 14] + b"\x00\x00")
            i = end
        elif marker == _SOS:
            # The scan's data runs to the next marker that is neither a stuffed 0xFF00
            # nor a restart marker (RST0–7).
            j = end
            while True:
                j = data.find(b"\xff", j)
                if j < 0 or j + 1 >= n:
                    raise NotStrippable
                following = data[j + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    j += 1 if following == 0xFF else 2
                    continue
                break
            out.append(data[i - 2:j])
            i = j
        elif 0xE0 <= marker <= 0xEF or marker == 0xFE:  # APPn, COM: metadata, dropped
            i = end
        else:  # DNL, hierarchical or reserved markers: not a phone's photo
            raise NotStrippable


@dataclass(frozen=True)
class CleanPhoto:
    name: str
    content: bytes
    width: int
    height: int

    def as_file(self) -> ContentFile:
        return ContentFile(self.content, name=self.name)


def clean_photo(data: bytes, filename: str = "") -> CleanPhoto:
    """Return the photo re-encoded without metadata, or raise InvalidInput."""
    # A damaged photo must fail to decode. WeasyPrint (the posters) sets this Pillow switch
    # for the whole process when it is imported, which would let damaged files through.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    if len(data) > MAX_BYTES:
        raise InvalidInput("photo.too_large", _("A photo may be at most 12 MB: %(name)s") % {"name": filename})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            w, h = probe.size
            # What decides whether a JPEG is kept as sent (read from its header, no decoding;
            # other formats are re-encoded whatever they say).
            keepable = fmt in ("JPEG", "MPO") and probe.mode in ("RGB", "L") and (
                probe.getexif().get(ORIENTATION, 1) == 1)
            probe.verify()
        if fmt not in ACCEPTED_FORMATS:
            raise InvalidInput("photo.format", _("Not a photo: %(name)s") % {"name": filename})
        if w * h > MAX_PIXELS:
            raise InvalidInput("photo.too_large", _("The photo is too large: %(name)s") % {"name": filename})
        kept = _kept_as_sent(data, w, h) if keepable else None
        if kept is not None:
            return CleanPhoto(name=f"{get_random_string(16)}.jpg", content=kept, width=w, height=h)
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            img = ImageOps.exif_transpose(opened)
            if img.mode not in ("RGB", "L"):
                img = img.convert("RGB")
            img.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            # No exif= argument: the saved JPEG carries no metadata at all.
            img.save(out, format="JPEG", quality=82, optimize=True)
            size = img.size
    except InvalidInput:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise InvalidInput("photo.invalid", _("Not a photo, or the file is damaged: %(name)s") % {"name": filename}) from exc
    return CleanPhoto(name=f"{get_random_string(16)}.jpg", content=out.getvalue(), width=size[0], height=size[1])


def _kept_as_sent(data: bytes, w: int, h: int) -> bytes | None:
    """The photo without its metadata and not re-encoded, when that is enough: a JPEG
    (the caller saw it upright, in RGB or grey), at most MAX_SIDE pixels and at most
    KEEP_BYTES_PER_PIXEL. It is decoded in full (a damaged file is refused like any
    other); None: re-encode it."""
    if max(w, h) > MAX_SIDE or len(data) > w * h * KEEP_BYTES_PER_PIXEL:
        return None
    try:
        stripped = strip_jpeg(data)
    except NotStrippable:
        return None
    with Image.open(io.BytesIO(stripped)) as check:  # errors: refused by the caller as damaged
        check.load()
        if check.format != "JPEG" or check.size != (w, h) or check.info.get("exif") or check.getexif():
            return None
    return stripped


def read_upload(upload) -> tuple[bytes, str]:
    """The bytes and name of an uploaded file, reading at most MAX_BYTES + 1 bytes
    (enough for ``clean_photo`` to refuse a larger one without holding it whole)."""
    return upload.read(MAX_BYTES + 1), getattr(upload, "name", "") or ""


def clean_photos(files) -> list[CleanPhoto]:
    """Clean a list of (bytes, filename); at most MAX_PHOTOS."""
    files = list(files)
    if len(files) > MAX_PHOTOS:
        raise InvalidInput("photo.too_many", _("At most %(n)d photos.") % {"n": MAX_PHOTOS})
    return [clean_photo(data, name) for data, name in files]

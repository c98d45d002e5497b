"""Photos from residents' phones: checked to be real images, turned upright,
resized, and re-encoded as JPEG so that no EXIF (GPS, device, time) survives."""
from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from linli.errors import InvalidInput

MAX_PHOTOS = 6
MAX_BYTES = 12 * 1024 * 1024
MAX_PIXELS = 50_000_000  # refuse decompression bombs long before Pillow's own limit
MAX_SIDE = 1600
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO", "HEIF"}


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
    if len(data) > MAX_BYTES:
        raise InvalidInput("photo.too_large", _("A photo may be at most 12 MB: %(name)s") % {"name": filename})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            w, h = probe.size
            probe.verify()
        if fmt not in ACCEPTED_FORMATS:
            raise InvalidInput("photo.format", _("Not a photo: %(name)s") % {"name": filename})
        if w * h > MAX_PIXELS:
            raise InvalidInput("photo.too_large", _("The photo is too large: %(name)s") % {"name": filename})
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

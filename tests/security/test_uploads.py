"""Large uploads on the resident's QR page: a body larger than any valid report is
refused before a byte of it is read; a photo over the cap streams by without being
held in memory, and the resident gets the words they typed back with a Chinese
message. CSRF is still checked on the page."""
from __future__ import annotations

import tracemalloc

import pytest
from django.test import Client

from linli.cases.models import Case

BOUNDARY = "----linliboundary"


class LazyBody:
    """A request body made on demand (zeros for a file's content), counting what is read."""

    def __init__(self, parts):
        self.parts = list(parts)
        self.index, self.offset, self.bytes_read = 0, 0, 0

    @property
    def length(self) -> int:
        return sum(len(p) if isinstance(p, bytes) else p for p in self.parts)

    def read(self, size=-1):
        out = bytearray()
        while self.index < len(self.parts) and (size < 0 or len(out) < size):
            part = self.parts[self.index]
            total = len(part) if isinstance(part, bytes) else part
            take = total - self.offset if size < 0 else min(total - self.offset, size - len(out))
            out += part[self.offset:self.offset + take] if isinstance(part, bytes) else bytes(take)
            self.offset += take
            if self.offset == total:
                self.index, self.offset = self.index + 1, 0
        self.bytes_read += len(out)
        return bytes(out)

    def readline(self, size=-1):
        out = bytearray()
        while not out.endswith(b"\n") and (size < 0 or len(out) < size):
            byte = self.read(1)
            if not byte:
                break
            out += byte
        return bytes(out)


def field(name, value) -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").encode()


def report_body(photo_bytes: int) -> LazyBody:
    return LazyBody([
        field("category", "repair"), field("description", "三楼楼道灯坏了两天了"), field("client_token", "c" * 32),
        (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"video.jpg\"\r\n"
         "Content-Type: image/jpeg\r\n\r\n").encode(),
        photo_bytes,
        b"\r\n", field("contact_name", "王阿姨"), f"--{BOUNDARY}--\r\n".encode(),
    ])


def send(client, body: LazyBody, length: int | None = None):
    return client.request(**{
        "REQUEST_METHOD": "POST", "PATH_INFO": "/q/X-B1-U1", "CONTENT_LENGTH": str(length or body.length),
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}", "wsgi.input": body,
    })


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_150_mb_body_is_refused_before_it_is_read(client, world):
    body = report_body(150 * 1024 * 1024)
    r = send(client, body)
    assert r.status_code == 413
    assert "一次发送的内容太大：最多 6 张照片，每张不超过 12 MB" in r.content.decode()
    assert body.bytes_read == 0
    assert Case.objects.count() == 0


def test_a_photo_over_the_cap_streams_by_and_the_words_come_back(client, world):
    body = report_body(30 * 1024 * 1024)
    tracemalloc.start()
    try:
        r = send(client, body)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert r.status_code == 422
    page = r.content.decode()
    assert "每张照片不能超过 12 MB:video.jpg" in page
    assert "三楼楼道灯坏了两天了" in page and 'value="王阿姨"' in page  # the words typed are kept
    assert body.bytes_read == body.length  # read as a stream, to the end ...
    assert peak < 8 * 1024 * 1024  # ... but never held: not the 30 MB, not even the 12 MB cap
    assert Case.objects.count() == 0


def test_the_intake_page_still_checks_csrf(world):
    client = Client(enforce_csrf_checks=True)
    r = client.post("/q/X-B1-U1", {"category": "repair", "description": "三楼楼道灯坏了两天了", "client_token": "d" * 32})
    assert r.status_code == 403 and Case.objects.count() == 0

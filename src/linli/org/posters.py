"""QR codes and printable posters for units and buildings ("码"上报).

Each unit and building has a stable short URL, /q/<code>, that opens the phone
intake page with the place already known. A poster is one A4 page: compound,
building, unit, "扫码反映诉求", the QR code and the short URL in text under it,
in black on white so that it survives a photocopier. One template serves the
screen, the print view and the PDF (WeasyPrint).
"""
from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import segno
from django.template.loader import render_to_string
from django.urls import reverse

from linli.org.models import Node, NodeKind

POSTER_KINDS = (NodeKind.BUILDING, NodeKind.UNIT)


def public_base_url(request=None) -> str:
    """The site's public address: LINLI_PUBLIC_URL, else the request's own."""
    base = os.environ.get("LINLI_PUBLIC_URL", "").rstrip("/")
    if base:
        return base
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return "http://127.0.0.1:8000"


def short_url(node: Node, request=None) -> str:
    return public_base_url(request) + reverse("qr_entry", args=[node.code])


def qr_svg(url: str) -> str:
    """An inline SVG QR code, error correction M, black on white, quiet zone kept."""
    qr = segno.make(url, error="m", micro=False)
    buf = io.BytesIO()
    qr.save(buf, kind="svg", scale=8, border=4, dark="#000", light="#fff", xmldecl=False, svgns=True,
            omitsize=True, svgclass="qr")
    return buf.getvalue().decode()


def poster_nodes(node: Node) -> list[Node]:
    """The places a poster set covers: the node itself if it is a building or a
    unit, else every building and unit below it, in code order."""
    if node.kind in POSTER_KINDS:
        return [node]
    return list(Node.objects.filter(path__startswith=node.path, kind__in=POSTER_KINDS).order_by("path"))


def poster_context(nodes: list[Node], request=None) -> dict:
    posters = []
    by_id = Node.objects.in_bulk({i for n in nodes for i in n.ancestor_ids()})  # one query for the whole set
    for n in nodes:
        ancestors = {by_id[i].kind: by_id[i] for i in n.ancestor_ids(include_self=False) if i in by_id}
        url = short_url(n, request)
        posters.append({
            "node": n,
            "compound": ancestors.get(NodeKind.COMPOUND),
            "building": n if n.kind == NodeKind.BUILDING else ancestors.get(NodeKind.BUILDING),
            "unit": n if n.kind == NodeKind.UNIT else None,
            "url": url,
            "svg": qr_svg(url),
        })
    return {"posters": posters}


def _cache_dir() -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR) / "cache" / "posters"


def posters_pdf(nodes: list[Node], request=None) -> bytes:
    """One PDF of the posters, cached on disk per place set and version.

    WeasyPrint takes seconds for a compound's twenty pages, while the page's
    HTML takes milliseconds: the HTML (names, codes, short URLs, QR codes) and
    the stylesheet are hashed, and a PDF made from the same HTML and stylesheet
    is read back from ``DATA_DIR/cache/posters/<hash>.pdf``. Renaming a
    building, adding a unit or moving the site to another address changes the
    HTML, hence the hash: the stale file is simply never asked for again (and is
    removed when a new version of the same place set is written)."""
    from django.contrib.staticfiles import finders

    html = render_to_string("org/posters.html", {**poster_context(nodes, request), "pdf": True})
    # The stylesheet is read from the package, not fetched from the site (the page links it).
    css_path = str(finders.find("org/posters.css"))
    base_url = public_base_url(request)
    digest = hashlib.sha256("\0".join([html, Path(css_path).read_text(encoding="utf-8"), base_url]).encode()).hexdigest()
    places = hashlib.sha256(",".join(str(n.pk) for n in nodes).encode()).hexdigest()[:16]
    folder = _cache_dir()
    path = folder / f"{places}-{digest}.pdf"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    pdf = render_pdf(html, css_path=css_path, base_url=base_url)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(f"{places}-*.pdf"):
        stale.unlink(missing_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(pdf)
    os.replace(tmp, path)  # atomic: a reader sees the whole file or none
    return pdf


def render_pdf(html: str, *, css_path: str, base_url: str) -> bytes:
    """The slow part (WeasyPrint), without the cache."""
    from weasyprint import CSS, HTML

    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=[CSS(filename=css_path)])

"""QR codes and printable posters for units and buildings ("码"上报).

Each unit and building has a stable short URL, /q/<code>, that opens the phone
intake page with the place already known. A poster is one A4 page: compound,
building, unit, "扫码反映诉求", the QR code and the short URL in text under it,
in black on white so that it survives a photocopier. One template serves the
screen, the print view and the PDF (WeasyPrint).
"""
from __future__ import annotations

import io
import os

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
    for n in nodes:
        ancestors = {a.kind: a for a in n.ancestors()}
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


def posters_pdf(nodes: list[Node], request=None) -> bytes:
    from django.contrib.staticfiles import finders
    from weasyprint import CSS, HTML

    html = render_to_string("org/posters.html", {**poster_context(nodes, request), "pdf": True})
    # The stylesheet is read from the package, not fetched from the site (the page links it).
    css = CSS(filename=finders.find("org/posters.css"))
    return HTML(string=html, base_url=public_base_url(request)).write_pdf(stylesheets=[css])

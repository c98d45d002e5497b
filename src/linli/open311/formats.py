"""Open311 GeoReport v2 documents in XML and JSON with the spec's element names.

A document is built once as plain Python (a root name, an item name and a list
of ordered dicts) and rendered to either format, so the two can never disagree.
"""
from __future__ import annotations

import json
import re
from xml.etree import ElementTree as ET

from django.http import HttpResponse

XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"


# Characters XML 1.0 cannot carry at all, even escaped: a text holding one (written
# before intake dropped them, or in a staff note) would make the document not
# well-formed, so they are left out of the XML.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML.sub("", str(value))


def _append(parent: ET.Element, name: str, value) -> None:
    el = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for k, v in value.items():
            _append(el, k, v)
    elif isinstance(value, list):
        # A list inside an item: <values><value>…</value></values>, <formats><format>…
        child = name[:-1] if name.endswith("s") else name
        for v in value:
            _append(el, child, v)
    else:
        el.text = _text(value)


def to_xml(root: str, item: str | None, payload) -> bytes:
    top = ET.Element(root)
    if item is None:
        for k, v in payload.items():
            _append(top, k, v)
    else:
        for row in payload:
            _append(top, item, row)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(top, encoding="utf-8")


def respond(fmt: str, root: str, item: str | None, payload, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(to_xml(root, item, payload), content_type=XML_TYPE, status=status)
    return HttpResponse(json.dumps(payload, ensure_ascii=False, default=str), content_type=JSON_TYPE, status=status)


def error(fmt: str, status: int, description: str) -> HttpResponse:
    """Errors as <errors><error><code/><description/></error></errors> or [{"code","description"}]."""
    return respond(fmt, "errors", "error", [{"code": status, "description": description}], status=status)

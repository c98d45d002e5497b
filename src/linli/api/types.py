"""Input types and the error shape every router of the JSON API shares: text
without NUL characters (PostgreSQL cannot store them), times and dates in a sane
range, ids that fit the database, and ``{"code", "message", "details"}`` errors."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator

MAX_ID = 2_147_483_647


def _no_nul(value: str | None) -> str | None:
    if value is not None and "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    return value


def _sane_time(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if not 1970 <= value.year <= 2200:
        raise ValueError("a time between 1970 and 2200")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _sane_date(value: dt.date) -> dt.date:
    if not 1970 <= value.year <= 2200:
        raise ValueError("a date between 1970 and 2200")
    return value


# Text without NUL characters, and its length-limited variants (type aliases, so mypy
# reads ``note: Text5000`` as ``str``).
Text = Annotated[str, AfterValidator(_no_nul)]
Text20 = Annotated[Text, Field(max_length=20)]
Text40 = Annotated[Text, Field(max_length=40)]
Text60 = Annotated[Text, Field(max_length=60)]
Text100 = Annotated[Text, Field(max_length=100)]
Text120 = Annotated[Text, Field(max_length=120)]
Text150 = Annotated[Text, Field(max_length=150)]
Text200 = Annotated[Text, Field(max_length=200)]
Text254 = Annotated[Text, Field(max_length=254)]
Text300 = Annotated[Text, Field(max_length=300)]
Text500 = Annotated[Text, Field(max_length=500)]
Text2000 = Annotated[Text, Field(max_length=2000)]
Text5000 = Annotated[Text, Field(max_length=5000)]
Text20000 = Annotated[Text, Field(max_length=20000)]


Time = Annotated[dt.datetime, AfterValidator(_sane_time)]
Day = Annotated[dt.date, AfterValidator(_sane_date)]


class ErrorOut(Schema):
    code: str
    message: str
    details: list[Any] = []


# The errors a writing endpoint may answer (declare them all, so the OpenAPI document lists them).
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}

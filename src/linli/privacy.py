"""A person's rights over their personal data (PIPL-style), across the apps:
download everything held about oneself, and erasure on request.

The shell (``linli.web``) calls these; each app keeps its own reads and
writes, this module only puts them together, as ``linli.demo`` does for the
demo data."""
from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from linli import authz
from linli.cases.models import ContactReveal, Notification, ReturnVisit
from linli.cases.services import case_contacts_erase
from linli.cases.services.privacy import cases_of_person
from linli.ledger.models import Transaction
from linli.org import services as org_services
from linli.org.models import AccountEvent, Person, RoleEvent
from linli.tabular import csv_text

FORMAT = "linli-personal-data/1"


def personal_data(*, person: Person, viewer: Person) -> dict:
    """Everything held about ``person``: the account, roles and their history,
    requests reported (with the rating given and who was shown the contact),
    notifications, ledger entries entered, and the account's history.
    ``viewer`` must be the person (``account.data.download``)."""
    authz.require(viewer, "account.data.download", person)
    cases = cases_of_person(person).select_related("category", "node").order_by("received_at", "pk")
    reveals = ContactReveal.objects.filter(case__in=cases).select_related("viewer", "case").order_by("at", "pk")
    return {
        "format": FORMAT,
        "account": {"username": person.username, "real_name": person.real_name, "phone": person.phone,
                    "email": person.email, "date_joined": person.date_joined, "last_login": person.last_login},
        "roles": [{"role": r.role, "place": r.node.code, "place_name": r.node.name, "since": r.created_at}
                  for r in person.roles.select_related("node").order_by("created_at", "pk")],
        "role_history": [{"action": e.action, "role": e.role, "place": e.node.code, "at": e.at,
                          "by": e.by.username if e.by else None}
                         for e in RoleEvent.objects.filter(person=person).select_related("node", "by").order_by("at", "pk")],
        "requests": [{"tracking_code": c.tracking_code, "received_at": c.received_at, "category": c.category.name,
                      "place": c.node.code, "address": c.address, "description": c.description,
                      "contact_name": c.contact_name, "contact_phone": c.contact_phone,
                      "contact_email": c.contact_email, "status": c.status, "rating": c.rating}
                     for c in cases],
        "ratings": [{"tracking_code": v.case.tracking_code, "at": v.at, "rating": v.rating, "comment": v.comment}
                    for v in ReturnVisit.objects.filter(case__in=cases, by__isnull=True).select_related("case")
                    .order_by("at", "pk")],
        "contact_shown_to": [{"tracking_code": r.case.tracking_code, "at": r.at, "to": r.viewer.username,
                              "channel": r.channel} for r in reveals],
        "notifications": [{"at": n.created_at, "title": n.title, "body": n.body, "read_at": n.read_at}
                          for n in Notification.objects.filter(recipient=person).order_by("created_at", "pk")],
        "ledger_entries": [{"transaction": str(t.pk), "posted_at": t.posted_at, "memo": t.memo,
                            "legs": [{"account": leg.account.code, "amount": leg.amount} for leg in t.legs.all()]}
                           for t in Transaction.objects.filter(created_by=person).order_by("posted_at")
                           .prefetch_related("legs__account")],
        "account_history": [{"action": e.action, "at": e.at, "by": e.by.username if e.by else None}
                            for e in AccountEvent.objects.filter(person=person).select_related("by").order_by("at", "pk")],
    }


def personal_data_json(data: dict) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)


def personal_data_csv(data: dict) -> str:
    """The same data, one value a row (section, row number, field, value): opens in Excel.
    Written by linli.tabular, which keeps a value that starts like a formula as text."""
    rows: list[list[Any]] = [["section", "row", "field", "value"]]
    for section, value in data.items():
        if section == "format":
            continue
        items = value if isinstance(value, list) else [value]
        for i, row in enumerate(items, start=1):
            for field, item in row.items():
                rows.append([section, i, field, _cell(item)])
    return csv_text(rows)


def _cell(item):
    if item is None or isinstance(item, str) or (isinstance(item, int) and not isinstance(item, bool)):
        return item
    return json.dumps(item, cls=DjangoJSONEncoder, ensure_ascii=False).strip('"')


def personal_data_downloaded(*, person: Person) -> None:
    AccountEvent.objects.create(action=AccountEvent.Action.DATA_DOWNLOADED, person=person, by=person)


@transaction.atomic
def person_erase(*, person: Person, by: Person) -> None:
    """Erase ``person``'s personal data on their request (``account.erase``) or
    a superuser's: their requests lose contact and identifying words, the
    account its name, phone, e-mail, roles and tokens, and is closed. Public
    figures (boards: requests by place, colour, status, rating) and the ledger
    (its entries and hash chains) are left exactly as they were."""
    if not by.is_superuser:
        authz.require(by, "account.erase", person)
    # Two submits at once (two tabs, a double tap) both passed the password check:
    # the second waits here for the first and then has nothing left to do.
    if Person.objects.select_for_update().get(pk=person.pk).erased_at is not None:
        return
    case_contacts_erase(person=person)
    org_services.person_anonymise(person=person, by=by)

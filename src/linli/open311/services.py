"""Writes of the Open311 adapter: a posted request becomes a case through
``linli.cases.services.case_create`` (the one intake rule), and the
integration that sent it is remembered."""
from __future__ import annotations

from django.db import transaction

from linli.cases import services as case_services
from linli.cases.models import Case, Category, Source
from linli.open311.models import Open311Key, Open311Submission
from linli.org.models import Node


@transaction.atomic
def open311_request_create(*, key: Open311Key, node: Node, category: Category, description: str,
                           address: str = "", contact_name: str = "", contact_phone: str = "",
                           contact_email: str = "", attributes: dict | None = None, account_id: str = "",
                           device_id: str = "", media_url: str = "") -> Case:
    case = case_services.case_create(
        node=node, category=category, description=description, source=Source.OPEN311, by=None,
        contact_name=contact_name, contact_phone=contact_phone, contact_email=contact_email, address=address,
    )
    Open311Submission.objects.create(case=case, key=key, attributes=attributes or {}, account_id=account_id,
                                     device_id=device_id, media_url=media_url)
    return case

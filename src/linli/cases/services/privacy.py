"""Erasure on request (PIPL-style): a person's requests lose their contact and
what identifies the person in their words, and keep everything the public
figures count (place, category, colour, status, times, rating)."""
from __future__ import annotations

import re

from django.db import transaction
from django.db.models import Q

from linli.cases.models import Case, ReturnVisit
from linli.org.models import Person


def cases_of_person(person: Person):
    """The requests a person reported: signed in, or leaving their phone or e-mail."""
    q = Q(reporter=person)
    if person.phone:
        q |= Q(contact_phone=person.phone)
    if person.email:
        q |= Q(contact_email__iexact=person.email)
    return Case.objects.filter(q)


def _scrub(text: str, words: list[str]) -> str:
    from linli.cases.selectors import mask_phones

    for word in words:
        text = re.sub(re.escape(word), "***", text, flags=re.IGNORECASE)
    return mask_phones(text)


@transaction.atomic
def case_contacts_erase(*, person: Person) -> int:
    """Anonymise the requests ``person`` reported (call before the account's own
    name and phone are erased; ``linli.privacy.person_erase`` does). Returns how
    many. The rows keep their status, colour, times and rating, so boards and
    statistics do not move; ``updated_at`` is left alone (the public feeds do
    not announce the change)."""
    words = [w for w in (person.real_name, person.phone, person.email, person.last_name + person.first_name)
             if w and len(w.strip()) >= 2]
    n = 0
    for case in cases_of_person(person).select_for_update().order_by("pk"):
        words_here = [*words, *(w for w in (case.contact_name, case.contact_phone, case.contact_email)
                                if w and len(w) >= 2)]
        Case.objects.filter(pk=case.pk).update(
            contact_name="", contact_phone="", contact_email="", description=_scrub(case.description, words_here),
            address=_scrub(case.address, words_here))
        # What the resident wrote when rating online (a staff member's visit has ``by``).
        for visit in ReturnVisit.objects.filter(case=case, by__isnull=True).exclude(comment=""):
            ReturnVisit.objects.filter(pk=visit.pk).update(comment=_scrub(visit.comment, words_here))
        n += 1
    return n

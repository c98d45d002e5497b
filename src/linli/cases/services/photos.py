"""Photos (intake, finish and the API share one limit and one cleaning)."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli import authz
from linli.cases import photos as photo_rules
from linli.cases.models import (
    OPEN_STATUSES,
    PLANNED_STATUSES,
    Case,
    EventAction,
    Photo,
    Status,
)
from linli.cases.services.transitions import _event, _locked, _not_now, action_spec
from linli.errors import InvalidInput
from linli.org.models import Person

# After-photos show the work done: from the statuses the request can be finished
# in (the finish form offers them: actions "finish") until the return visit.
AFTER_PHOTO_STATUSES = PLANNED_STATUSES + (Status.DONE,)


def _photo_room(case: Case, count: int, *, after: bool, have: int | None = None) -> None:
    """At most MAX_PHOTOS before-photos and MAX_PHOTOS after-photos per request, in total
    (``have``: how many it has, when known without asking, as for a new request)."""
    if have is None:
        have = Photo.objects.filter(case=case, after=after).count()
    if have + count > photo_rules.MAX_PHOTOS:
        raise InvalidInput(
            "photo.too_many",
            _("A request keeps at most %(n)d photos of each kind; it has %(have)d already.")
            % {"n": photo_rules.MAX_PHOTOS, "have": have},
            details=[{"after": after, "have": have, "max": photo_rules.MAX_PHOTOS}],
        )


def _store_photos(case: Case, uploads, *, after: bool, new: bool = False) -> list[Photo]:
    """Store photos already cleaned (``photos.clean_photo``: no EXIF/GPS), within the limit
    (``new``: the request was just made and has none)."""
    uploads = list(uploads)
    if uploads:
        _photo_room(case, len(uploads), after=after, have=0 if new else None)
    return [Photo.objects.create(case=case, image=upload, after=after) for upload in uploads]


def _may_add_photos(case: Case, by: Person, *, after: bool) -> None:
    if after:
        authz.require(by, action_spec("finish").rule, case)
        if case.status not in AFTER_PHOTO_STATUSES:
            raise _not_now(case, "add_photos")
    else:
        authz.require(by, "cases.case.record", case)
        if case.status not in OPEN_STATUSES:
            raise _not_now(case, "add_photos")


def case_add_photos(*, case: Case, by: Person, files, after: bool = False) -> list[Photo]:
    """Add photos to a request: ``files`` are uploaded files (``.read()``, ``.name``),
    read and cleaned here like the pages' (a real image, upright, resized, no EXIF/GPS).

    Before-photos (the problem) need ``cases.case.record`` while the request is
    open; after-photos (the work done) need what finishing needs
    (``cases.case.work``) and a request that can be finished or is done. All
    the photos of one call are stored, or none.

    The (slow) cleaning happens before the request's row is locked; the rights,
    the status and the limit are checked again under the lock."""
    _may_add_photos(case, by, after=after)
    files = list(files)
    if not files:
        raise InvalidInput("photo.required", _("Choose at least one photo."))
    _photo_room(case, len(files), after=after)
    cleaned = photo_rules.clean_photos(photo_rules.read_upload(f) for f in files)
    stored: list[Photo] = []
    try:
        with transaction.atomic():
            case = _locked(case)
            _may_add_photos(case, by, after=after)
            _photo_room(case, len(cleaned), after=after)
            for c in cleaned:  # one by one, so that a failure knows which files were written
                stored.append(Photo.objects.create(case=case, image=c.as_file(), after=after))
            _event(case, EventAction.PHOTOS, by, timezone.now(), case.status, case.status, public=False,
                   data={"after": after, "photos": [p.pk for p in stored]})
    except BaseException:
        for p in stored:  # the rows are rolled back: leave no files behind either
            p.image.delete(save=False)
        raise
    return stored

"""The resident's forms: report from a QR code, ask for help, rate the result.
(Staff forms live in staff_forms.py.)"""
from __future__ import annotations

import uuid
from typing import cast

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from linli.cases.models import Rating
from linli.cases.photos import MAX_BYTES, MAX_PHOTOS, clean_photos, read_upload
from linli.errors import InvalidInput


class OversizedUpload(SimpleUploadedFile):
    """Stands for a file that passed the photo cap while it streamed in: its bytes are gone."""

    oversized = True

    def __init__(self, name: str | None, size: int):
        super().__init__(name or "photo", b"", content_type="application/octet-stream")
        self.size = size


class PhotoSizeCap(FileUploadHandler):
    """The first upload handler of the intake pages. A file's chunks go on to Django's
    handlers until the file passes MAX_BYTES; the rest streams by and is dropped, so a
    150 MB file is never held in memory or written out, and the other fields (the words
    the resident typed) are still read. The form then says the photo is too large."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.seen, self.dropped = 0, False

    def receive_data_chunk(self, raw_data, start):
        self.seen += len(raw_data)
        if self.seen > MAX_BYTES:
            self.dropped = True
            return None  # later handlers never see this chunk
        return raw_data

    def file_complete(self, file_size):
        return OversizedUpload(self.file_name, self.seen) if self.dropped else None

def clean_phone(raw: str) -> str:
    """A form field's view of the one phone rule (services.normalise_phone)."""
    from linli.cases.services import normalise_phone
    from linli.errors import InvalidInput

    try:
        return normalise_phone(raw)
    except InvalidInput as exc:
        raise forms.ValidationError(exc.message) from None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Up to MAX_PHOTOS photos; each one is checked to be a real image and
    re-encoded without EXIF/GPS (photos.clean_photo). Cleans to a list of
    ``CleanPhoto``; nothing is written anywhere yet."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        files = [f for f in files if f]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("At most %(n)d photos.") % {"n": MAX_PHOTOS})
        for f in files:
            if getattr(f, "oversized", False) or (f.size or 0) > MAX_BYTES:
                raise forms.ValidationError(_("A photo may be at most 12 MB: %(name)s") % {"name": f.name})
        files = [super(MultiplePhotoField, self).clean(f, initial) for f in files]
        try:
            # At most MAX_BYTES + 1 bytes of each file are read into memory.
            return clean_photos(read_upload(f) for f in files)
        except InvalidInput as exc:
            raise forms.ValidationError(str(exc.message)) from exc


def category_choices(categories) -> list[tuple[str, str]]:
    english = (get_language() or "").startswith("en")
    return [(c.code, (c.name_en if english and c.name_en else c.name)) for c in categories]


class IntakeForm(forms.Form):
    """The resident's report from a QR code: no login needed."""

    category = forms.ChoiceField(label=_("What kind of problem?"),
                                 error_messages={"required": _("Choose what kind of problem it is.")})
    description = forms.CharField(
        label=_("What is wrong, and where exactly?"),
        min_length=5,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": _("e.g. The light on the 3rd floor has been out for two days.")}),
        error_messages={"required": _("Describe the problem in a few words."),
                        "min_length": _("Please write a little more (at least 5 characters).")},
    )
    photos = MultiplePhotoField(label=_("Photos (up to 6)"), required=False)
    contact_name = forms.CharField(label=_("Your name (optional)"), max_length=60, required=False,
                                   widget=forms.TextInput(attrs={"autocomplete": "name"}))
    contact_phone = forms.CharField(
        label=_("Phone for a call back (optional)"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    updates_wanted = forms.BooleanField(label=_("Tell me how it goes (SMS to this phone)"), required=False)
    client_token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, categories=(), **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.categories = {c.code: c for c in categories}
        cast(forms.ChoiceField, self.fields["category"]).choices = [("", _("Choose…")), *category_choices(categories)]
        if not self.is_bound and "client_token" not in self.initial:
            self.initial["client_token"] = uuid.uuid4().hex

    def clean_category(self):
        return self.categories[self.cleaned_data["category"]]

    def clean_contact_phone(self):
        return clean_phone(self.cleaned_data["contact_phone"])

    def clean(self):
        data = super().clean() or {}
        from linli.cases.services import MOBILE_RE

        if data.get("updates_wanted") and not MOBILE_RE.match(data.get("contact_phone") or ""):
            self.add_error("updates_wanted", _("To be told how it goes by SMS, leave an 11-digit mobile number."))
        return data


class HelpForm(IntakeForm):
    """Asking a neighbour for help (互助): the same form with other words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].label = _("What kind of help?")
        self.fields["category"].error_messages["required"] = _("Choose what kind of help you need.")
        self.fields["description"].label = _("What do you need, and when?")
        self.fields["description"].widget.attrs["placeholder"] = _(
            "e.g. Could someone mind my child on Saturday afternoon, 2 to 5 pm?")
        self.fields["description"].error_messages["required"] = _("Say in a few words what you need.")
        self.fields["photos"].label = _("Photos (optional, up to 6)")
        self.fields["contact_phone"].label = _("Phone, so the volunteer can reach you (optional)")


class RatingForm(forms.Form):
    rating = forms.ChoiceField(label=_("How satisfied are you?"), widget=forms.RadioSelect, choices=Rating.choices,
                               error_messages={"required": _("Choose satisfied, basically satisfied or unsatisfied.")})
    comment = forms.CharField(label=_("Anything to add? (optional)"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class FindForm(forms.Form):
    """Follow my request: the tracking code from the confirmation or the SMS."""

    code = forms.CharField(label=_("Tracking code"), max_length=20,
                           error_messages={"required": _("Enter your tracking code.")},
                           widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off",
                                                         "spellcheck": "false", "placeholder": "ABCD2345EF"}))

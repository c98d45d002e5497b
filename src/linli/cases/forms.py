from __future__ import annotations

import re
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.cases.photos import MAX_PHOTOS

PHONE_RE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        files = [f for f in files if f]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("At most %(n)d photos.") % {"n": MAX_PHOTOS})
        return [super(MultiplePhotoField, self).clean(f, initial) for f in files]


class IntakeForm(forms.Form):
    """The resident's report from a QR code: no login needed."""

    category = forms.ChoiceField(label=_("What kind of problem?"))
    description = forms.CharField(
        label=_("What is wrong, and where exactly?"),
        min_length=5,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": _("e.g. The light on the 3rd floor has been out for two days.")}),
    )
    photos = MultiplePhotoField(label=_("Photos (up to 6)"), required=False)
    contact_name = forms.CharField(label=_("Your name (optional)"), max_length=60, required=False)
    contact_phone = forms.CharField(
        label=_("Phone for a call back (optional)"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    client_token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Choose…"))] + list(categories)
        if not self.is_bound:
            self.initial["client_token"] = uuid.uuid4().hex

    def clean_contact_phone(self):
        phone = self.cleaned_data["contact_phone"].replace(" ", "")
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(_("Enter an 11-digit mobile number or a landline like 028-12345678."))
        return phone


class RatingForm(forms.Form):
    rating = forms.ChoiceField(label=_("How satisfied are you?"), widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Anything to add? (optional)"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, ratings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = list(ratings)

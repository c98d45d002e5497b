"""Forms of the staff pages. They only parse input; every rule (required
reasons, allowed colours, who may do what) lives in the services, whose
DomainError the page shows.

An action form's cleaned data are its service's keywords (see
``cases/actions.py``); ``for_case`` builds it for one request."""
from __future__ import annotations

import uuid
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.cases import selectors
from linli.cases.forms import MultiplePhotoField, category_choices, clean_phone
from linli.cases.models import AssigneeKind, CaseKind, Colour, Rating, Source, Supervision, VisitMethod
from linli.web.forms import TreeImportForm

LOCAL_INPUT = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


class StaffForm(forms.Form):
    """Labels without a trailing colon, like the resident's forms."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    @classmethod
    def for_case(cls, case, data=None, files=None):
        """The form for one request (a subclass adds the choices it offers for it)."""
        return cls(data, files)


def _note(label, required_by_service=False, rows=2):
    attrs = {"rows": rows}
    if required_by_service:
        attrs["required"] = True  # the browser asks early; the service is the rule
    return forms.CharField(label=label, required=False, max_length=2000, widget=forms.Textarea(attrs=attrs))


def _due_field():
    return forms.DateTimeField(
        label=_("Promised deadline"), required=False, input_formats=LOCAL_INPUT,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Needed only when the policy sets no limit for this colour."),
    )


class NoteForm(StaffForm):
    note = _note(_("Note (optional)"))


class ReasonForm(StaffForm):
    note = _note(_("Reason"), required_by_service=True)


class ProgressForm(StaffForm):
    note = _note(_("What has been done"), required_by_service=True, rows=3)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.real_name or obj.username


class AssignForm(StaffForm):
    to = forms.ChoiceField(label=_("To"), choices=AssigneeKind.choices, widget=forms.RadioSelect)
    person = PersonChoiceField(label=_("Named person"), queryset=None, required=False,
                               empty_label=_("— only when “A named person” —"))
    note = _note(_("Note (optional)"))

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        from linli.org.models import Person

        cast(forms.ModelChoiceField, self.fields["person"]).queryset = people if people is not None else Person.objects.none()

    @classmethod
    def for_case(cls, case, data=None, files=None):
        return cls(data, files, people=selectors.assignable_people(case))


class DispatchForm(AssignForm):
    @classmethod
    def for_case(cls, case, data=None, files=None):
        form = super().for_case(case, data, files)
        if case.kind == CaseKind.HELP and data is None:
            form.initial["to"] = AssigneeKind.MICROGRID_LEADER  # help requests go to the micro-grid leader first
        return form


class TransferForm(AssignForm):
    note = _note(_("Reason"), required_by_service=True)


class ColourChoiceMixin:
    fields: dict[str, forms.Field]

    def set_colours(self, policy):
        cast(forms.ChoiceField, self.fields["colour"]).choices = [(c, policy.colour_label(c) if policy else label) for c, label in Colour.choices]


class PlanForm(ColourChoiceMixin, StaffForm):
    colour = forms.ChoiceField(label=_("Colour"), choices=Colour.choices, widget=forms.RadioSelect)
    note = _note(_("Plan: what will be done, by whom, by when"), required_by_service=True, rows=3)
    due_at = _due_field()

    def __init__(self, *args, policy=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_colours(policy)

    @classmethod
    def for_case(cls, case, data=None, files=None):
        return cls(data, files, policy=case.policy)


class ReclassifyForm(PlanForm):
    note = _note(_("Why the colour changes"), required_by_service=True)


class FinishForm(StaffForm):
    note = _note(_("What was done (optional)"))
    photos = MultiplePhotoField(label=_("Photos after the work (optional)"), required=False)

    def clean_photos(self):
        return [p.as_file() for p in self.cleaned_data["photos"]]  # cleaned by the field: no EXIF/GPS


class VisitForm(StaffForm):
    method = forms.ChoiceField(label=_("How"), widget=forms.RadioSelect,
                               choices=[(VisitMethod.PHONE, VisitMethod.PHONE.label),
                                        (VisitMethod.VISIT, VisitMethod.VISIT.label)])
    rating = forms.ChoiceField(label=_("The resident is"), choices=Rating.choices, widget=forms.RadioSelect)
    comment = _note(_("What the resident said (optional)"))


class MergeForm(StaffForm):
    into = forms.CharField(label=_("Tracking code of the request to keep"), max_length=12,
                           widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}))
    note = _note(_("Note (optional)"))

    def clean_into(self):
        return self.cleaned_data["into"].strip().upper()


class SuperviseForm(StaffForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Supervision.Kind.choices, widget=forms.RadioSelect)
    note = _note(_("Note"), required_by_service=True)
    score = forms.IntegerField(label=_("Score 0–100 (evaluation, optional)"), required=False)


class MatchHelperForm(StaffForm):
    volunteer = forms.ChoiceField(label=_("Volunteer"))
    note = _note(_("Note (optional)"))

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        near = {"building": _("same building"), "microgrid": _("same micro-grid"), "compound": _("this compound"),
                "community": _("registered volunteer of the community")}
        role = {"volunteer": _("volunteer"), "resident": _("resident")}
        self.candidates = {str(c.person.pk): c.person for c in candidates}
        cast(forms.ChoiceField, self.fields["volunteer"]).choices = [("", _("Choose…"))] + [
            (str(c.person.pk), f"{c.person.real_name or c.person.username} · {role[c.role]} · {near[c.near]}")
            for c in candidates
        ]

    def clean_volunteer(self):
        return self.candidates[self.cleaned_data["volunteer"]]

    @classmethod
    def for_case(cls, case, data=None, files=None):
        return cls(data, files, candidates=selectors.help_candidates(case))


class RecordForm(StaffForm):
    """A request recorded by staff: snapshot, phone call or door-to-door visit."""

    source = forms.ChoiceField(label=_("How it came in"), widget=forms.RadioSelect, initial=Source.SNAPSHOT,
                               choices=[(s, s.label) for s in (Source.SNAPSHOT, Source.PHONE, Source.VISIT)])
    place = forms.ChoiceField(label=_("Place"))
    category = forms.ChoiceField(label=_("Category"))
    description = forms.CharField(label=_("What is wrong, and where exactly?"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    photos = MultiplePhotoField(label=_("Photos (up to 6)"), required=False)
    contact_name = forms.CharField(label=_("Resident's name (optional)"), max_length=60, required=False)
    contact_phone = forms.CharField(label=_("Resident's phone (optional)"), max_length=20, required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "tel"}))
    urgent = forms.BooleanField(label=_("Urgent (ignores service hours)"), required=False)
    updates_wanted = forms.BooleanField(label=_("The resident wants to be told how it goes (SMS to this phone)"),
                                        required=False)
    # One request per form, however often it is sent (a double tap, a resend after a timeout).
    client_token = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, places=(), labels=None, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["client_token"] = uuid.uuid4().hex
        self.places = {str(n.pk): n for n in places}
        self.set_labels(labels or {})
        cast(forms.ChoiceField, self.fields["category"]).choices = [("", _("Choose…")), *category_choices(categories)]

    def set_labels(self, labels: dict[int, str]) -> None:
        """Name the places in the list ("compound building unit"); a place without a label shows its name."""
        cast(forms.ChoiceField, self.fields["place"]).choices = [("", _("Choose…"))] + [
            (key, labels.get(n.pk, n.name)) for key, n in self.places.items()]

    def clean_place(self):
        return self.places[self.cleaned_data["place"]]

    def clean_contact_phone(self):
        return clean_phone(self.cleaned_data["contact_phone"])

    def clean(self):
        data = super().clean() or {}
        from linli.cases.services import MOBILE_RE

        if data.get("updates_wanted") and not MOBILE_RE.match(data.get("contact_phone") or ""):
            self.add_error("updates_wanted", _("To be told how it goes by SMS, leave an 11-digit mobile number."))
        return data


class HotlineImportForm(TreeImportForm):
    """The same upload checks as the place import (size, .csv/.xlsx)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("At most 5 MB, first sheet, one ticket per row.")


class PolicyForm(StaffForm):
    policy = forms.ChoiceField(label=_("Time-limit policy"))

    def __init__(self, *args, policies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.policies = {str(p.pk): p for p in policies}
        cast(forms.ChoiceField, self.fields["policy"]).choices = [(str(p.pk), p.name) for p in policies]

    def clean_policy(self):
        return self.policies[self.cleaned_data["policy"]]

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.disclosure.models import MoneyKind, ReportKind
from linli.web.forms import Form


class EntryForm(Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MoneyKind.choices)
    date = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    amount = forms.CharField(label=_("Amount (yuan)"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "1234.50"}))
    memo = forms.CharField(label=_("Memo"), max_length=200, required=False)
    voucher = forms.FileField(label=_("Voucher (scan or PDF)"), required=False)


class ImportForm(Form):
    file = forms.FileField(label=_("CSV or XLSX file"))


class FeesForm(Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.IntegerField(label=_("Quarter"), min_value=1, max_value=4)
    due = forms.CharField(label=_("Fees due (yuan)"), max_length=20)
    received = forms.CharField(label=_("Fees received (yuan)"), max_length=20)
    prepaid = forms.CharField(label=_("Fees prepaid (yuan)"), max_length=20, initial="0")
    owed = forms.CharField(label=_("Fees owed (yuan)"), max_length=20, initial="0")


class BudgetForm(Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Kind"), choices=MoneyKind.choices)
    amount = forms.CharField(label=_("Budget (yuan)"), max_length=20)


class DraftForm(Form):
    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.IntegerField(label=_("Quarter"), min_value=1, max_value=4)


class WorkForm(Form):
    title = forms.CharField(label=_("Work done"), max_length=200,
                            widget=forms.TextInput(attrs={"placeholder": _("e.g. face-recognition gate installed")}))
    date = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

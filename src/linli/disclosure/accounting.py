"""The vocabulary of a compound's books that both reads and writes need: quarters,
ledger account codes, and the bounds of every amount and date the domain allows.

A leaf module: it imports models and errors only, so ``selectors`` and
``services`` (and ``funds``) both import from here and never from each other in
a circle.
"""
from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.errors import InvalidInput

# --- bounds --------------------------------------------------------------------------

# One amount (entry, fee figure, budget line, donation, pledge, target, spending
# request), in fen: at most 100 million yuan. A compound's whole yearly property
# income is in the millions; a co-managed maintenance fund in the tens of millions.
MAX_AMOUNT = 100_000_000 * 100
MAX_AMOUNT_YUAN_DIGITS = 9  # 100000000 yuan has 9 digits
# Money is dated from 2000 on (the platform keeps no older books) and never in the future;
# report, fee and budget years run from 2000 to 2100.
FIRST_DATE = dt.date(2000, 1, 1)
FIRST_YEAR, LAST_YEAR = 2000, 2100
# A crowdfunding campaign collects for at most two years.
MAX_CAMPAIGN_DAYS = 730


def amount_message():
    return _("The amount must be more than 0 and at most 100,000,000 yuan.")


def check_amount(value, *, code: str = "disclosure.amount", zero_ok: bool = False) -> int:
    """An amount in fen within the domain's bounds, or InvalidInput with a clear message."""
    low = 0 if zero_ok else 1
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= MAX_AMOUNT:
        raise InvalidInput(code, _("Amounts are from 0 to 100,000,000 yuan.") if zero_ok else amount_message())
    return value


def check_money_date(value: dt.date, *, code: str = "disclosure.date") -> dt.date:
    """The date of money that moved: from 2000-01-01 to today."""
    if not isinstance(value, dt.date):
        raise InvalidInput(code, _("Write the date as 2025-03-31."))
    if value > timezone.localdate():
        raise InvalidInput(code, _("The date lies in the future."))
    if value < FIRST_DATE:
        raise InvalidInput(code, _("The date lies before 2000."))
    return value


def check_year(year, *, code: str = "disclosure.year") -> int:
    if not isinstance(year, int) or isinstance(year, bool) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(code, _("Give a year between 2000 and 2100."))
    return year


# --- quarters ------------------------------------------------------------------------

def quarter_range(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """[start, end) of a quarter."""
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return start, end


# --- ledger account codes -------------------------------------------------------------

def cash_account_code(compound) -> str:
    return f"{compound.code}:cash"


def kind_account_code(compound, kind: str, income: bool) -> str:
    return f"{compound.code}:{'income' if income else 'expense'}:{kind}"


def fund_account_code(fund) -> str:
    return f"fund:{fund.code}"


def fund_spent_account_code(fund) -> str:
    return f"fund:{fund.code}:spent"


def escrow_account_code(campaign) -> str:
    return f"campaign:{campaign.pk}"

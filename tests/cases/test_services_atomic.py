"""Every write service of the requests runs in one transaction: a failure half-way
leaves nothing behind, and on PostgreSQL the row locks (SELECT … FOR UPDATE) need one.
A test transaction hides a missing one (every test runs inside one), so this reads the
decorators: a merge once lost its ``@transaction.atomic`` to a helper written above it
and answered 500 on PostgreSQL."""
from __future__ import annotations

import inspect
from collections.abc import Callable

from django.db.transaction import Atomic

from linli.cases import services
from linli.cases.services import intake, photos

# Services that open their transaction inside, and the function where they do (the work
# before it is only checks; intake retries a client token's duplicate outside it).
OWN_TRANSACTION: dict[str, Callable[..., object]] = {"case_create": intake._case_create,
                                                     "case_add_photos": photos.case_add_photos}


def _atomic(function) -> bool:
    while function is not None:
        for cell in getattr(function, "__closure__", None) or ():
            if isinstance(cell.cell_contents, Atomic):
                return True
        function = getattr(function, "__wrapped__", None)
    return False


def _writes() -> dict:
    return {name: getattr(services, name) for name in services.__all__
            if name.startswith(("case_", "campaign_")) and callable(getattr(services, name))}


def test_every_write_service_runs_in_one_transaction():
    writes = _writes()
    assert {"case_merge", "case_accept", "case_create", "campaign_create"} <= set(writes)
    plain = sorted(name for name, function in writes.items() if not _atomic(function) and name not in OWN_TRANSACTION)
    assert plain == [], f"not wrapped in @transaction.atomic: {plain}"


def test_the_services_that_open_their_own_transaction_do():
    for name, function in OWN_TRANSACTION.items():
        assert "with transaction.atomic(" in inspect.getsource(function), name


def test_the_check_tells_a_plain_function_apart():
    def plain(*, case):
        return case

    assert not _atomic(plain) and _atomic(services.case_merge)

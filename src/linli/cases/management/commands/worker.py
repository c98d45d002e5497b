"""``linli worker``: every interval, tell staff of new requests (``notify.received_fanout``:
intake leaves that to the worker), sweep the deadlines (breach and escalate what is
due), then send the outbox (e-mail and other channels). Forever, or once.

It never dies of one bad item: a request whose breach fails is logged and tried at the
next sweep, a message that fails is retried with backoff, and an error of a whole
round (the database went away) is logged and the round tried again after the interval.
SIGTERM or SIGINT stops it within a few seconds: the current batch finishes (the sweep's
batches are short transactions), and a send that hangs is interrupted and its message
released to the queue unsent.
"""
from __future__ import annotations

import contextlib
import logging
import os
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection
from django.urls import get_urlconf, set_urlconf

from linli.cases import notify
from linli.cases.deadline_sweep import sweep_run
from linli.outbox.services import outbox_drain

log = logging.getLogger("linli.worker")


class Stopping(BaseException):
    """Raised by the signal handler to interrupt a send in progress (never caught by
    ``except Exception``, so it unwinds a hanging socket call)."""


class Command(BaseCommand):
    help = "Run the worker: record every missed time limit once and escalate it, then send queued messages."
    # The system checks walk every URL, the API's included, which costs ~1 s of each start
    # (`linli serve` and `linli check` run them); the worker's messages link to pages only.
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run one round (sweep, then send) and exit")
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between rounds (default 30)")
        parser.add_argument("--batch", type=int, default=50, help="requests per transaction (default 50)")
        parser.add_argument("--send-batch", type=int, default=20, help="messages claimed at a time (default 20)")

    def handle(self, *args, once=False, interval=30.0, batch=50, send_batch=20, **options):
        self.stopping = False
        self.sending = False
        urlconf = get_urlconf()
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        if not once:  # from here on a signal stops it cleanly (before, the process simply ends)
            self.stdout.write(f"worker started (pid {os.getpid()}): SIGTERM or SIGINT stops it")
            self.stdout.flush()
        try:
            set_urlconf("linli.site_urls")  # links in messages are page links (see linli.site_urls)
            while not self.stopping:
                try:
                    ok = self._round(once=once, batch=batch, send_batch=send_batch)
                except Stopping:
                    break
                if once:
                    if not ok:
                        raise CommandError("the round failed; see the log")
                    break
                self._sleep(interval)
        finally:
            set_urlconf(urlconf)
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _round(self, *, once: bool, batch: int, send_batch: int) -> bool:
        try:
            self._use_worker_statement_timeout()
            told = notify.received_fanout(batch=batch, should_stop=lambda: self.stopping)
            swept = sweep_run(batch=batch, should_stop=lambda: self.stopping)
            drained = outbox_drain(batch=send_batch, should_stop=lambda: self.stopping, around_send=self._interruptible)
        except Stopping:
            raise
        except Exception:
            # The database went away, a statement timed out …: log, drop the connection, try again later.
            log.exception("worker round failed; trying again after the interval")
            if not connection.in_atomic_block:  # (always true outside tests)
                close_old_connections()
                connection.close()
            return False
        if swept.breaches or once:
            self.stdout.write(f"breaches recorded: {swept.breaches}")
        if told:
            self.stdout.write(f"new requests told to staff: {told}")
        if drained.sent or drained.retried or drained.failed or once:
            self.stdout.write(f"messages sent: {drained.sent}, to retry: {drained.retried}, failed: {drained.failed}")
        return not swept.failed

    def _on_signal(self, signum, frame):
        self.stopping = True
        if self.sending:
            raise Stopping

    @contextlib.contextmanager
    def _interruptible(self):
        if self.stopping:
            raise Stopping
        self.sending = True
        try:
            yield
        finally:
            self.sending = False

    def _sleep(self, interval: float) -> None:
        end = time.monotonic() + interval
        while not self.stopping and time.monotonic() < end:
            time.sleep(min(0.1, max(0.0, end - time.monotonic())))

    def _use_worker_statement_timeout(self) -> None:
        """The worker's transactions may run longer than a web request's (set on its
        session at every round: the connection may have been opened afresh)."""
        if connection.vendor == "postgresql":
            seconds = getattr(settings, "LINLI_WORKER_STATEMENT_TIMEOUT", 120)
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, false)", [f"{int(seconds * 1000)}ms"])

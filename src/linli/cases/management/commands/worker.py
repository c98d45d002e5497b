"""``linli worker``: breach due deadlines and escalate, forever or once."""
from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand

from linli.cases.engine import sweep


class Command(BaseCommand):
    help = "Run the deadline engine: record every missed time limit once and escalate it."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run one sweep and exit")
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between sweeps (default 30)")
        parser.add_argument("--batch", type=int, default=50, help="deadlines per transaction (default 50)")

    def handle(self, *args, once=False, interval=30.0, batch=50, **options):
        stopping = []
        signal.signal(signal.SIGTERM, lambda *a: stopping.append(True))
        while True:
            n = sweep(batch=batch)
            if n or once:
                self.stdout.write(f"breaches recorded: {n}")
            if once or stopping:
                return
            for _ in range(int(interval * 10)):
                if stopping:
                    return
                time.sleep(0.1)

"""``linli rollups --rebuild``: recompute the board roll-ups from the requests (after a
bulk load, a restore or a hand edit); ``--check CODE…``: compare boards from the
roll-ups with boards counted afresh (exit status 1 on a difference)."""
from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from linli.cases import rollups, stats
from linli.org.models import Node


class Command(BaseCommand):
    help = "Rebuild the public boards' roll-ups from the requests, or check them against a direct count."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="recompute every roll-up (bulk SQL)")
        parser.add_argument("--check", nargs="+", metavar="CODE", default=[],
                            help="places whose board is compared with a direct count")

    def handle(self, *args, **opts):
        if not opts["rebuild"] and not opts["check"]:
            raise CommandError("say --rebuild and/or --check CODE …")
        if opts["rebuild"]:
            started = time.perf_counter()
            counts = rollups.rebuild()
            rows = ", ".join(f"{table} {n:,}" for table, n in counts.items())
            self.stdout.write(f"roll-ups rebuilt in {time.perf_counter() - started:.1f} s: {rows}")
        bad = 0
        for code in opts["check"]:
            node = Node.objects.filter(code=code).first()
            if node is None:
                raise CommandError(f"no place with code {code}")
            got, want = stats.board_figures(node=node), stats.board_figures_direct(node=node)
            got.pop("generated_at"), want.pop("generated_at")
            differ = sorted(k for k in want if got[k] != want[k])
            bad += bool(differ)
            self.stdout.write(f"{code}: " + ("equal" if not differ else "DIFFERENT: " + ", ".join(differ)))
        if bad:
            raise SystemExit(1)

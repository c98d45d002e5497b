"""``linli mutualaid expire``: points older than a community's rule allows go
back to its pool (to run daily from cron, like ``linli ledger expire``).
Communities whose rule says "never" (the default) are left alone."""
from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Mutual aid: expire points past the community's rule (default never)."
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True)
        sub.add_parser("expire", help="move points past their community's expiry back to its pool")

    def handle(self, *args, sub: str, **options):
        from linli.mutualaid.models import PointsRule
        from linli.mutualaid.services import points_expire

        total = 0
        for rule in PointsRule.objects.filter(expiry_days__isnull=False).select_related("node"):
            n = points_expire(community=rule.node)
            total += n
            if n:
                self.stdout.write(f"{rule.node.code}: {n}")
        self.stdout.write(f"expired: {total} point(s)")

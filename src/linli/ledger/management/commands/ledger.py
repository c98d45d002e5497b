"""``linli ledger verify`` and ``linli ledger verify-export FILE.json``."""
from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from linli.ledger import chain


class Command(BaseCommand):
    help = "Check the ledger: recompute balances and hash chains, or check a downloaded public export offline."
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True)
        sub.add_parser("verify", help="recompute every balance and chain in the database")
        sub.add_parser("expire", help="void pending transfers and fund spending requests past their deadline")
        exp = sub.add_parser("verify-export", help="check a downloaded JSON export (no database needed)")
        exp.add_argument("file")

    def handle(self, *args, sub: str, **options):
        if sub == "verify-export":
            return self._verify_export(options["file"])
        from linli.ledger.models import Account
        from linli.ledger.selectors import verify_all

        if sub == "expire":
            from linli.disclosure.funds import spend_expire
            from linli.ledger.services import ledger_void_expired

            requests = spend_expire()
            others = ledger_void_expired()
            self.stdout.write(f"voided: {requests} spending request(s), {others} other pending transfer(s)")
            return

        problems = verify_all()
        if problems:
            for p in problems:
                self.stderr.write(p)
            raise CommandError(f"ledger verification failed: {len(problems)} problem(s)")
        self.stdout.write(f"ok: {Account.objects.count()} accounts, balances and chains verified")

    def _verify_export(self, path: str):
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError) as exc:
            raise CommandError(f"{path}: cannot read JSON: {exc}") from exc
        try:
            n = chain.verify_export(data)
        except chain.ExportProblem as exc:
            raise CommandError(f"{path}: {exc.message}") from exc
        self.stdout.write(f"ok: {data['account'].get('code')}: {n} entries, head {data['head']}")

"""``linli bench [--quick]``: run the benchmark suite of bench/suite.py (a source checkout's
bench/ folder) and write bench/results/latest.json and latest.md."""
import os
import subprocess
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

SUITE = Path(__file__).resolve().parents[5] / "bench" / "suite.py"


class Command(BaseCommand):
    help = "Run the benchmark suite (bench/suite.py); --quick runs each benchmark at a small size."

    def add_arguments(self, parser):
        parser.add_argument("--quick", action="store_true")
        parser.add_argument("--only", default="", help="comma-separated: generator,sweep,boards,ledger,pages,intake")
        parser.add_argument("--set", action="append", default=[], help="a size, name=value (see bench/suite.py)")
        parser.add_argument("--out", default="", help="folder for latest.json and latest.md")
        parser.add_argument("--merge", action="store_true", help="keep the other benchmarks of --out's latest.json")

    def handle(self, *args, quick, only, set, out, merge, **options):
        if not SUITE.exists():
            raise CommandError(f"{SUITE} not found: linli bench runs from a source checkout")
        argv = [sys.executable, str(SUITE), *(["--quick"] if quick else []), *(["--only", only] if only else []),
                *(x for item in set for x in ("--set", item)), *(["--out", out] if out else []), *(["--merge"] if merge else [])]
        # A child process: the suite sets itself up (its own settings overrides, migrations).
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SUITE.parents[1] / "src"),
                                                            os.environ.get("PYTHONPATH", "")])}
        code = subprocess.call(argv, env=env)
        if code:
            raise CommandError(f"the suite failed (exit status {code})")

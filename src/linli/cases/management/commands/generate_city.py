"""``linli generate-city``: a synthetic city for benchmarks (see linli.cases.citygen)."""
import json

from django.core.management.base import BaseCommand

from linli.cases.citygen import Sizes, generate


class Command(BaseCommand):
    help = "Generate a synthetic city (places, requests, clocks, history, ledger entries) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--prefix", default=None, help="place codes start with this (default G<seed>)")
        for name, default in Sizes().__dict__.items():
            parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=default, dest=name)

    def handle(self, *args, seed, prefix, **options):
        sizes = Sizes(**{k: options[k] for k in Sizes().__dict__})
        city = generate(seed=seed, sizes=sizes, prefix=prefix)
        self.stdout.write(json.dumps(city.report.as_dict(), ensure_ascii=False, indent=2))

import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Linli in production with gunicorn (static files by whitenoise)."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 1) * 2))
        parser.add_argument("--no-migrate", action="store_true")

    def handle(self, *args, addr, workers, no_migrate, **options):
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=1)
        call_command("collectstatic", interactive=False, verbosity=0)
        argv = [
            sys.executable, "-m", "gunicorn", "linli.wsgi:application",
            "--bind", addr, "--workers", str(workers), "--access-logfile", "-",
        ]
        os.execv(sys.executable, argv)

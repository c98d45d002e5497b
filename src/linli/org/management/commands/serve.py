import os
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def static_is_current() -> bool:
    """True when the collected static files (their manifest) are newer than every
    source file: a restart then skips collectstatic and starts at once."""
    from django.contrib.staticfiles.finders import get_finders

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return False
    collected = manifest.stat().st_mtime
    for finder in get_finders():
        for path, storage in finder.list([]):
            if os.path.getmtime(storage.path(path)) > collected:
                return False
    return True


class Command(BaseCommand):
    help = "Serve Linli in production with gunicorn (static files by whitenoise)."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 1) * 2))
        parser.add_argument("--no-migrate", action="store_true")

    def handle(self, *args, addr, workers, no_migrate, **options):
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=1)
        if not static_is_current():
            self.stdout.write("Collecting and compressing static files (once per upgrade) …")
            call_command("collectstatic", interactive=False, verbosity=0)
        argv = [
            sys.executable, "-m", "gunicorn", "linli.wsgi:application",
            "--bind", addr, "--workers", str(workers), "--access-logfile", "-",
        ]
        os.execv(sys.executable, argv)

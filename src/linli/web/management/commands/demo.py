from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from linli.demo import demo_logins, load_demo
from linli.org.models import Node


class Command(BaseCommand):
    help = "Migrate, load the demo data if the database is empty, and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="host:port to serve on")
        parser.add_argument("--no-serve", action="store_true", help="prepare the database only")

    def handle(self, *args, addr, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if not Node.objects.exists():
            self.stdout.write("Loading demo data (a few seconds)…")
            stats = load_demo()
            self.stdout.write(f"  {stats['places']} places created.")
        self.stdout.write("")
        self.stdout.write(f"Linli demo: http://{addr}/")
        if not addr.startswith(("127.", "localhost", "[::1]")):
            self.stdout.write("Warning: the demo logins below are public; serve the demo on 127.0.0.1 only.")
        self.stdout.write("Demo logins (username / password):")
        for username, password, label in demo_logins():
            self.stdout.write(f"  {username:<18} {password:<18} {label}")
        self.stdout.flush() if hasattr(self.stdout, "flush") else None
        if not no_serve:
            from linli.org.management.commands.serve import static_is_current

            if not settings.DEBUG and not static_is_current():
                # DEBUG is off: whitenoise serves the collected, hashed files, as in production.
                self.stdout.write("Collecting static files (once) …")
                call_command("collectstatic", interactive=False, verbosity=0)
            # The deadline engine runs beside the demo server, so missed time limits escalate.
            import signal
            import subprocess
            import sys

            worker = subprocess.Popen([sys.executable, "-m", "linli.cli", "worker", "--interval", "30"])
            self.stdout.write("Deadline worker started (linli worker).")
            # A plain SIGTERM (a service manager, `kill`) ends the demo like Ctrl-C does, so the
            # worker below is stopped too instead of being left running on its own.
            signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
            try:
                call_command("runserver", addr, use_reloader=False, use_threading=True)
            finally:
                worker.terminate()
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.kill()

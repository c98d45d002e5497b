"""The ``linli`` console script: Django's manage.py plus Linli's own commands
(demo, serve, worker, api-token, ...), which are ordinary management commands."""
from __future__ import annotations

import os
import sys

# Commands whose names read better with a hyphen on the command line.
ALIASES = {"api-token": "api_token", "generate-city": "generate_city"}

# The demo runs with DEBUG off, like production (a wrong Host or a bad QR code
# shows a plain error page, never Django's debug page with paths and settings),
# but over plain HTTP on the loopback: no HTTPS redirect, HTTPS-only cookies or
# HSTS; e-mails (a password reset) are printed on the console.
DEMO_ENVIRONMENT = {
    "LINLI_DEBUG": "0",
    "LINLI_SSL_REDIRECT": "0",
    "LINLI_SECURE_COOKIES": "0",
    "LINLI_HSTS_SECONDS": "0",
    "LINLI_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1:
        argv[1] = ALIASES.get(argv[1], argv[1])
        if argv[1] == "demo":
            os.environ.update(DEMO_ENVIRONMENT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()

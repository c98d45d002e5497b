"""The ``linli`` console script: Django's manage.py plus Linli's own commands
(demo, serve, worker, api-token, ...), which are ordinary management commands."""
from __future__ import annotations

import os
import sys

# Commands whose names read better with a hyphen on the command line.
ALIASES = {"api-token": "api_token"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1:
        argv[1] = ALIASES.get(argv[1], argv[1])
        if argv[1] == "demo":
            # The demo runs over plain HTTP on the loopback: no HTTPS-only cookies.
            os.environ.setdefault("LINLI_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()

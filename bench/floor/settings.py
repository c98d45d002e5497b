"""The floor of the intake benchmark: a bare Django app whose one view INSERTs one row
into a table like a request's (a few text columns, a time, an index), nothing else —
no sessions, no auth, no templates, no middleware but the common one. Same database
(DATABASE_URL, or a SQLite file in LINLI_DATA_DIR) and same gunicorn as ``linli serve``."""
import os
from pathlib import Path

import dj_database_url

SECRET_KEY = "floor-benchmark-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["floor"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "floor.urls"
WSGI_APPLICATION = "floor.wsgi.application"
USE_TZ = True
_data = Path(os.environ.get("LINLI_DATA_DIR", "/tmp"))
DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60) if "DATABASE_URL" in os.environ
             else {"ENGINE": "django.db.backends.sqlite3", "NAME": str(_data / "floor.sqlite3"),
                   "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                               "transaction_mode": "IMMEDIATE", "timeout": 20}}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

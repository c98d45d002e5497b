"""The one settings module. Everything that differs between installs comes from
environment variables; see docs/deployment.md."""
from __future__ import annotations

import json
import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("LINLI_DATA_DIR", "./var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """LINLI_SECRET_KEY, or a key generated once and kept in the data dir (never in git)."""
    key = os.environ.get("LINLI_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # Processes starting together on a new data dir (web workers, the worker) must
        # agree on one key: the key is written whole to a file of its own, then linked
        # into place, which fails for all but the first; the others read the first's.
        fd, written = tempfile.mkstemp(dir=DATA_DIR, prefix=".secret_key-")  # mode 0600
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(64))
            os.link(written, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(written)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("LINLI_DEBUG", False)
ALLOWED_HOSTS = env_list("LINLI_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("LINLI_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "axes",
    "linli.org",
    "linli.cases",
    "linli.ledger",
    "linli.disclosure",
    "linli.mutualaid",
    "linli.open311",
    "linli.outbox",
    "linli.web",
    "linli.surveys",
    "linli.deliberation.votes",
    "linli.deliberation",
    "linli.projects",
    "linli.circles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "linli.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and views: NUL and other control characters in the URL or cookies.
    "linli.middleware.RefuseControlCharacters",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "linli.web.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "linli.web.middleware.DomainErrorMiddleware",
    "linli.web.middleware.DatabaseUnavailableMiddleware",
    # Axes last: it must see the authentication result.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "linli.urls"
WSGI_APPLICATION = "linli.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- database -------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'linli.sqlite3'}",
        conn_max_age=int(os.environ.get("LINLI_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# A database that hangs must not hold a web worker: give up connecting after
# LINLI_DB_CONNECT_TIMEOUT seconds and end any statement after
# LINLI_DB_STATEMENT_TIMEOUT seconds (PostgreSQL); the request then gets the
# "nothing was saved, try again" page (linli.web.middleware). ``linli worker``
# uses LINLI_WORKER_STATEMENT_TIMEOUT instead (its batches are longer).
LINLI_DB_CONNECT_TIMEOUT = int(os.environ.get("LINLI_DB_CONNECT_TIMEOUT", "5"))
LINLI_DB_STATEMENT_TIMEOUT = float(os.environ.get("LINLI_DB_STATEMENT_TIMEOUT", "15"))
LINLI_WORKER_STATEMENT_TIMEOUT = float(os.environ.get("LINLI_WORKER_STATEMENT_TIMEOUT", "120"))


def statement_timeout_option(seconds: float) -> str:
    return f"-c statement_timeout={int(seconds * 1000)}"


if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"connect_timeout": LINLI_DB_CONNECT_TIMEOUT, "options": statement_timeout_option(LINLI_DB_STATEMENT_TIMEOUT)}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write
    # lock at BEGIN so two writers queue (busy timeout) instead of failing late.
    # Connections are kept (LINLI_CONN_MAX_AGE) like PostgreSQL's: opening one and its
    # PRAGMAs cost more than a whole intake's statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )

# --- cache -------------------------------------------------------------------
# Empty: each process keeps its own small in-memory cache (one server, the embedded
# default). ``redis://host:port/db``: every web process and worker shares one Redis, so
# what one process caches the others see (several processes or hosts; docs/performance.md).
# Nothing in Linli needs the cache for correctness: sessions, sign-in locks (django-axes)
# and the abuse limits (linli.throttle) are counted in the database for every process.
LINLI_CACHE_URL = os.environ.get("LINLI_CACHE_URL", "").strip()


def cache_settings(url: str) -> dict:
    """``CACHES`` for ``LINLI_CACHE_URL``."""
    if not url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "linli"}}
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError("LINLI_CACHE_URL must be empty or a redis://host:port/db address")
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            # Several installs may share one Redis server: their keys never meet.
            "KEY_PREFIX": os.environ.get("LINLI_CACHE_KEY_PREFIX", "linli"),
            # A Redis that does not answer costs a request two seconds, never a hung worker.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }


CACHES = cache_settings(LINLI_CACHE_URL)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.Person"

# --- authentication and security -----------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login throttling: 5 failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("LINLI_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Proxies in front of the site: the client's address is the X-Forwarded-For entry this many
# places from the right (the one the outermost declared proxy saw); 0 = REMOTE_ADDR.
LINLI_PROXY_COUNT = int(os.environ.get("LINLI_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "linli.throttle.client_address"


def env_rate(name: str, default: str) -> tuple[int, int]:
    """A limit written "hits/seconds" (e.g. LINLI_API_INTAKE_THROTTLE=60/600)."""
    hits, seconds = os.environ.get(name, default).split("/")
    return int(hits), int(seconds)


# Abuse limits (linli.throttle), counted in the database for every process. New requests:
# per address on the QR pages, per account on the JSON API, per key on Open311; failed
# sign-ins per address, whichever usernames are tried (axes limits each username too).
LINLI_INTAKE_THROTTLE = env_rate("LINLI_INTAKE_THROTTLE", "10/600")
LINLI_API_INTAKE_THROTTLE = env_rate("LINLI_API_INTAKE_THROTTLE", "60/600")
LINLI_OPEN311_INTAKE_THROTTLE = env_rate("LINLI_OPEN311_INTAKE_THROTTLE", "120/600")
LINLI_LOGIN_ADDRESS_THROTTLE = env_rate("LINLI_LOGIN_ADDRESS_THROTTLE", "30/900")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if not DEBUG:
    # Production: cookies only over HTTPS, HSTS, redirect to HTTPS. A deployment
    # behind a TLS-terminating proxy sets LINLI_PROXY_SSL_HEADER=1.
    SESSION_COOKIE_SECURE = env_bool("LINLI_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("LINLI_SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("LINLI_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("LINLI_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("LINLI_HSTS_PRELOAD", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    if env_bool("LINLI_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- i18n -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and media -------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Files every browser asks for at the site's root (/favicon.ico).
WHITENOISE_ROOT = BASE_DIR / "web" / "root"
# Pages link the hashed names only; compressing the originals too, and the API
# docs' large source maps, doubled the time ``linli serve`` spent collecting.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- email ------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "LINLI_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("LINLI_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("LINLI_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("LINLI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("LINLI_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("LINLI_EMAIL_TLS", False)
# Seconds to wait for the mail server, connecting and at every answer: a server that
# never answers costs the worker this long per attempt, never more.
EMAIL_TIMEOUT = float(os.environ.get("LINLI_EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("LINLI_EMAIL_FROM", "linli@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LINLI_LOG_LEVEL", "WARNING")},
}

SITE_NAME = _("Linli")

# Outgoing messages (linli.outbox): each entry is a channel class (linli.outbox.channels.Channel)
# with its own kind ("email", "sms" …). In-app notifications always work; add an SMS gateway here.
LINLI_OUTBOX_CHANNELS = env_list("LINLI_OUTBOX_CHANNELS",
                                 "linli.outbox.channels.EmailChannel,linli.outbox.channels.SmsChannel")
# SMS to residents who asked for updates (docs/cases.md "Residents hear back"): the provider
# ("log" writes to the log, for the demo; "tencent" is Tencent Cloud SMS), its account, and
# the provider's template id of each kind of message as JSON ({"resident.accepted": "1234567", …}).
LINLI_SMS_PROVIDER = os.environ.get("LINLI_SMS_PROVIDER", "log")
LINLI_SMS_TENCENT = {
    "secret_id": os.environ.get("LINLI_SMS_TENCENT_SECRET_ID", ""),
    "secret_key": os.environ.get("LINLI_SMS_TENCENT_SECRET_KEY", ""),
    "sdk_app_id": os.environ.get("LINLI_SMS_TENCENT_APP_ID", ""),
    "sign_name": os.environ.get("LINLI_SMS_SIGN_NAME", ""),
    "region": os.environ.get("LINLI_SMS_TENCENT_REGION", "ap-guangzhou"),
    "endpoint": os.environ.get("LINLI_SMS_TENCENT_ENDPOINT", "sms.tencentcloudapi.com"),
    "scheme": os.environ.get("LINLI_SMS_TENCENT_SCHEME", "https"),
    "timeout": int(os.environ.get("LINLI_SMS_TIMEOUT", "10")),
}
LINLI_SMS_TEMPLATES = json.loads(os.environ.get("LINLI_SMS_TEMPLATES", "{}"))
# No SMS between these hours (local time of LINLI_OUTBOX_QUIET_TZ) unless urgent: held until the end.
# "22-8"; "0-0" switches them off.
LINLI_OUTBOX_QUIET_HOURS = tuple(int(h) for h in os.environ.get("LINLI_OUTBOX_QUIET_HOURS", "22-8").split("-", 1))
LINLI_OUTBOX_QUIET_TZ = "Asia/Shanghai"
# A message that fails is tried again after 1, 2, 4 … minutes (at most 6 hours apart), and
# marked failed after this many attempts.
LINLI_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("LINLI_OUTBOX_MAX_ATTEMPTS", "8"))
LINLI_OUTBOX_RETRY_SECONDS = int(os.environ.get("LINLI_OUTBOX_RETRY_SECONDS", "60"))
LINLI_OUTBOX_RETRY_MAX_SECONDS = int(os.environ.get("LINLI_OUTBOX_RETRY_MAX_SECONDS", str(6 * 3600)))
# How long a worker holds a message it is sending; a worker that dies holding it
# leaves it to another after this time. Keep it well above LINLI_EMAIL_TIMEOUT.
LINLI_OUTBOX_CLAIM_SECONDS = int(os.environ.get("LINLI_OUTBOX_CLAIM_SECONDS", "300"))
# The public address, for links in e-mails (e.g. https://linli.example.org).
LINLI_SITE_URL = os.environ.get("LINLI_SITE_URL", "")

# Mutual aid: trust points 信义贝 one person may earn and redeem per day.
LINLI_POINTS_DAILY_EARN_LIMIT = int(os.environ.get("LINLI_POINTS_DAILY_EARN_LIMIT", "100"))
LINLI_POINTS_DAILY_REDEEM_LIMIT = int(os.environ.get("LINLI_POINTS_DAILY_REDEEM_LIMIT", "50"))

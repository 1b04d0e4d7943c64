"""Pressroom settings: one module, every value from the environment with a safe default."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from pressroom.env import envbool, envfloat, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(envstr("PRESSROOM_DATA_DIR", str(BASE_DIR.parent / "data"))).resolve()

DEBUG = envbool("DEBUG", False)
# The fallback key only serves tests and a look at the code; `serve`, `dispatcher`, `worker`
# and `check --deploy` refuse it unless DEBUG is on (pressroom/core/checks.py).
DEVELOPMENT_SECRET_KEY = "insecure-development-key-change-me-" + "x" * 20
SECRET_KEY_CONFIGURED = bool(envstr("SECRET_KEY"))
SECRET_KEY = envstr("SECRET_KEY") or DEVELOPMENT_SECRET_KEY
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
# In the app's layout and language, not Django's bare English page.
CSRF_FAILURE_VIEW = "pressroom.core.error_views.csrf_failure"
SITE_URL = envstr("SITE_URL", "http://localhost:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "servestatic.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "pressroom.core",
    "pressroom.orgs",
    "pressroom.audit",
    "pressroom.channels",
    "pressroom.content",
    "pressroom.publishing",
    "pressroom.sandbox",
    "pressroom.emergency",
    "pressroom.inbox",
    "pressroom.corrections",
    "pressroom.analytics",
    "pressroom.desk",
    "pressroom.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "servestatic.middleware.ServeStaticMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Vietnamese unless the person chose otherwise; the browser's languages are not asked.
    "pressroom.core.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pressroom.urls"
WSGI_APPLICATION = "pressroom.wsgi.application"
ASGI_APPLICATION = "pressroom.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pressroom.desk.notifications.unread_count",
            ],
        },
    },
]

# SQLite by default (nothing to install); PostgreSQL when DATABASE_URL says so.
DATABASE_URL = envstr("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60)
        )
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": envstr("PRESSROOM_DB_PATH") or str(DATA_DIR / "pressroom.sqlite3"),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=20000;"
                    "PRAGMA foreign_keys=ON;"
                ),
            },
            # A file, not memory: the live-server and dispatcher threads of the tests share it.
            "TEST": {"NAME": envstr("PRESSROOM_TEST_DB") or str(DATA_DIR / "test.sqlite3")},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Repeated wrong passwords lock that username from that address for a while (django-axes);
# the emergency confirmation's password counts its failures from the audit log, with the
# same limit (pressroom/emergency/two_factor.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("SIGN_IN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("SIGN_IN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "pressroom.desk.signin.locked_out"
AXES_IPWARE_PROXY_COUNT = 1 if envbool("BEHIND_PROXY", False) else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if envbool("BEHIND_PROXY", False) else ("REMOTE_ADDR",)
)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date style per language (pressroom/formats): 01/12/2026 13:25 in Vietnamese, 1 Dec 2026,
# 13:25 in English.
FORMAT_MODULE_PATH = ["pressroom.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Numbers shown grouped (figures on the dashboards) group thousands in every language: Django's
# Vietnamese formats give the separator (1.234.567) but no grouping.
NUMBER_GROUPING = 3

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# The project-wide assets (vendored CSS and htmx, pressroom.css/js) live outside any app.
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "servestatic.storage.CompressedManifestStaticFilesStorage"
            if envbool("PRESSROOM_MANIFEST_STATIC", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Images up to 8 MB, and a few of them per post.
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Reports (PDF) look here first for Liberation Serif 2 or DejaVu Serif, then in the system's
# font folders; empty: only the system's.
REPORT_FONT_DIR = envstr("REPORT_FONT_DIR")

TASKS = {
    "default": {
        "BACKEND": envstr("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Platform credentials are encrypted with these keys (comma separated, newest first).
PRESSROOM_CREDENTIAL_KEYS = envlist("PRESSROOM_CREDENTIAL_KEYS", [])
# The platforms, for connecting channels (docs/operations.md, "Connecting channels"). The app
# ids and secrets come from each platform's developer console; the addresses change only for a
# proxy or a test.
FACEBOOK_APP_ID = envstr("FACEBOOK_APP_ID")
FACEBOOK_APP_SECRET = envstr("FACEBOOK_APP_SECRET")
FACEBOOK_API_VERSION = envstr("FACEBOOK_API_VERSION", "v24.0")
FACEBOOK_GRAPH_URL = envstr("FACEBOOK_GRAPH_URL", "https://graph.facebook.com")
FACEBOOK_DIALOG_URL = envstr("FACEBOOK_DIALOG_URL", "https://www.facebook.com")
# Webhooks: Facebook signs with the app secret and checks the callback with this token; Zalo
# signs with the OA secret key of the app (its developer dashboard's "OA Secret Key").
FACEBOOK_VERIFY_TOKEN = envstr("FACEBOOK_VERIFY_TOKEN")
# The Page insights metrics read (a list of entries, pressroom/platforms/facebook/metrics.py);
# None: the built-in list. Meta retires metrics often: replace the list, not the code.
FACEBOOK_INSIGHTS_METRICS: list[dict[str, str]] | None = None
ZALO_APP_ID = envstr("ZALO_APP_ID")
ZALO_OA_SECRET_KEY = envstr("ZALO_OA_SECRET_KEY")
# Polling: channels without webhooks (Mastodon) every POLL_INTERVAL_S; the others every
# POLL_FALLBACK_S, to close any gap the webhooks left.
POLL_INTERVAL_S = envint("POLL_INTERVAL_S", 60)
POLL_FALLBACK_S = envint("POLL_FALLBACK_S", 15 * 60)
# Analytics: each channel's figures are collected every COLLECT_INTERVAL_S; a new channel's
# history is read back ANALYTICS_BACKFILL_DAYS (Facebook keeps two years), in windows of at
# most 90 days; a post's figures are followed for ANALYTICS_POST_DAYS after it was published.
COLLECT_INTERVAL_S = envint("COLLECT_INTERVAL_S", 60 * 60)
ANALYTICS_BACKFILL_DAYS = envint("ANALYTICS_BACKFILL_DAYS", 365)
ANALYTICS_POST_DAYS = envint("ANALYTICS_POST_DAYS", 30)
# The dashboards list the channels that posted fewer than this many posts a week, on average
# over the last four weeks.
ANALYTICS_CADENCE_TARGET = envint("ANALYTICS_CADENCE_TARGET", 5)
# Posts a week each channel should have planned, unless its administrator set its own: at
# least the first, at most the second (more floods the followers).
CADENCE_PER_WEEK = (envint("CADENCE_MIN_PER_WEEK", 5), envint("CADENCE_MAX_PER_WEEK", 7))
# A channel's good hours (Vietnam time) for "add to queue", unless it has its own: morning
# before work, the lunch break, the evening.
QUEUE_SLOTS = ("07:30", "11:30", "20:00")
# How often the collector keeps each channel's posts of the last whole weeks (`cadence`).
ANALYTICS_CADENCE_REFRESH_S = envint("ANALYTICS_CADENCE_REFRESH_S", 600)
# A webhook body larger than this is refused (413) unread.
INBOX_WEBHOOK_MAX_BYTES = envint("INBOX_WEBHOOK_MAX_BYTES", 1024 * 1024)
# Message texts, authors' names and webhook bodies older than this many days are deleted.
INBOX_RETENTION_DAYS = envint("INBOX_RETENTION_DAYS", 365)
ZALO_APP_SECRET = envstr("ZALO_APP_SECRET")
ZALO_OAUTH_URL = envstr("ZALO_OAUTH_URL", "https://oauth.zaloapp.com")
ZALO_API_URL = envstr("ZALO_API_URL", "https://openapi.zalo.me")
TELEGRAM_API_URL = envstr("TELEGRAM_API_URL", "https://api.telegram.org")
# Pressroom's address as the platforms' servers reach it, for images they fetch by address (a
# Zalo article's): SITE_URL unless the platforms reach it elsewhere; set empty, no image is
# served publicly. The addresses expire after this long.
PUBLIC_URL = envstr("PUBLIC_URL", SITE_URL)
PUBLIC_MEDIA_LIFETIME_S = envint("PUBLIC_MEDIA_LIFETIME_S", 30 * 24 * 3600)
# The training sandbox (the platforms' emulator), when this server offers one: its channels
# are connected through the emulator's own consent pages. The demo sets it.
SANDBOX_URL = envstr("SANDBOX_URL")
# Link previews: the page a post links to is fetched for its card (title, description,
# image), unless LINK_PREVIEWS is off (the demo, which works without the internet). Only
# public addresses on ports 80 and 443 are fetched (pressroom/core/safe_fetch.py), within
# LINK_PREVIEW_TIMEOUT_S in all and reading at most LINK_PREVIEW_MAX_BYTES; the two lists
# allow more networks (CIDR) and ports, for tests and special set-ups only.
LINK_PREVIEWS = envbool("LINK_PREVIEWS", True)
LINK_PREVIEW_TIMEOUT_S = envfloat("LINK_PREVIEW_TIMEOUT_S", 5.0)
LINK_PREVIEW_MAX_BYTES = envint("LINK_PREVIEW_MAX_BYTES", 1024 * 1024)
LINK_PREVIEW_ALLOW_NETWORKS = envlist("LINK_PREVIEW_ALLOW_NETWORKS", [])
LINK_PREVIEW_ALLOW_PORTS = [int(port) for port in envlist("LINK_PREVIEW_ALLOW_PORTS", [])]
# Hard limit on every outgoing platform call, in seconds.
PLATFORM_TIMEOUT_S = envfloat("PLATFORM_TIMEOUT_S", 15.0)
# How often an idle dispatcher asks whether anything is due (one indexed query).
DISPATCHER_POLL_S = envfloat("DISPATCHER_POLL_S", 0.1)
# Deliveries due within this many seconds are claimed and prepared early, then sent on time.
DISPATCHER_LOOKAHEAD_S = envfloat("DISPATCHER_LOOKAHEAD_S", 2.0)
# In-flight calls per platform (per dispatcher process), so one busy platform leaves room for
# the others; and per channel, so one account is never hit by parallel requests.
DISPATCHER_PLATFORM_CONCURRENCY = envint("DISPATCHER_PLATFORM_CONCURRENCY", 500)
DISPATCHER_CHANNEL_CONCURRENCY = envint("DISPATCHER_CHANNEL_CONCURRENCY", 1)
# Deliveries claimed per platform at a time: several dispatchers share a large burst.
DISPATCHER_CLAIM_CHUNK = envint("DISPATCHER_CLAIM_CHUNK", 100)
# A claim lasts this long; longer than any publish (4 times PLATFORM_TIMEOUT_S) may take.
DELIVERY_LEASE_S = envfloat("DELIVERY_LEASE_S", 180.0)
# A delivery not published this long after it was due gives up with a clear reason.
DELIVERY_DEADLINE_H = envfloat("DELIVERY_DEADLINE_H", 24.0)
DELIVERY_EMERGENCY_DEADLINE_H = envfloat("DELIVERY_EMERGENCY_DEADLINE_H", 2.0)
# The correction desk flags a citizen's message that scores at least this (0-100) against a
# false claim's phrases; a newly registered claim is matched against this many past days.
CORRECTIONS_MATCH_THRESHOLD = envfloat("CORRECTIONS_MATCH_THRESHOLD", 80.0)
CORRECTIONS_MATCH_DAYS = envint("CORRECTIONS_MATCH_DAYS", 14)

MAILERS = {
    "default": {
        # SMTP once a host is configured; until then mail is written to the console.
        "BACKEND": envstr(
            "EMAIL_BACKEND",
            "django.core.mail.backends.smtp.EmailBackend"
            if envstr("EMAIL_HOST")
            else "django.core.mail.backends.console.EmailBackend",
        ),
        "OPTIONS": {
            key: value
            for key, value in {
                "host": envstr("EMAIL_HOST"),
                "port": envint("EMAIL_PORT", 0) or None,
                "username": envstr("EMAIL_HOST_USER"),
                "password": envstr("EMAIL_HOST_PASSWORD"),
                "use_tls": envbool("EMAIL_USE_TLS", False) or None,
                "file_path": envstr("EMAIL_FILE_PATH"),
            }.items()
            if value
        },
    }
}
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "pressroom@localhost")

# Production hardening: on unless DEBUG; `check --deploy` is clean with DEBUG off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_PROXY", False) else None
)

from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "http:", "https:"],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        "httpx": {"level": "WARNING"},
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

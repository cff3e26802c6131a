"""One settings module, driven by the environment (see README: "Configuration")."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("GOVCX_VAR_DIR", Path.cwd() / "var")).resolve()

DEMO_MODE = os.environ.get("GOVCX_DEMO", "") == "1"
DEFAULT_SECRET_KEY = "govcx-insecure-development-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("GOVCX_SECRET_KEY", DEFAULT_SECRET_KEY)
# Outgoing webhooks (the proactive portal adapter): signed with this key; the portal's address, empty when none.
WEBHOOK_SECRET = os.environ.get("GOVCX_WEBHOOK_SECRET", "")
PROACTIVE_PORTAL_WEBHOOK_URL = os.environ.get("GOVCX_PROACTIVE_PORTAL_WEBHOOK_URL", "")
DEBUG = os.environ.get("GOVCX_DEBUG", "") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("GOVCX_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("GOVCX_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # its templates and static files: /api/docs serves Swagger UI from here, not from a CDN
    "govcx.accounts",
    "govcx.registry",
    "govcx.standards",
    "govcx.audit",
    "govcx.reports",
    "govcx.lab",
    "govcx.feedback",
    "govcx.complaints",
    "govcx.ops",
    "govcx.throttle",
    "govcx.jobs",
    "govcx.outbox",
    "govcx.delivery",
    "govcx.proactive",
    "govcx.training",
    # maturity
    "govcx.maturity",
    # pilots
    "govcx.pilots",
    # practices: self-assessment of management practices
    "govcx.practices",
    "django_tasks",
    "django_tasks_db",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "govcx.feedback.cors.PublicFeedbackCorsMiddleware",
    "govcx.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "govcx.middleware.RequestMemoMiddleware",
    "govcx.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into the lockout page
]

ROOT_URLCONF = "govcx.urls"
WSGI_APPLICATION = "govcx.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("GOVCX_DATABASE_URL", f"sqlite:///{VAR_DIR / 'govcx.sqlite3'}"),
        conn_max_age=int(os.environ.get("GOVCX_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL + a busy timeout let concurrent readers and one writer share the embedded database.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

AUTH_USER_MODEL = "accounts.User"
# Sign-in throttling (django-axes): failures are counted per account and, separately, per address, in the
# database; after AXES_FAILURE_LIMIT failures that account (from anywhere) or that address (for any account) is
# refused for a short cool-off, so a guesser is slowed without locking the real user out for long.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("GOVCX_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("GOVCX_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a guesser cannot keep an account locked by trying on
AXES_LOCKOUT_CALLABLE = "govcx.accounts.lockout.locked_out_response"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if os.environ.get(
    "GOVCX_TRUSTED_PROXY", "") == "1" else ["REMOTE_ADDR"]
AXES_VERBOSE = False  # lockouts are logged by govcx.accounts (logger "govcx.security"), not axes' banner
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("GOVCX_TIME_ZONE", "Europe/Moscow")
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = os.environ.get("GOVCX_STATIC_ROOT") or None  # served from the packages by WhiteNoise's finders
MEDIA_URL = "media/"
DEMO_FEEDBACK_RESPONSES = int(os.environ.get("GOVCX_DEMO_FEEDBACK_RESPONSES", "200000"))
DEMO_TRAINING_SCALE = float(os.environ.get("GOVCX_DEMO_TRAINING_SCALE", "1.0"))  # 1.0: ~31 000 people on rosters
ANALYTICS_DIR = Path(os.environ.get("GOVCX_ANALYTICS_DIR", VAR_DIR / "analytics"))
MEDIA_ROOT = Path(os.environ.get("GOVCX_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
LAB_RECORDING_MAX_BYTES = int(os.environ.get("GOVCX_LAB_RECORDING_MAX_BYTES", str(500 * 1024 * 1024)))
TRUSTED_PROXY = os.environ.get("GOVCX_TRUSTED_PROXY", "") == "1"
# Public feedback: an API token's own allowance (responses per minute, instead of the survey's per-address limit),
# and how far a public client's clock may differ from ours before its `submitted_at` is replaced by our time.
THROTTLE_INTEGRATOR_PER_MINUTE = int(os.environ.get("GOVCX_THROTTLE_INTEGRATOR_PER_MINUTE", "60000"))
FEEDBACK_CLOCK_SKEW_SECONDS = int(os.environ.get("GOVCX_FEEDBACK_CLOCK_SKEW_SECONDS", "600"))
# Service delivery: event-log files above this size are refused (GOVCX_DELIVERY_MAX_FILE_BYTES).
DELIVERY_MAX_FILE_BYTES = int(os.environ.get("GOVCX_DELIVERY_MAX_FILE_BYTES", str(1024 * 1024 * 1024)))
# Single public responses share one transaction per moment (feedback/ingest.py); 0 stores each in its request.
FEEDBACK_GROUP_COMMIT = os.environ.get("GOVCX_FEEDBACK_GROUP_COMMIT", "1") == "1"
EVIDENCE_MAX_BYTES = int(os.environ.get("GOVCX_EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))
# Internal hosts the audit browser may reach although their address is loopback/private/link-local (the
# network guard refuses those otherwise): comma-separated "host" or "host:port" (docs/audit.md).
AUDIT_ALLOWED_HOSTS = [h.strip() for h in os.environ.get("GOVCX_AUDIT_ALLOWED_HOSTS", "").split(",") if h.strip()]
# Answer deadline of complaints (59-FZ by default: 30 calendar days, extendable once by 30).
COMPLAINT_RESPONSE_DAYS = int(os.environ.get("GOVCX_COMPLAINT_RESPONSE_DAYS", "30"))
COMPLAINT_DAY_KIND = os.environ.get("GOVCX_COMPLAINT_DAY_KIND", "calendar")  # calendar | working
COMPLAINT_EXTENSION_DAYS = int(os.environ.get("GOVCX_COMPLAINT_EXTENSION_DAYS", "30"))
# The site's public address (https://govcx.example.gov), for links in e-mails the worker sends (report subscriptions)
SITE_URL = os.environ.get("GOVCX_SITE_URL", "http://localhost:8000")
# Reminders print to the console until a deployment names a real backend (e.g. ...smtp.EmailBackend).
EMAIL_BACKEND = os.environ.get("GOVCX_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("GOVCX_DEFAULT_FROM_EMAIL", "govcx@localhost")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work (docs/architecture.md, "Background work"): Django's tasks API; the database is the queue by
# default (`govcx worker` runs it; one worker on SQLite). Tests run jobs at once with the ImmediateBackend.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("GOVCX_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
JOBS_MAX_ATTEMPTS = int(os.environ.get("GOVCX_JOBS_MAX_ATTEMPTS", "3"))
# A running job whose heartbeat (beaten by its worker every few seconds) is older than this has lost its worker.
JOBS_STALE_SECONDS = int(os.environ.get("GOVCX_JOBS_STALE_SECONDS", "60"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if os.environ.get("GOVCX_HTTPS", "") == "1":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GOVCX_LOG_LEVEL", "WARNING")},
}

# --- figures that cannot mislead (standards, feedback dashboards) ---
# An assessment is graded only when at least this share of its applicable requirements is assessed.
MIN_COVERAGE_FOR_GRADE = float(os.environ.get("GOVCX_MIN_COVERAGE_FOR_GRADE", "0.8"))
# A difference of mean ratings is called higher / lower (a change, in a trend) only when significant AND at least
# this share of the rating scale's range (0.05: 0.2 points on 1–5). See docs/feedback.md.
FEEDBACK_MIN_DIFFERENCE = float(os.environ.get("GOVCX_FEEDBACK_MIN_DIFFERENCE", "0.05"))

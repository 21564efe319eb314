"""巡察通 settings: one module, driven by environment variables.

Embedded default: SQLite (WAL) under var/, background tasks inline.
Scaled: DATABASE_URL -> PostgreSQL, REDIS_URL -> Redis as Celery broker and cache.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


VAR_DIR = Path(os.environ.get("XUNCHA_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)


def _secret_from_file(name: str, nbytes: int) -> str:
    """Read a secret from var/, creating it (mode 0600) on first run."""
    path = VAR_DIR / name
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(nbytes))
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or _secret_from_file("secret_key", 32)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Reverse proxies in front of the application (addresses or networks, comma separated, e.g.
# "127.0.0.1,10.0.0.0/8"). Only a request from one of them is believed about the client's address
# (X-Forwarded-For, xuncha.core.client) and about HTTPS (X-Forwarded-Proto). Empty: no proxy is trusted.
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()]
# Other sites whose pages may call the public API from a browser (Origin header), besides SITE_URL.
PUBLIC_API_ORIGINS = [o.strip().rstrip("/") for o in os.environ.get("PUBLIC_API_ORIGINS", "").split(",") if o.strip()]
# Base URL used in generated documents (QR codes on letterbox notices).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "xuncha.accounts",
    "xuncha.audit",
    "xuncha.ops",
    "xuncha.notify",
    "xuncha.exports",
    "xuncha.inspections",
    "xuncha.intake",
    "xuncha.triage",
    "xuncha.fieldwork",
    "xuncha.surveys",
    "xuncha.rectification",
    "xuncha.aftercare",
    "xuncha.reporting",
    "xuncha.replies",
    "xuncha.dashboard",
    "xuncha.finder",
    "xuncha.todo",
    "xuncha.portal",
    "xuncha.exchange",
    "xuncha.archive",
    "xuncha.api",
    "xuncha.scheduler",
    "xuncha.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "xuncha.middleware.security_headers",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "xuncha.middleware.input_edges",
    "xuncha.accounts.middleware.totp_enrolment",
    "xuncha.accounts.middleware.password_change_required",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "xuncha.middleware.domain_errors",
    "xuncha.middleware.read_probes",
    "xuncha.middleware.form_continuity",
]

ROOT_URLCONF = "xuncha.urls"
WSGI_APPLICATION = "xuncha.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xuncha.accounts.context_processors.roles",
                "xuncha.notify.context_processors.unread_notifications",
                "xuncha.web.site",
            ],
            "builtins": ["xuncha.crumbs"],
        },
    },
]

# Database: SQLite in var/ unless DATABASE_URL is set.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("TEST_DB_NAME", "test_xuncha")
else:
    # The embedded database holds case data: only the service's own account may read it (0600; SQLite
    # creates its -wal and -shm files with the same mode).
    _sqlite = VAR_DIR / "xuncha.sqlite3"
    if not _sqlite.exists():
        _sqlite.touch(mode=0o600)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(_sqlite),
            "OPTIONS": {
                # IMMEDIATE: a writing transaction takes the lock up front, so the audit
                # chain head is read and extended by one writer at a time.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Without Redis the cache lives in the database, so that every server process shares it: rate limits
    # count one client across workers, and a calendar change reaches every worker at once.
    # (`manage.py createcachetable` makes its table; `make run` and the test runner do it.)
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "xuncha_cache"}}

# Celery: inline in the embedded deployment, Redis broker in the scaled one.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Shanghai"
# Reading attachments (OCR, text layers) after a registration commits: "celery" (a task on the queue, the
# scaled deployment), "thread" (a background thread of the process that registered it, the embedded one),
# "off" (only the scheduler's catch-up job, every minute, reads them; the tests call it themselves).
ATTACHMENT_READING = os.environ.get("ATTACHMENT_READING", "celery" if REDIS_URL else "thread")
# Triage of a new report (classification, scope, duplicate group; xuncha/triage/drain.py): "background"
# (after the response: a drain thread of each process in the embedded deployment, a debounced drain task
# with Celery; micro-batches either way), "inline" (in the registration's on-commit hook; the tests).
TRIAGE_MODE = os.environ.get("TRIAGE_MODE", "background")
# Sealing audit events into the hash chain after their transaction commits (xuncha/audit/sealing.py):
# "thread" (a background thread of the writing process, woken by the commit: both deployments, since it
# needs no queue and never waits behind a triage backlog), "celery" (a task on the queue), "inline" (in the
# writing thread right after the commit), "immediate" (in the writing transaction, the tests). The
# scheduler's audit_seal job seals what is left every minute.
AUDIT_SEALING = os.environ.get("AUDIT_SEALING", "thread")
# Background exports (xuncha/exports, issue 17): "celery" (a task on the queue, the scaled deployment),
# "thread" (a background thread of the worker that started it, the embedded one), "inline" (at once, in
# the request: the tests). A running job whose heartbeat is older than the lease is failed (its process
# died); a finished file is kept EXPORT_KEEP_HOURS, then the scheduler deletes it.
EXPORT_RUNNER = os.environ.get("EXPORT_RUNNER", "celery" if REDIS_URL else "thread")
EXPORT_LEASE_SECONDS = int(os.environ.get("EXPORT_LEASE_SECONDS", str(15 * 60)))
EXPORT_KEEP_HOURS = int(os.environ.get("EXPORT_KEEP_HOURS", "24"))
EXPORT_MAX_ACTIVE = int(os.environ.get("EXPORT_MAX_ACTIVE", "3"))
# Scheduled jobs (mail fetching, reminders, retraining, audit anchors): in the embedded deployment a
# thread in each gunicorn worker runs them, one process per job and period (xuncha/scheduler); with
# Redis, Celery beat does and the embedded scheduler stays off. EMBEDDED_SCHEDULER=0/1 overrides.
SCHEDULER_EMBEDDED = env_bool("EMBEDDED_SCHEDULER", not REDIS_URL)
SCHEDULER_TICK_SECONDS = float(os.environ.get("SCHEDULER_TICK_SECONDS", "30"))
MAIL_FETCH_INTERVAL = int(float(os.environ.get("MAIL_FETCH_INTERVAL", "300")))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "xuncha.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "xuncha.accounts.validators.CharacterClassValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Login throttling (xuncha.accounts.throttle, docs/architecture.md): nothing is locked; after N failures
# per username and address (LOGIN_MAX_FAILURES), or per address whatever the usernames
# (LOGIN_ADDRESS_FAILURES), within LOGIN_WINDOW_SECONDS, that client waits LOGIN_DELAY_SECONDS before
# its next attempt, doubling with every further failure, up to LOGIN_DELAY_MAX_SECONDS.
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_ADDRESS_FAILURES = int(os.environ.get("LOGIN_ADDRESS_FAILURES", "10"))
LOGIN_WINDOW_SECONDS = int(os.environ.get("LOGIN_WINDOW_SECONDS", str(15 * 60)))
LOGIN_DELAY_SECONDS = int(os.environ.get("LOGIN_DELAY_SECONDS", "2"))
LOGIN_DELAY_MAX_SECONDS = int(os.environ.get("LOGIN_DELAY_MAX_SECONDS", str(15 * 60)))
# Idle timeout: the session expires after this many seconds without a request.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# TOTP second factor: when required, staff without it are sent to enrol before anything else.
TOTP_REQUIRED = env_bool("TOTP_REQUIRED", False)
TOTP_ISSUER = os.environ.get("TOTP_ISSUER", "巡察通")
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "7"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded scans and evidence: readable by the service's account only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Reporter identity encryption (SM4-GCM) and receipt-code HMAC keys: a file outside the database,
# created with mode 0600 on first use. Back it up separately from the database (docs/deploy.md).
KEY_FILE = Path(os.environ.get("XUNCHA_KEY_FILE", VAR_DIR / "keys" / "identity.key"))
# The audit chain's HMAC-SM3 key: its own file in the same keys folder (backed up with the identity key),
# created at the first set-up or when an older installation starts its keyed chain (docs/deploy.md).
AUDIT_KEY_FILE = Path(os.environ.get("XUNCHA_AUDIT_KEY_FILE", KEY_FILE.parent / "audit.key"))
# Append-only anchors of the audit chain head, outside the database (manage.py audit_anchor, the scheduler).
AUDIT_ANCHOR_FILE = Path(os.environ.get("XUNCHA_AUDIT_ANCHOR_FILE", VAR_DIR / "anchors" / "audit-anchors.log"))
# Exchange between deployments (docs/exchange.md): this deployment's code and the key shared with each peer,
# in the keys folder (manage.py exchange_key); the largest package accepted.
# Unset: "exchange.key" next to KEY_FILE (resolved when used, so it follows KEY_FILE).
EXCHANGE_KEY_FILE = Path(os.environ["XUNCHA_EXCHANGE_KEY_FILE"]) if os.environ.get("XUNCHA_EXCHANGE_KEY_FILE") else None
EXCHANGE_MAX_BYTES = int(os.environ.get("XUNCHA_EXCHANGE_MAX_BYTES", str(512 * 1024 * 1024)))
# Intake: time limits and upload limits (docs/architecture.md §5 and §8).
RECEIPT_NOTICE_WORKING_DAYS = int(os.environ.get("RECEIPT_NOTICE_WORKING_DAYS", "15"))
RESULT_NOTICE_WORKING_DAYS = int(os.environ.get("RESULT_NOTICE_WORKING_DAYS", "15"))
# Triage: a referral or clue transfer is passed on within N working days of approval; receiving bodies
# report back within N months; the classifier is retrained after every N newly confirmed labels.
HANDOVER_WORKING_DAYS = int(os.environ.get("HANDOVER_WORKING_DAYS", "5"))
HANDOVER_RESULT_MONTHS = int(os.environ.get("HANDOVER_RESULT_MONTHS", "3"))
CLASSIFIER_RETRAIN_EVERY = int(os.environ.get("CLASSIFIER_RETRAIN_EVERY", "25"))
# Rectification: the target's rectification report is due N months after feedback; ledger items due
# within N working days are reminded; immediate-rectification notices default to N working days.
FEEDBACK_REPORT_MONTHS = int(os.environ.get("FEEDBACK_REPORT_MONTHS", "2"))
REMINDER_WORKING_DAYS = int(os.environ.get("REMINDER_WORKING_DAYS", "3"))
NOTICE_DEFAULT_WORKING_DAYS = int(os.environ.get("NOTICE_DEFAULT_WORKING_DAYS", "10"))
# Archive (立卷归档): the retention period of each kind of filed document (xuncha/*/archive.py kinds);
# kinds not listed get ARCHIVE_RETENTION_DEFAULT. Override as JSON in ARCHIVE_RETENTION, e.g.
# {"report_attachment": "30年"}; the values are printed as they are in the catalogue and the manifest.
ARCHIVE_RETENTION_DEFAULT = os.environ.get("ARCHIVE_RETENTION_DEFAULT", "30年")
ARCHIVE_RETENTION: dict[str, str] = {
    "announcement": "永久", "inspection_report": "永久", "special_report": "永久", "feedback": "永久", "feedback_opinion": "永久",
    "transfer_list": "永久", "referral_letter": "永久", "rectification_plan": "永久", "rectification_report": "永久",
    "assessment_report": "永久", "rectification_publication": "永久", "catalogue": "永久", "handover_list": "永久",
    "report_register": "30年", "immediate_notice": "30年", "survey_results": "30年", "rectification_ledger": "30年",
    "report_attachment": "10年", "delivered_document": "10年", "rectification_evidence": "10年",
    **json.loads(os.environ.get("ARCHIVE_RETENTION", "{}")),
}
# The rectification plan (整改方案) is due N months after feedback; a positive *_WORKING_DAYS counts the plan's
# (or the rectification report's) time limit in working days instead.
RECTIFICATION_PLAN_MONTHS = int(os.environ.get("RECTIFICATION_PLAN_MONTHS", "1"))
RECTIFICATION_PLAN_WORKING_DAYS = int(os.environ.get("RECTIFICATION_PLAN_WORKING_DAYS", "0"))
FEEDBACK_REPORT_WORKING_DAYS = int(os.environ.get("FEEDBACK_REPORT_WORKING_DAYS", "0"))
# Outgoing mail (reminders): only when EMAIL_HOST is set; otherwise reminders stay in the app.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "xuncha@localhost")
CLASSIFIER_DIR = Path(os.environ.get("CLASSIFIER_DIR", VAR_DIR / "models"))
# The real labelled corpus the classifier learns from and is measured on ("" to learn from confirmations only).
CLASSIFIER_CORPUS = os.environ.get("CLASSIFY_CORPUS", str(BASE_DIR / "tests" / "corpus" / "classify_real"))
# The office's quality page also scores the proposals against the team's confirmations of the last N weeks.
CLASSIFIER_QUALITY_WEEKS = int(os.environ.get("CLASSIFIER_QUALITY_WEEKS", "8"))
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_MB", "20")) * 1024 * 1024
ATTACHMENT_MAX_COUNT = int(os.environ.get("ATTACHMENT_MAX_COUNT", "10"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Public rate limits: "count/seconds" per client address.
RATE_LIMIT_SUBMIT = os.environ.get("RATE_LIMIT_SUBMIT", "10/3600")
RATE_LIMIT_LOOKUP = os.environ.get("RATE_LIMIT_LOOKUP", "30/600")
# Survey answers: a whole meeting room answers from behind one address (the school's NAT), so the limit is wide;
# codes and the proof of work are the real brakes.
RATE_LIMIT_SURVEY = os.environ.get("RATE_LIMIT_SURVEY", "600/600")
# Public API submissions: proof of work (xuncha.portal.challenge), leading zero bits and challenge lifetime.
# (Not switchable from the environment; only bench/minimal/settings.py turns the check off.)
PUBLIC_API_CHALLENGE = True
PUBLIC_API_POW_BITS = int(os.environ.get("PUBLIC_API_POW_BITS", "16"))
PUBLIC_API_POW_SECONDS = int(os.environ.get("PUBLIC_API_POW_SECONDS", "600"))

# Fonts for generated PDFs (a TrueType font with CJK glyphs, embedded in the PDF).
PDF_FONT_PATH = os.environ.get("PDF_FONT_PATH", "")

# A failed CSRF check on the public report form re-renders it with everything the reporter typed.
CSRF_FAILURE_VIEW = "xuncha.portal.views.csrf_failure"
# Public form: minimum seconds between rendering and submitting (a bot trap).
PORTAL_FORM_MIN_SECONDS = int(os.environ.get("PORTAL_FORM_MIN_SECONDS", "3"))

# HTTPS (docs/deploy.md): HSTS once the site is served over HTTPS only; the redirect to HTTPS is usually
# the proxy's job, so it is off by default. The proxy's X-Forwarded-Proto is believed only when
# TRUSTED_PROXIES is set (the proxy must then set the header itself, overwriting the client's).
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"hide_receipt_codes": {"()": "xuncha.logfilters.HideReceiptCodes"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["hide_receipt_codes"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

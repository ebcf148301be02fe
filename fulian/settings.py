"""Settings for fulian: one module, configured by environment variables.

Every knob a deployment turns is an environment variable named FULIAN_* (or the
conventional DATABASE_URL / REDIS_URL); the defaults give a working development site
on SQLite with no services needed.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


DEBUG = env_bool("FULIAN_DEBUG", default=True)
# A development key only; production refuses to start without FULIAN_SECRET_KEY.
SECRET_KEY = os.environ.get("FULIAN_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("FULIAN_SECRET_KEY must be set when FULIAN_DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-change-me-0123456789abcdefghijklmnop"

ALLOWED_HOSTS = os.environ.get("FULIAN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("FULIAN_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "template_partials",
    "axes",
    "fulian.core",
    "fulian.orgs",
    "fulian.accounts",
    "fulian.people",
    "fulian.workflow",
    "fulian.office",
    "fulian.notifications",
    "fulian.cases",
    "fulian.public",
    "fulian.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "fulian.accounts.middleware.PasswordExpiryMiddleware",
    "fulian.accounts.middleware.CurrentPositionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "fulian.core.middleware.AuditContextMiddleware",
    # Last, so that a lockout answers before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fulian.urls"
WSGI_APPLICATION = "fulian.wsgi.application"

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
                "fulian.core.navigation.navigation",
                "fulian.notifications.context_processors.unread_notifications",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("FULIAN_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Concurrent request threads on the embedded database wait instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "fulian.accounts.backends.PositionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Password rules. FULIAN_STRICT_PASSWORDS=1 turns on the 等保 level-3 set: at least
# 8 characters from three character classes, changed every 90 days.
STRICT_PASSWORDS = env_bool("FULIAN_STRICT_PASSWORDS", default=False)
PASSWORD_MAX_AGE_DAYS = env_int("FULIAN_PASSWORD_MAX_AGE_DAYS", 90 if STRICT_PASSWORDS else 0)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("FULIAN_PASSWORD_MIN_LENGTH", 8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if STRICT_PASSWORDS:
    AUTH_PASSWORD_VALIDATORS.append(
        {"NAME": "fulian.accounts.passwords.CharacterClassValidator", "OPTIONS": {"classes": 3}}
    )

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle timeout: the session cookie is renewed on every request and expires after
# FULIAN_SESSION_IDLE_MINUTES without one.
SESSION_COOKIE_AGE = env_int("FULIAN_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("FULIAN_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Lockout: 5 failures lock the username for FULIAN_LOCKOUT_MINUTES (at least 5).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = max(5, env_int("FULIAN_LOCKOUT_MINUTES", 15)) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
FORMAT_MODULE_PATH = ["fulian.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("FULIAN_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work: Celery on a broker when one is configured, inline otherwise.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    # Tasks run inline; the in-memory transport keeps kombu from looking for a server.
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Beat runs every job registered with fulian.notifications.periodic (reminders,
# escalation …); `manage.py run_periodic_jobs` does the same once, by hand.
CELERY_BEAT_SCHEDULE = {
    "periodic-jobs": {
        "task": "fulian.notifications.tasks.run_periodic_jobs",
        "schedule": timedelta(minutes=15),
    },
}

# Notifications (fulian/notifications/backends.py explains how an SMS provider plugs in).
FULIAN_SMS_BACKEND = os.environ.get(
    "FULIAN_SMS_BACKEND", "fulian.notifications.backends.ConsoleSmsBackend"
)
EMAIL_BACKEND = os.environ.get(
    "FULIAN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("FULIAN_DEFAULT_FROM_EMAIL", "妇联工作平台 <noreply@localhost>")
EMAIL_HOST = os.environ.get("FULIAN_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("FULIAN_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("FULIAN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("FULIAN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("FULIAN_EMAIL_TLS")
EMAIL_USE_SSL = env_bool("FULIAN_EMAIL_SSL")
EMAIL_TIMEOUT = 10  # seconds; a hung mail server must not hold a worker
# The site's address, for links in e-mails (notifications store relative links).
FULIAN_SITE_URL = os.environ.get("FULIAN_SITE_URL", "")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"token": "20/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "fulian API",
    "DESCRIPTION": "妇联工作平台接口 — the same data-scope rules as the pages.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from the installed sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models call their state field "state": each choice set gets its own name.
    "ENUM_NAME_OVERRIDES": {"ContactStateEnum": "fulian.cases.models.ContactState"},
}

# Field encryption of personal data (fulian/core/crypto.py). Keys: `openssl rand -base64 32`
# (aes-gcm) or `-base64 16` (sm4-gcm), as "id1:key1,id2:key2"; the hash key is separate and
# never rotated casually (every stored hash would have to be recomputed).
FIELD_ENCRYPTION_KEYS = os.environ.get("FULIAN_FIELD_KEYS", "")
FIELD_ENCRYPTION_ACTIVE_KEY = os.environ.get("FULIAN_FIELD_KEY_ACTIVE", "")
FIELD_ENCRYPTION_CIPHER = os.environ.get("FULIAN_FIELD_CIPHER", "aes-gcm")
FIELD_HASH_KEY = os.environ.get("FULIAN_FIELD_HASH_KEY", "")
# Development keys derived from SECRET_KEY when none are set (taken at load time, since
# test runners turn DEBUG off afterwards). Production (DEBUG off) must configure keys.
FIELD_ENCRYPTION_DEV_KEYS = DEBUG

# Audit rows are kept at least this many days (等保: six months).
AUDIT_RETENTION_DAYS = max(184, env_int("FULIAN_AUDIT_RETENTION_DAYS", 365))

DEFAULT_EXCEPTION_REPORTER_FILTER = "fulian.core.error_reports.PersonalDataFilter"
DEFAULT_EXCEPTION_REPORTER = "fulian.core.error_reports.PersonalDataReporter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FULIAN_LOG_LEVEL", "WARNING")},
}

# How many proxies of ours stand in front (nginx: 1); X-Forwarded-For is believed only that far.
FULIAN_TRUSTED_PROXIES = env_int("FULIAN_TRUSTED_PROXIES", 0)

if not DEBUG:
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Lockout is per username on purpose: a county office shares one NAT address, and an
# address lockout would lock the whole office out after one person's typos.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

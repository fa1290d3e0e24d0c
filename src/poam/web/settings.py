"""Django settings for the poam web application, all taken from the environment.

See :mod:`poam.web.config` for each variable. Defaults suit one person running ``poam serve`` on
their machine (embedded SQLite in the data directory); a deployment sets ``DATABASE_URL``,
``POAM_SECRET_KEY``, ``POAM_ALLOWED_HOSTS`` and ``POAM_HTTPS=1``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from poam.web import config

ENV = os.environ
BASE_DIR = Path(__file__).resolve().parent

DEBUG = config.flag(ENV, "POAM_DEBUG")
DATA_DIR = config.data_dir(ENV)
POAM_DEFAULT_DATA_DIR = config.default_data_dir(ENV)
"""A real installation's default directory: ``poam serve --demo`` never seeds it."""
EVIDENCE_DIR = DATA_DIR / "evidence"

_database = config.database(ENV.get("DATABASE_URL"), DATA_DIR / "poam.sqlite3")
# The data directory holds password hashes, session keys and every tenant's records: private
# (0700, files 0600) whatever the umask; an older, readable one is tightened and said so.
POAM_TIGHTENED = config.secure_data_dir(
    DATA_DIR, Path(_database.settings["NAME"]) if _database.embedded else None
)
for _line in POAM_TIGHTENED:
    sys.stderr.write(f"poam: made private: {_line}\n")
DATABASES = {
    "default": _database.settings,
    config.SNAPSHOT_READER: config.snapshot_reader(_database.settings),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SECRET_KEY = config.secret_key(ENV, DATA_DIR, debug=DEBUG, embedded=_database.embedded)
ALLOWED_HOSTS = config.allowed_hosts(ENV, debug=DEBUG)

HTTPS = config.flag(ENV, "POAM_HTTPS")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = config.csrf_trusted_origins(ALLOWED_HOSTS, https=HTTPS)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = config.flag(ENV, "POAM_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # allauth's MFA pages
    "ninja",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "poam.web.workbench",
    "poam.web.accounts",
]

MIDDLEWARE = [
    "poam.web.workbench.busy.BusyDatabaseMiddleware",  # outermost: a busy database is a 503
    "django.middleware.security.SecurityMiddleware",
    "poam.web.workbench.import_limit.ImportLimitMiddleware",  # before anything reads a file
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "poam.web.accounts.middleware.AccountSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "poam.web.workbench.middleware.SecurityHeadersMiddleware",
    "poam.web.workbench.guard.WriteGuardMiddleware",
]

ROOT_URLCONF = "poam.web.urls"
WSGI_APPLICATION = "poam.web.wsgi.application"

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
                "poam.web.workbench.context.navigation",
            ],
            "builtins": ["poam.web.workbench.templatetags.poam_tags"],
        },
    }
]

# --- authentication (poam.web.accounts; docs/web.md "Accounts and sign-in") --------------------
# argon2 first: new passwords are hashed with it, at most POAM_HASH_CONCURRENCY at once on this
# machine (accounts/hashing.py); the others only verify older hashes.
PASSWORD_HASHERS = [
    "poam.web.accounts.hashing.BoundedArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
POAM_HASH_CONCURRENCY = config.positive_int(ENV, "POAM_HASH_CONCURRENCY", 2)
POAM_HASH_WAIT = float(config.positive_int(ENV, "POAM_HASH_WAIT_MS", 2000)) / 1000
POAM_PROXY_HOPS = config.positive_int(ENV, "POAM_PROXY_HOPS", 0, minimum=0)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "poam.web.accounts.validators.GuessabilityValidator"},
]
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portfolio"
LOGOUT_REDIRECT_URL = "account_login"
# Sessions end 12 hours after sign-in, or after POAM_SESSION_IDLE_MINUTES without a request
# (default 30; NIST SP 800-63B 4.2.3), whichever comes first; and when the browser closes.
SESSION_COOKIE_AGE = 12 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
POAM_SESSION_IDLE_SECONDS = 60 * config.positive_int(ENV, "POAM_SESSION_IDLE_MINUTES", 30)

# django-allauth: sign-in by user name, no open sign-up (invitations only), password reset by
# email, MFA (TOTP, WebAuthn security keys, recovery codes).
ACCOUNT_ADAPTER = "poam.web.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # never email strangers whose address someone typed
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[poam] "
ACCOUNT_RATE_LIMITS = {
    # sign-in failures are throttled by poam's back-off, shared by every process (throttle.py)
    "login": None,
    "login_failed": None,
}
ALLAUTH_TRUSTED_PROXY_COUNT = POAM_PROXY_HOPS
MFA_ADAPTER = "poam.web.accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TOTP_ISSUER = ENV.get("POAM_MFA_ISSUER", "poam")
MFA_TOTP_TOLERANCE = 1  # one 30 s step either side for clock drift (RFC 6238 section 6)
MFA_FORMS = {
    "authenticate": "poam.web.accounts.adapter.PoamAuthenticateForm",
    "reauthenticate": "poam.web.accounts.adapter.PoamReauthenticateForm",
}

# Email (invitations, password resets, security notices): SMTP when POAM_EMAIL_HOST is set,
# else printed on the console (development). Tests use Django's in-memory outbox.
_email = config.email(ENV)
EMAIL_BACKEND = _email.backend
EMAIL_HOST = _email.host
EMAIL_PORT = _email.port
EMAIL_HOST_USER = _email.user
EMAIL_HOST_PASSWORD = _email.password
EMAIL_USE_TLS = _email.tls
EMAIL_USE_SSL = _email.ssl
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = _email.sender
SERVER_EMAIL = _email.sender
# The site's address (https://poam.example.com), for the links of emails and calendar events
# written outside a request (`poam notify`); without it they are paths only.
POAM_BASE_URL = config.base_url(ENV)

LANGUAGE_CODE = "en-us"
TIME_ZONE = ENV.get("POAM_TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

CACHES = {
    # Shared by the server processes of the machine: allauth keeps in it the TOTP codes already
    # used (no replay on another process) and its rate limits (password reset emails).
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache" / "default"),
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 20_000, "CULL_FREQUENCY": 4},
    },
}
# Loaded systems as JSON, shared by every server process: keyed by system and revision, so a
# change is never served stale (workbench/assessment.py). POAM_SNAPSHOT_CACHE=0 turns it off.
POAM_SNAPSHOT_CACHE = (
    DATA_DIR / "cache" / "snapshots"
    if config.flag(ENV, "POAM_SNAPSHOT_CACHE", default=True)
    else None
)

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Served by WhiteNoise straight from the package (no collectstatic, no separate web server).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_MAX_AGE = 3600

# Uploads: evidence files up to POAM_MAX_UPLOAD_MB (default 25 MB), streamed to disk.
POAM_MAX_UPLOAD_BYTES = int(ENV.get("POAM_MAX_UPLOAD_MB", "25")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None
# Imports: each file up to POAM_MAX_IMPORT_MB (default 10 MB), refused as it arrives
# (workbench/import_limit.py), before anything reads it.
POAM_MAX_IMPORT_BYTES = config.positive_int(ENV, "POAM_MAX_IMPORT_MB", 10) * 1024 * 1024

# "Today" for every assessment: the server's local date, unless POAM_TODAY fixes it (tests,
# demos, and what-if reviews of a past or future day).
POAM_TODAY = ENV.get("POAM_TODAY") or None
# Where the demo seed finds the sample systems (the repository's examples/ folder by default).
POAM_EXAMPLES_DIR = ENV.get("POAM_EXAMPLES_DIR") or None

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django": {"handlers": ["console"], "level": ENV.get("POAM_LOG_LEVEL", "WARNING")},
        "poam": {"handlers": ["console"], "level": ENV.get("POAM_LOG_LEVEL", "INFO")},
    },
}

"""Settings for the HMICFRS–APCC MOU portal, all read from the environment.

Every variable is listed in .env.example. With DEBUG off, SECRET_KEY,
ALLOWED_HOSTS and DATABASE_URL have no defaults: a production deployment must set them.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, SELF
from django.core.exceptions import ImproperlyConfigured

from hmicfrs_mou.env import env_bool, env_int, env_list, env_str, load_env_file

BASE_DIR = Path(__file__).resolve().parent.parent

# A development checkout keeps DEBUG=true in .env (made by `make setup`); ENV_FILE="" reads none.
_env_file = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
if _env_file:
    load_env_file(_env_file)

DEBUG = env_bool("DEBUG", False)
# The test suite runs under pytest; it needs no secrets and uses plain static storage.
TESTING = env_bool("TESTING", "pytest" in sys.modules)

if DEBUG or TESTING:
    SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-do-not-use-in-production-0123456789")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
else:
    SECRET_KEY = env_str("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "guardian",
    "django_q",
    # Sign-in: a second factor (TOTP apps, recovery codes) and lockout after failed attempts.
    "django_otp",
    "hmicfrs_mou.signin.otp_apps.AuthenticatorAppsConfig",  # django_otp.plugins.otp_totp, named in words
    "hmicfrs_mou.signin.otp_apps.RecoveryCodesConfig",  # django_otp.plugins.otp_static, named in words
    "axes",
    "hmicfrs_mou",
    # After django_otp and axes: its admin replaces theirs with audited, read-only ones.
    "hmicfrs_mou.signin",
    "contacts",
    "inspections",
    "monitoring",
    "responses",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: Accept-Language or the switch's cookie, then a signed-in person's own choice.
    "django.middleware.locale.LocaleMiddleware",
    "hmicfrs_mou.language.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: private, no-store on every response to a signed-in user.
    "hmicfrs_mou.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The second factor on the session, then idle timeout and the second-factor gate (hmicfrs_mou.signin).
    "hmicfrs_mou.signin.middleware.SecondFactorMiddleware",
    "hmicfrs_mou.signin.middleware.SignInMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Widgets (the GOV.UK date input) render from the project templates.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "hmicfrs_mou.urls"
WSGI_APPLICATION = "hmicfrs_mou.wsgi.application"

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
                "hmicfrs_mou.portals.navigation",
            ],
            # `date` with the zone named in the hour the clocks go back too (see the module); `pk_url`, a long
            # table's row links with one reverse() per table (hmicfrs_mou/templatetags/row_links.py).
            "builtins": ["hmicfrs_mou.templatetags.zone_dates", "hmicfrs_mou.templatetags.row_links"],
        },
    },
]

# PostgreSQL through DATABASE_URL (postgres://user@host:port/name), driven by psycopg 3. A development
# machine and the tests fall back to SQLite, so a fresh checkout needs no services; with DEBUG off the
# deployment names its database, rather than writing quietly to a SQLite file inside the container.
if DEBUG or TESTING:
    _database_url = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
else:
    _database_url = env_str("DATABASE_URL")
if not _database_url.strip():
    raise ImproperlyConfigured("Set the DATABASE_URL environment variable: it is empty (see .env.example).")
DATABASES = {"default": dj_database_url.parse(_database_url)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections: opening one costs more than the cheapest page (a new backend process,
    # authentication, the session settings), so each web thread and queue worker keeps its own for
    # DATABASE_CONN_MAX_AGE seconds. The health check makes the first query of a request find a
    # connection the server dropped (a restart, an idle timeout) and open another, rather than fail.
    # Not psycopg's pool: every gunicorn worker and django-q2 worker is its own process, so a pool would
    # hold one connection per thread there too; django-q2 already closes connections before it forks and
    # ages them out between tasks (close_old_connections), which is what persistent connections need.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT compiles costly plans first: ~100 ms on a grouped query of the dashboard for no gain.
    # random_page_cost: PostgreSQL's default (4) prices a page read through an index as a read from a spinning
    # disk; the portal's tables are read from memory (or an SSD), where 1.1 is the usual figure. With the
    # default, the planner read whole tables to join a few hundred rows by id: the portal search's one query,
    # at ten times the data, took 29 ms through the portal, 19 ms with 1.1 (EXPLAIN ANALYZE: 39 and 18 ms);
    # no query of the benchmarked pages took more than 0.5 ms longer. Set here, as jit is, so every
    # environment plans alike; a psql session keeps the server's own figure, and DATABASE_URL's options are
    # not read. A pooler may refuse or drop a connection's options (PgBouncer does unless told otherwise):
    # behind one, set both on the server (ALTER DATABASE ... SET) as well.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off -c random_page_cost=1.1"
    # Prepared statements: the values bound by the server, not written into the SQL by the client, so a query
    # asked again has the same text; psycopg prepares one the sixth time a connection asks it, and the server
    # then stops planning it afresh once a generic plan does as well. The pages' queries are long (a person's
    # visibility, written out), and planning them cost as much as running them (the HMI's home page at ten
    # times the data: 6.5 ms planning, 6.0 ms running). Django turns preparing off for the sake of
    # transaction-mode poolers (PgBouncer); the deployment has none (docker-compose.yml), and persistent
    # connections keep what was prepared. At ten times the data, with and without, alternately, on one database
    # (medians of 30 requests): the inspections list 37-38 to 29-30 ms, an OPCC's area 46-57 to 35-42 ms, the
    # HMI's home page 36-40 to 33 ms. DATABASE_PREPARED_STATEMENTS=false turns both off, for a pooler; a
    # migration that changes a table is followed by a restart of the web and queue processes, as a release is
    # (outside a transaction, a query prepared before it is planned again when the server refuses it:
    # hmicfrs_mou/prepared.py).
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Opening a SQLite file costs next to nothing: close it after each request unless told otherwise.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 0)
    # The web server and the task worker write to one file: wait for the lock
    # rather than fail, and let readers go on while a writer works.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "contacts.User"

AUTHENTICATION_BACKENDS = [
    # First: refuses any sign-in while the account or the address is locked out.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, loading each request's user with their permissions and unread count.
    "hmicfrs_mou.signin.backends.PortalBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# django-guardian: no anonymous user row; the public pages need no permissions.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# The NCSC's approach: length over complexity (no rules on character classes), a check against a list of
# common passwords, and no expiry. Passwords are never the only factor for the roles that must use two.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing strength is not under test; personas are made in every test.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"

# Two-factor sign-in (hmicfrs_mou/signin). Required for HMICFRS staff, the APCC and every admin (is_staff or
# superuser); offered to everyone else. Add organisation kinds (contacts.OrganisationKind values, e.g.
# "opcc", "police_force") to require it of the people appointed there too.
TWO_FACTOR_REQUIRED_ORGANISATION_KINDS = env_list(
    "TWO_FACTOR_REQUIRED_ORGANISATION_KINDS", ["hmicfrs", "apcc"]
)
OTP_TOTP_ISSUER = "HMICFRS-APCC MOU portal"
# Sessions end after this many seconds without a request (a warning shows two minutes before).
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_TIMEOUT_WARNING = env_int("SESSION_TIMEOUT_WARNING", 2 * 60)
# Lockout (django-axes): after SIGN_IN_FAILURE_LIMIT failures for an account, or from an address, further
# attempts are refused for the cool-off period. An admin can unlock sooner (audited).
AXES_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("SIGN_IN_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The same address as the audit trail's (TRUSTED_PROXY_COUNT decides whether X-Forwarded-For counts).
AXES_CLIENT_IP_CALLABLE = "hmicfrs_mou.audit.client_ip"
# Successful sign-ins are on the audit trail already.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# What is typed on the sign-in steps is never kept with a failed attempt.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "csrfmiddlewaretoken"]
# Password reset links: at most this many asked for per hour from one address or for one email address.
PASSWORD_RESET_LIMIT_PER_HOUR = env_int("PASSWORD_RESET_LIMIT_PER_HOUR", 5)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60)

# British English (its date formats: day before month) and Welsh; the catalogue is locale/cy.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / env_str("STATIC_ROOT", "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = BASE_DIR / env_str("MEDIA_ROOT", "media")

# Sessions end with the browser and after SESSION_IDLE_TIMEOUT idle (hmicfrs_mou.signin.middleware, which
# says why): the portal holds embargoed and confidential material. The stored session outlives that by a
# little, only so the next request can be told it timed out.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", SESSION_IDLE_TIMEOUT + 10 * 60)
# M8 gives no period for the APCC's letter and toolkit "on entry": the portal tracks it as due this many
# working days after the announcement.
ENGAGE_TOOLKIT_WORKING_DAYS = env_int("ENGAGE_TOOLKIT_WORKING_DAYS", 10)
# CSV exports (hmicfrs_mou/exports.py): up to this many rows stream while the reader waits (about a second
# of the reports export on a small server); a longer one is prepared by the task worker, with its progress
# shown, and kept for EXPORT_KEEP_HOURS for its person to download.
EXPORT_STREAM_ROWS = env_int("EXPORT_STREAM_ROWS", 2000)
EXPORT_KEEP_HOURS = env_int("EXPORT_KEEP_HOURS", 24)
# Uploads (hmicfrs_mou/uploads.py): the antivirus scanner, clamd, over a Unix socket (CLAMD_SOCKET) or
# TCP (CLAMD_HOST="host:port"); off when both are empty. When set, a file is refused if clamd cannot be asked.
CLAMD_SOCKET = env_str("CLAMD_SOCKET", "")
CLAMD_HOST = env_str("CLAMD_HOST", "")
CLAMD_TIMEOUT = env_int("CLAMD_TIMEOUT", 30)
UPLOAD_MAX_PAGES = env_int("UPLOAD_MAX_PAGES", 2000)
# Per-person limits (hmicfrs_mou/ratelimit.py): uploads per hour, and forms (which send notices) per 10 minutes.
UPLOAD_RATE_LIMIT = env_int("UPLOAD_RATE_LIMIT", 20)
UPLOAD_RATE_WINDOW = env_int("UPLOAD_RATE_WINDOW", 60 * 60)
FORM_RATE_LIMIT = env_int("FORM_RATE_LIMIT", 60)
FORM_RATE_WINDOW = env_int("FORM_RATE_WINDOW", 10 * 60)
# Saved when changed only: the idle clock moves at most once a minute (hmicfrs_mou/signin/middleware.py).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG and not TESTING:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading commits the whole domain to HTTPS in browsers for good: the
    # deployment decides, and the check is silenced only while it has not.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": ["'none'"],
        "base-uri": [SELF],
        "object-src": ["'none'"],
    }
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# GOV.UK Notify, with EMAIL_BACKEND=hmicfrs_mou.notify.NotifyEmailBackend.
NOTIFY_API_KEY = env_str("NOTIFY_API_KEY", "")
NOTIFY_TEMPLATE_ID = env_str("NOTIFY_TEMPLATE_ID", "")
# Links in emails and calendar feeds point here; unset, the development server `make run` starts (on PORT).
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", f"http://127.0.0.1:{env_str('PORT', '8000')}")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "MOU portal <no-reply@mou-portal.invalid>")

# django-q2. The ORM broker keeps the queue in the database so the demo needs
# no Redis; set Q_REDIS_URL to use Redis instead. timeout < retry so a slow
# task is never handed to a second worker while the first still runs it.
_q_redis = env_str("Q_REDIS_URL", "")
Q_CLUSTER = {
    "name": "hmicfrs_mou",
    "workers": env_int("Q_WORKERS", 2),
    "timeout": 120,
    "retry": 180,
    "max_attempts": 3,
    "catch_up": False,
    # Tests run tasks in-process (django-q2 reads this once, at import).
    "sync": env_bool("Q_SYNC", TESTING),
    "label": "Task queue",
    "poll": 2,
}
if _q_redis:
    Q_CLUSTER["redis"] = _q_redis
else:
    Q_CLUSTER["orm"] = "default"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs each render's steps at INFO.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        # django-axes logs every sign-in at INFO; failures and lockouts are on the audit trail.
        "axes": {"level": "WARNING"},
    },
}

# Reverse proxies in front of the portal whose X-Forwarded-For header is trusted (audit trail addresses).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Where the reference CSVs live (a copy of the compiled public facts ships with the repo).
REFERENCE_DATA_DIR = BASE_DIR / "contacts" / "reference_data"

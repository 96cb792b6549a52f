"""Settings for Työkyky: one module, driven by the environment.

The embedded default (no environment at all) is a development install: DEBUG on, SQLite
under var/, Celery tasks run in-process, e-mail to the console. Production sets
DEBUG=false, and must then give a real SECRET_KEY (or SECRET_KEY_FILE), DATABASE_URL,
REDIS_URL and ALLOWED_HOSTS; the process refuses to start on the development key.
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.oidc import load_oidc_providers, provider_origins

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_secret(name: str, default: str = "") -> str:
    """A secret from NAME, or from the file named by NAME_FILE (Docker/Kubernetes secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


DEBUG = env_bool("DEBUG", True)

DEVELOPMENT_SECRET_KEY = "django-insecure-development-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_secret("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and (
    SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        "DEBUG is off but SECRET_KEY is the development key, or shorter than 50 characters, "
        "or not random. Set SECRET_KEY (or SECRET_KEY_FILE) to a long random value."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The reverse proxies (addresses or networks, e.g. "10.0.0.2,172.16.0.0/12") whose
# X-Forwarded-For is believed: the client's address for the login lockout, the rate limits
# and the access log. Empty: REMOTE_ADDR is the client, and X-Forwarded-For is ignored.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network"
        ) from None
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

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
    "drf_spectacular",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Our apps, bottom first: the outbox and submission keys below them all, then the hub
    # and the person, then what builds on them.
    "outbox",
    "idempotency",
    "coordination",
    "clients",
    "networks",
    "serviceplans",
    "healthchecks",
    "metrics",
    "coaching",
    "people",
    "inbox",
    "voice",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "common.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A login ends after SESSION_ABSOLUTE_SECONDS; then the session's row on the person's
    # sessions page is kept current (or the session ended, if its owner ended it).
    "common.middleware.AbsoluteSessionLifetimeMiddleware",
    "coordination.sessions.SessionRecordMiddleware",
    # Control characters in parameters, NUL in forms, over-size bodies: before any view.
    "common.middleware.RequestInputMiddleware",
    "common.middleware.NoStoreMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "coordination.twofactor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication, CSRF and messages: answers a repeated submission.
    "idempotency.middleware.IdempotencyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # django-axes wants to be last: it turns a lockout raised by its backend into a page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "config.navigation.navigation",
            ],
            # {% idempotency_field %} beside every {% csrf_token %}, without a {% load %}.
            "builtins": ["idempotency.templatetags.idempotency"],
        },
    },
]

# --- Database -------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users, login and sessions --------------------------------------------------------
AUTH_USER_MODEL = "coordination.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked username-and-address pair never reaches the check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# A session ends after 30 minutes without a request: every request renews the cookie.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# ... and 12 hours after the login however busy it is (common/middleware.py): a working
# day, so nobody is logged out mid-shift, but a session left open on a shared computer or
# taken over with its cookie does not last for days.
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_HOURS", 12) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

# django-axes: five failures for the same username from the same address lock that pair
# for 15 minutes. Locking on the pair (not the username alone) keeps a stranger from
# locking a named worker out of the service.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "coordination.views.locked_out"
# The same client address as the rate limits and the access log (see TRUSTED_PROXIES).
AXES_CLIENT_IP_CALLABLE = "common.ratelimit.client_address"
AXES_VERBOSE = False
# Login attempts from one address across all usernames (a hospital's NAT can hide many
# workers behind one address, so this is generous).
LOGIN_RATE_LIMIT_PER_ADDRESS = env_int("LOGIN_RATE_LIMIT_PER_ADDRESS", 30)
LOGIN_RATE_LIMIT_WINDOW_SECONDS = env_int("LOGIN_RATE_LIMIT_WINDOW_SECONDS", 600)
# Clients' one-time links (voice): pages opened and answers sent per address in a window.
CLIENT_LINK_DAYS = env_int("CLIENT_LINK_DAYS", 14)
CLIENT_LINK_RATE_LIMIT_PER_ADDRESS = env_int("CLIENT_LINK_RATE_LIMIT_PER_ADDRESS", 60)
CLIENT_FEEDBACK_RATE_LIMIT_PER_ADDRESS = env_int("CLIENT_FEEDBACK_RATE_LIMIT_PER_ADDRESS", 10)
CLIENT_LINK_RATE_LIMIT_WINDOW_SECONDS = env_int("CLIENT_LINK_RATE_LIMIT_WINDOW_SECONDS", 3600)

# Password reset by e-mail. The link works once (it is tied to the password it replaces)
# and for two hours: long enough for a slow or greylisted e-mail to arrive and be opened,
# short enough that a link left in a mailbox, a forwarded message or a mail archive is of
# no use to whoever finds it later. Django's default is three days.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_MINUTES", 120) * 60
# Links sent to one address per window (more requests get the same answer and no e-mail,
# so that nobody can flood a mailbox), and requests from one client address (more get
# 429). Neither depends on whether the address belongs to anyone.
PASSWORD_RESET_RATE_LIMIT_PER_EMAIL = env_int("PASSWORD_RESET_RATE_LIMIT_PER_EMAIL", 3)
PASSWORD_RESET_RATE_LIMIT_PER_CLIENT = env_int("PASSWORD_RESET_RATE_LIMIT_PER_CLIENT", 20)
PASSWORD_RESET_RATE_LIMIT_WINDOW_SECONDS = env_int("PASSWORD_RESET_RATE_LIMIT_WINDOW_SECONDS", 3600)

# Two-factor login (TOTP): required for the roles that see every client of the hub or
# manage accounts; optional for everyone else. Off by default in development only.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", not DEBUG)
TWO_FACTOR_ROLES = ["coordinator", "administrator"]
OTP_TOTP_ISSUER = "Työkyky"

# Single sign-on with the organisations' identity providers (OpenID Connect, see README
# "Single sign-on"). OIDC_PROVIDERS_FILE names a JSON file (or OIDC_PROVIDERS holds the
# JSON): a list of providers, each with its issuer, client, secret file and the mapping
# of its claims to our organisations and roles. Without either, there is no SSO and the
# login page is as before.
OIDC_PROVIDERS = load_oidc_providers(env_str("OIDC_PROVIDERS"), env_str("OIDC_PROVIDERS_FILE"))
# How far the provider's clock may be from ours when its tokens' times are checked.
OIDC_CLOCK_SKEW_SECONDS = env_int("OIDC_CLOCK_SKEW_SECONDS", 60)
# How long to wait for the provider (discovery, keys, token endpoint).
OIDC_TIMEOUT_SECONDS = env_int("OIDC_TIMEOUT_SECONDS", 10)

# Temporary personal identity codes (individual number 900–999, given by some health
# and social services to people without a permanent code) are refused unless the county
# asks to record them; then they are checked like any other code.
ACCEPT_TEMPORARY_IDENTITY_CODES = env_bool("ACCEPT_TEMPORARY_IDENTITY_CODES", False)

# --- Language and time ----------------------------------------------------------------
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "tyokyky_language"
TIME_ZONE = "Europe/Helsinki"
# Dates as 28.11.2026 and times as 14.30 in Finnish and Finland-Swedish (config/formats).
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request when it is missing
MEDIA_ROOT = VAR_DIR / "media"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Generated documents (plan PDFs) --------------------------------------------------
# In PostgreSQL by default (serviceplans/storage.py): a pg_dump holds them, and the web and
# worker containers need no shared volume. DOCUMENT_STORAGE=s3 keeps them in an
# S3-compatible bucket through django-storages instead (pip install "django-storages[s3]";
# back the bucket up with the database, see README "Backup and restore").
DOCUMENT_STORAGE = env_str("DOCUMENT_STORAGE", "database")
if DOCUMENT_STORAGE == "database":
    STORAGES["documents"] = {"BACKEND": "serviceplans.storage.DatabaseStorage"}
elif DOCUMENT_STORAGE == "s3":
    STORAGES["documents"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("DOCUMENT_S3_BUCKET"),
            "endpoint_url": env_str("DOCUMENT_S3_ENDPOINT_URL") or None,
            "access_key": env_secret("DOCUMENT_S3_ACCESS_KEY"),
            "secret_key": env_secret("DOCUMENT_S3_SECRET_KEY"),
            "location": "documents",
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured(f"DOCUMENT_STORAGE must be database or s3, not {DOCUMENT_STORAGE!r}")

# --- Celery ---------------------------------------------------------------------------
# Without REDIS_URL there is no broker: tasks run in-process, at once (the embedded
# default). With it, a worker and one beat process do the work (see config/celery.py).
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True

# --- Cache: rate limits and throttles count in Redis when there is one ---------------
# Redis down must not take login or the API down: short socket timeouts, and while Redis
# is unreachable each process counts in its own memory (why: common/cache.py).
CACHE_REDIS_CONNECT_TIMEOUT_SECONDS = 0.25
CACHE_REDIS_TIMEOUT_SECONDS = 0.5
CACHES = {
    "default": (
        {
            "BACKEND": "common.cache.RedisCacheWithLocalFallback",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": CACHE_REDIS_CONNECT_TIMEOUT_SECONDS,
                "socket_timeout": CACHE_REDIS_TIMEOUT_SECONDS,
            },
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- E-mail ---------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Työkyky <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Every e-mail is a row of the outbox first (outbox/delivery.py). A failed send is tried
# again after 1, 2, 4, … minutes (at most 6 hours apart) up to OUTBOX_MAX_ATTEMPTS times,
# then shown as failed in the admin. A row left "sending" by a worker that died is sent
# again after OUTBOX_STALE_SENDING_SECONDS (well above EMAIL_TIMEOUT).
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 60)
OUTBOX_STALE_SENDING_SECONDS = env_int("OUTBOX_STALE_SENDING_SECONDS", 300)

# --- API ------------------------------------------------------------------------------
# People use the API from their verified browser session only (no person ever has a key:
# it would skip the second factor). Programs use integration credentials, which are no
# person and reach only the views that accept their scope (coordination/integrations.py).
# The credential's class comes first so that a refused key answers 401 with
# WWW-Authenticate, not 403.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "coordination.integrations.IntegrationCredentialAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["coordination.integrations.PersonOrScopedCredential"],
    "DEFAULT_PAGINATION_CLASS": "common.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "common.apierrors.exception_handler",
    # Per user and per address; a throttled request gets 429 with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": [
        "common.ratelimit.AnonRateThrottle",
        "common.ratelimit.UserRateThrottle",
        "common.ratelimit.AddressRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_RATE_ANON", "60/min"),
        "user": env_str("API_RATE_USER", "600/min"),
        "address": env_str("API_RATE_ADDRESS", "1200/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Työkyky API",
    "DESCRIPTION": "Consultations, client networks and service plans of the working-age "
    "coordination hub.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "common.municipalities.codes_as_pattern",
    ],
    # The schema maps every operation and field of client data: for logged-in people only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Several models have a `status`; name each set of choices after its model.
    "ENUM_NAME_OVERRIDES": {
        "ConsultationStatusEnum": "coordination.models.ConsultationRequest.Status",
        "NetworkStatusEnum": "networks.models.ClientNetwork.Status",
        "MeetingStatusEnum": "networks.models.NetworkMeeting.Status",
        "PlanStatusEnum": "serviceplans.models.ServicePlan.Status",
        "GoalStatusEnum": "serviceplans.models.PlanGoal.Status",
        "ActionStatusEnum": "serviceplans.models.PlanAction.Status",
        "ReferralStatusEnum": "coaching.models.Referral.Status",
        "ReferralEndReasonEnum": "coaching.models.Referral.EndReason",
        "JobEndReasonEnum": "coaching.models.JobStart.EndReason",
        "EmployerContactKindEnum": "coaching.models.EmployerContact.Kind",
        "EmployerContactOutcomeEnum": "coaching.models.EmployerContact.Outcome",
        "ConsultationOutcomeEnum": "coordination.models.ConsultationRequest.Outcome",
        "ReferralSourceEnum": "coaching.models.Referral.Source",
        "MunicipalityEnum": "common.municipalities.municipality_choices",
    },
}

# --- Forms ----------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security headers -----------------------------------------------------------------
# A strict policy: no inline scripts or styles anywhere (templates load static files).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap draws its form controls' icons with data: SVG images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF, *provider_origins(OIDC_PROVIDERS)],
        "frame-ancestors": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^workerz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# --- The hub's own rules --------------------------------------------------------------
# How many working days a consultation request may wait for its first response.
CONSULTATION_TARGET_WORKING_DAYS = env_int("CONSULTATION_TARGET_WORKING_DAYS", 5)

# Retention. Clients with no activity for this many years are anonymised
# (`manage.py purge_expired`, monthly in Celery beat). Twelve years from the end of the
# client relationship is the retention period the client-data act (703/2023, its annex
# on social-welfare client documents) sets for most social-welfare client records; the
# county's archive plan may set another, hence the setting.
CLIENT_RETENTION_YEARS = env_int("CLIENT_RETENTION_YEARS", 12)

# --- Logging: never a personal identity code in a log line ----------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

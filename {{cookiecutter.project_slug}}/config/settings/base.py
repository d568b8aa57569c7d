"""Settings shared by every environment.

Values come from the environment (``environment.py``; ``.env.example``
documents every variable). Secrets are read in ``local.py`` and
``production.py`` only, so this module never holds a default secret. The
settings of an integration chosen when the project was generated are in a
module of their own, imported here.
"""

from datetime import timedelta
from typing import Any

{% if cookiecutter.service_role == "issuer" %}from .accounts import *  # noqa: F403
{% endif %}{% if cookiecutter.token_transport == "cookie" %}from .cookie_transport import *  # noqa: F403
{% endif %}from .environment import BASE_DIR, env
{%- if cookiecutter.mfa == "totp" %}
from .mfa import *  # noqa: F403
{%- endif %}
{%- if cookiecutter.service_role == "issuer" %}
from .security_events import *  # noqa: F403
{%- endif %}
{%- if cookiecutter.__sessions == "yes" %}
from .token_sessions import *  # noqa: F403
{%- endif %}
{%- if cookiecutter.service_role == "verifier" %}
from .verifier import *  # noqa: F403
{%- endif %}

# https://docs.djangoproject.com/en/stable/ref/settings/#debug
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# https://docs.djangoproject.com/en/stable/ref/settings/#allowed-hosts
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    # First, so that its createsuperuser command replaces django.contrib.auth's.
    "{{ cookiecutter.project_slug }}.users",
    # django.contrib.admin, with password attempts throttled on its login form.
    "{{ cookiecutter.project_slug }}.throttling.apps.ThrottledAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
{%- if cookiecutter.token_transport == "cookie" %}
    "corsheaders",
{%- endif %}
    "rest_framework",
{%- if cookiecutter.use_token_blacklist %}
    "rest_framework_simplejwt.token_blacklist",
{%- endif %}
    "drf_spectacular",
    "drf_spectacular_sidecar",
{%- if cookiecutter.service_role == "issuer" %}
{%- if cookiecutter.django_version == "5.2" %}
    "django_tasks",
{%- endif %}
    "django_tasks_db",
{%- endif %}
    "{{ cookiecutter.project_slug }}.jwt_auth",
    # The role of this service, chosen when it was generated.
    "{{ cookiecutter.project_slug }}.{{ cookiecutter.service_role }}",
{%- if cookiecutter.service_role == "issuer" %}
    "{{ cookiecutter.project_slug }}.security_events",
{%- endif %}
{%- if cookiecutter.__sessions == "yes" %}
    "{{ cookiecutter.project_slug }}.token_sessions",
{%- endif %}
{%- if cookiecutter.mfa == "totp" %}
    # Two-factor login: django-otp's TOTP devices, and its static devices
    # holding recovery codes (mfa app).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "{{ cookiecutter.project_slug }}.mfa",
{%- endif %}
{%- if cookiecutter.service_role == "issuer" %}
    "{{ cookiecutter.project_slug }}.accounts",
    "{{ cookiecutter.project_slug }}.service_clients",
{%- endif %}
    "{{ cookiecutter.project_slug }}.throttling",
    "{{ cookiecutter.project_slug }}.api",
    "{{ cookiecutter.project_slug }}.database",
]

MIDDLEWARE = [
{%- if cookiecutter.token_transport == "cookie" %}
    # First, so that it answers preflight requests before anything else does.
    "corsheaders.middleware.CorsMiddleware",
{%- endif %}
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
{%- if cookiecutter.mfa == "totp" %}
    # request.user.otp_device: the admin site asks for a code (mfa/admin_site.py).
    "django_otp.middleware.OTPMiddleware",
{%- endif %}
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
# A refused CSRF check answers JSON under /api/ (config/urls.py has the others).
CSRF_FAILURE_VIEW = "{{ cookiecutter.project_slug }}.api.errors.csrf_failure"
# Where the admin is served; empty: no admin at all.
ADMIN_URL = env.str("DJANGO_ADMIN_URL", default="admin/")
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# https://docs.djangoproject.com/en/stable/ref/settings/#databases
{%- if cookiecutter.database == "postgresql" %}
DATABASES = {
    "default": env.db(
        "DATABASE_URL",
        default="postgres://postgres@127.0.0.1:5432/{{ cookiecutter.project_slug }}",
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's PostgreSQL backend, checking reused connections without a query.
    DATABASES["default"]["ENGINE"] = "{{ cookiecutter.project_slug }}.database.postgresql"
    # Give up on an unreachable server after 2 seconds (libpq's minimum) instead
    # of TCP's minutes: a request, and the readiness probe, fail fast. A
    # ?connect_timeout= in DATABASE_URL wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
{%- else %}
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
{%- endif %}
# Reuse connections between requests, and check them before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
{%- if cookiecutter.database == "sqlite" %}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend, creating the file readable by its owner only.
    DATABASES["default"]["ENGINE"] = "{{ cookiecutter.project_slug }}.database"
    # WAL lets readers work while a writer commits; IMMEDIATE transactions take
    # the write lock up front instead of failing with "database is locked",
    # waiting for it up to "timeout" seconds (database/base.py). The WAL is
    # copied into the database (two fsyncs) every 10,000 pages, not SQLite's
    # 1,000: a rotating refresh writes about 13, mostly pages written again
    # soon after, which one copy then covers.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA wal_autocheckpoint=10000;"
        ),
    }
{%- endif %}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A cache shared by every worker process: Redis when REDIS_URL is set (several
# machines), else files in the project (several processes on one machine).
# https://docs.djangoproject.com/en/stable/topics/cache/
# Redis answers within a millisecond: one that stops answering is given up on
# within half a second (redis-py waits 5 s by default), so that it cannot
# hold requests; then logins answer 503 and the per-worker caches fall back on
# the database (jwt_auth/cache.py).
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
if REDIS_URL := env.str("REDIS_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": REDIS_CACHE_OPTIONS,
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": BASE_DIR / ".cache",
            # Beyond MAX_ENTRIES (300 by default) Django drops a third of the
            # entries at random, throttling counters included.
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        },
    }

# https://docs.djangoproject.com/en/stable/topics/auth/customizing/#substituting-a-custom-user-model
AUTH_USER_MODEL = "users.User"

# Argon2id at one of OWASP's minimum costs (users/hashers.py) hashes new passwords;
# the others stay so that existing hashes still verify (and are upgraded at
# the next login). https://docs.djangoproject.com/en/stable/topics/auth/passwords/
PASSWORD_HASHERS = [
    "{{ cookiecutter.project_slug }}.users.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK: dict[str, Any] = {
{%- if cookiecutter.service_role == "verifier" %}
    # The issuer's tokens; request.user is built from their claims.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "{{ cookiecutter.project_slug }}.verifier.authentication.CachedTokenUserAuthentication",
    ],
{%- elif cookiecutter.__sessions == "yes" %}
    # simplejwt's JWTAuthentication without a database query per request,
    # refusing the tokens of ended sessions.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "{{ cookiecutter.project_slug }}.token_sessions.authentication.SessionJWTAuthentication",
    ],
{%- else %}
    # simplejwt's JWTAuthentication without a database query per request.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "{{ cookiecutter.project_slug }}.jwt_auth.authentication.CachedJWTAuthentication",
    ],
{%- endif %}
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
    ],
    # DRF's, answering a client that accepts anything without parsing its
    # headers (api/negotiation.py).
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "{{ cookiecutter.project_slug }}.api.negotiation.ContentNegotiation",
    # JSON only, as the OpenAPI schema says (any other body: 415), through a
    # parser that answers a deeply nested body with 400 instead of running
    # out of stack (api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "{{ cookiecutter.project_slug }}.api.parsers.BoundedJSONParser",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # drf-spectacular's, documenting every error answer too (api/schema.py)
    # and the roles and scopes each view needs (api/authorization_schema.py).
    "DEFAULT_SCHEMA_CLASS": "{{ cookiecutter.project_slug }}.api.authorization_schema.AuthorizationAutoSchema",
    # Brute-force protection: the rates of the throttles that the token views
    # and the admin's login name (issuer/views.py, throttling/admin_site.py),
    # counted in the shared cache; a limit hit answers 429. Other views are
    # not throttled.
    "DEFAULT_THROTTLE_RATES": {
        "token_obtain_per_client": env.str(
            "DJANGO_THROTTLE_OBTAIN_PER_CLIENT", default="20/minute"
        ),
        "token_obtain_per_username": env.str(
            "DJANGO_THROTTLE_OBTAIN_PER_USERNAME", default="30/hour"
        ),
        "token_refresh_per_client": env.str(
            "DJANGO_THROTTLE_REFRESH_PER_CLIENT", default="60/minute"
        ),
{%- if cookiecutter.mfa == "totp" %}
        # Every request to /api/token/mfa/ and /api/mfa/... (mfa/throttles.py).
        "mfa_per_client": env.str(
            "DJANGO_THROTTLE_MFA_PER_CLIENT", default="30/minute"
        ),
{%- endif %}
{%- if cookiecutter.service_role == "issuer" %}
        # /api/account/: every request per client, and those naming an
        # address per address (each may send it an email).
        "account_per_client": env.str(
            "DJANGO_THROTTLE_ACCOUNT_PER_CLIENT", default="30/hour"
        ),
        "account_per_address": env.str(
            "DJANGO_THROTTLE_ACCOUNT_PER_ADDRESS", default="5/hour"
        ),
        # The client credentials grant: per client address, per client id.
        "token_client_per_client": env.str(
            "DJANGO_THROTTLE_CLIENT_TOKEN_PER_CLIENT", default="60/minute"
        ),
        "token_client_per_client_id": env.str(
            "DJANGO_THROTTLE_CLIENT_TOKEN_PER_CLIENT_ID", default="60/minute"
        ),
{%- endif %}
    },
    # How many proxies in front of the service append the client's address to
    # X-Forwarded-For. 0: the connection's address, which clients cannot forge.
    "NUM_PROXIES": env.int("DJANGO_NUM_PROXIES", default=0),
    # Logs refused credentials and throttling, never the token itself.
    "EXCEPTION_HANDLER": "{{ cookiecutter.project_slug }}.api.exceptions.exception_handler",
}

# How long (seconds) a worker may trust a user it read for a token: a user
# deactivated, deleted or given a new password in a way that bypasses
# save()/delete() is refused by every worker within this delay (changes through
# the ORM reach every worker within about a second). 0: read it every request.
# See jwt_auth/authentication.py.
JWT_USER_CACHE_SECONDS = env.int("JWT_USER_CACHE_SECONDS", default=30)
{%- if cookiecutter.service_role == "issuer" %}

# What access tokens say of their user, computed at every obtain and refresh:
# a dotted path to a function of the user returning JSON claims ("" for none);
# the default adds "roles", the user's group names. Capped at
# JWT_CLAIMS_MAX_BYTES of JSON. See issuer/access_claims.py.
JWT_CLAIMS_HOOK = env.str(
    "JWT_CLAIMS_HOOK",
    default="{{ cookiecutter.project_slug }}.issuer.access_claims.group_roles",
)
JWT_CLAIMS_MAX_BYTES = env.int("JWT_CLAIMS_MAX_BYTES", default=2048)
{%- endif %}

# Every value here is an answer given when the project was generated.
# Signing keys are secrets: local.py and production.py add them from the
# environment. https://django-rest-framework-simplejwt.readthedocs.io/en/latest/settings.html
{%- set header_types = cookiecutter.auth_header_types.split(",") | map("trim") | list %}
SIMPLE_JWT: dict[str, Any] = {
    "ALGORITHM": "{{ cookiecutter.jwt_algorithm }}",
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes={{ cookiecutter.access_token_lifetime_minutes | int }}),
    "REFRESH_TOKEN_LIFETIME": timedelta(days={{ cookiecutter.refresh_token_lifetime_days | int }}),
    "AUTH_HEADER_TYPES": ({{ header_types | map("tojson") | join(", ") }}{{ "," if header_types | length == 1 }}),
    "ROTATE_REFRESH_TOKENS": {{ cookiecutter.rotate_refresh_tokens }},
    "BLACKLIST_AFTER_ROTATION": {{ cookiecutter.blacklist_after_rotation }},
    "UPDATE_LAST_LOGIN": {{ cookiecutter.update_last_login }},
    # RFC 9068: the user id travels in "sub", as a string, and nowhere else.
    "USER_ID_CLAIM": "sub",
    # Set from the environment: the iss and aud claims put in every token
    # and required on every verification (JWT_ISSUER, JWT_AUDIENCE).
    "ISSUER": env.str("JWT_ISSUER", default="") or None,
    "AUDIENCE": env.str("JWT_AUDIENCE", default="") or None,
{%- if cookiecutter.__sessions == "yes" %}
    # A login starts a session that every token names (token_sessions app).
    "TOKEN_OBTAIN_SERIALIZER": "{{ cookiecutter.project_slug }}.token_sessions.serializers.TokenObtainPairSerializer",
    "TOKEN_REFRESH_SERIALIZER": "{{ cookiecutter.project_slug }}.token_sessions.serializers.TokenRefreshSerializer",
    "TOKEN_VERIFY_SERIALIZER": "{{ cookiecutter.project_slug }}.token_sessions.serializers.TokenVerifySerializer",
    "TOKEN_BLACKLIST_SERIALIZER": "{{ cookiecutter.project_slug }}.token_sessions.serializers.TokenBlacklistSerializer",
{%- elif cookiecutter.service_role == "issuer" %}
    # The issuer's tokens (RFC 9068 claims, a stamp that a new password
    # changes: issuer/tokens.py), checked as every endpoint checks them.
    "TOKEN_OBTAIN_SERIALIZER": "{{ cookiecutter.project_slug }}.issuer.serializers.TokenObtainPairSerializer",
    "TOKEN_REFRESH_SERIALIZER": "{{ cookiecutter.project_slug }}.issuer.serializers.TokenRefreshSerializer",
    "TOKEN_VERIFY_SERIALIZER": "{{ cookiecutter.project_slug }}.issuer.serializers.TokenVerifySerializer",
{%- endif %}
}

# The OpenAPI schema at /api/schema/ and Swagger UI at /api/docs/, whose files
# come from drf-spectacular-sidecar and are served by this service, not a CDN.
# https://drf-spectacular.readthedocs.io/en/latest/settings.html
SPECTACULAR_SETTINGS = {
    "TITLE": "{{ cookiecutter.project_name }}",
    "DESCRIPTION": "{{ cookiecutter.description }}",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Separate request and response components (TokenObtainPairRequest in,
    # TokenObtainPair out): what generated clients need to type both sides.
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# https://docs.djangoproject.com/en/stable/topics/logging/
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # A safety net: anything shaped like a JWT is replaced before it is written.
        "redact_tokens": {
            "()": "{{ cookiecutter.project_slug }}.api.redaction.RedactTokens",
        },
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
{%- if cookiecutter.service_role == "issuer" %}
        # Security events are JSON already (security_events/events.py).
        "json_line": {"format": "%(message)s"},
{%- endif %}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_tokens"],
        },
{%- if cookiecutter.service_role == "issuer" %}
        "security_events": {
            "class": "logging.StreamHandler",
            "formatter": "json_line",
            "filters": ["redact_tokens"],
        },
{%- endif %}
    },
    "root": {
        "handlers": ["console"],
        "level": env.str("DJANGO_LOG_LEVEL", default="INFO"),
    },
    "loggers": {
        # Django's own console handler would print its records a second time.
        "django": {"handlers": [], "propagate": True},
{%- if cookiecutter.service_role == "issuer" %}
        # One JSON line per security event, for log collectors.
        "{{ cookiecutter.project_slug }}.security": {
            "handlers": ["security_events"],
            "level": "INFO",
            "propagate": False,
        },
{%- endif %}
    },
}

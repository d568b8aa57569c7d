"""Brute-force throttling of password attempts and refreshes, counted in the shared cache.

Who is counted. Every place that checks a password (``/api/token/`` and the
admin's login form) counts against the same two limits: per client address,
then per username; ``/api/token/refresh/`` counts per client address. The
views that pay for it name their throttles (``issuer/views.py``,
``throttling/admin_site.py``); every other endpoint pays nothing. The rates are
``DEFAULT_THROTTLE_RATES`` (from the ``DJANGO_THROTTLE_*`` variables); over a
limit the answer is 429 with ``Retry-After``.

Which username. The per-username counter is keyed on the value authentication
will look up, after the form's or serializer's own cleaning (surrounding
whitespace trimmed, a JSON number turned into text), normalized as the user
model normalizes usernames (NFKC) and case-folded: no spelling of a username
opens a fresh counter. The cache holds a hash of it, not what people typed.

Counting. Each throttle counts clock-aligned fixed windows (``counters.py``).
The throttles of a view run in order, client first, and stop at the first
refusal (DRF's ``check_throttles`` asks every throttle): a request already
refused counts nowhere else, so one client creates at most its own rate of
username counters per window. A window that already holds as many counters as
``counters.py`` allows refuses clients and usernames new to it (429).

When counting fails. If the shared cache cannot be reached (Redis down, the
cache folder unwritable), the token endpoints and the admin's login fail
closed: 503 with ``Retry-After`` and a JSON body, and one log line naming the
error class (never the cache URL, which may hold a password). Failing open
would turn a Redis outage, or an attacker who can cause one, into unlimited
password guessing; refusing logins for the length of an outage costs less, and
clients retry after ``Retry-After``. Access tokens keep working meanwhile.
"""

import hashlib
import logging
import unicodedata

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from redis.exceptions import RedisError
from rest_framework import exceptions, serializers
from rest_framework.fields import empty
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle
from rest_framework.views import APIView

from .counters import CountersFull, count_request

logger = logging.getLogger(__name__)

PERIODS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}
# The errors of a shared cache that cannot count: Redis, or the file system.
CACHE_ERRORS = (RedisError, OSError)
# Seconds a client is asked to wait when counting failed.
UNAVAILABLE_RETRY_AFTER = 30


def client_address(request: HttpRequest | Request) -> str:
    """Return the client's address as the throttles see it (honours NUM_PROXIES)."""
    # DRF reads only request.META, which a Django request has too; its stubs
    # ask for a DRF Request.
    return BaseThrottle().get_ident(request)  # type: ignore[arg-type]


def parse_rate(rate: object) -> tuple[int, int]:
    """Return ``(requests, seconds)`` for a rate such as ``"20/minute"``.

    The period is read from its first letter, as DRF does: ``s``, ``m``,
    ``h`` or ``d``. Raise ValueError for anything else.
    """
    number, _, period = str(rate).partition("/")
    if not number.isdigit() or period[:1] not in PERIODS:
        message = f"{rate!r} is not a rate such as '20/minute'."
        raise ValueError(message)
    return int(number), PERIODS[period[0]]


class ThrottlingUnavailable(exceptions.APIException):
    """Attempts cannot be counted: refuse them (503) rather than let them all in."""

    status_code = 503
    default_detail = _(
        "Signing in is unavailable for a moment: attempts cannot be counted. "
        "Try again later."
    )
    default_code = "throttling_unavailable"

    def __init__(self, wait: int = UNAVAILABLE_RETRY_AFTER) -> None:
        super().__init__()
        self.wait = wait  # DRF's exception handler turns it into Retry-After.


class FixedWindowThrottle(SimpleRateThrottle):
    """Allow a number of requests per clock-aligned window.

    Subclasses name a ``scope`` (its rate is ``DEFAULT_THROTTLE_RATES[scope]``)
    and how ``get_cache_key`` identifies the requester (None: do not count
    this request).
    """

    cache_format = "throttle:%(scope)s:%(ident)s"
    # SimpleRateThrottle.__init__ sets them from the rate (None without one);
    # the DRF stubs do not declare them.
    num_requests: int | None
    duration: int | None

    def get_rate(self) -> str | None:
        # DRF binds the rates when it is imported; read them now, so that
        # the settings of this process (and of a test) apply.
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope or "")
        return None if rate is None else str(rate)

    def parse_rate(self, rate: str | None) -> tuple[int | None, int | None]:
        return (None, None) if rate is None else parse_rate(rate)

    def allow_request(self, request: Request, view: APIView) -> bool:
        if self.rate is None:
            return True
        ident_key = self.get_cache_key(request, view)
        return ident_key is None or self.allow(request, ident_key)

    def allow(self, request: HttpRequest, ident_key: str) -> bool:
        """Count one request of ``ident_key``; return True while within the rate.

        Raise ThrottlingUnavailable when the shared cache cannot count.
        """
        requests, duration = self.num_requests, self.duration
        if requests is None or duration is None:  # No rate: nothing to count.
            return True
        self.now = self.timer()
        window = int(self.now // duration)
        self.window_end = (window + 1) * duration
        # The window number is part of the key: a new window starts a new counter.
        key = f"{ident_key}:{duration}:{window}"
        try:
            count = count_request(caches["default"], key, self.window_end)
        except CountersFull:
            logger.warning(
                "Throttle counters full until the window of %s ends: "
                "refusing new clients and usernames of %s %s",
                self.scope,
                request.method,
                request.path,
            )
            return False
        except CACHE_ERRORS as error:
            # The error's class, not its message, which may name the cache's URL.
            logger.error(
                "Throttling unavailable, %s %s refused with 503: %s from the cache",
                request.method,
                request.path,
                type(error).__name__,
            )
            raise ThrottlingUnavailable from error
        return count <= requests

    def wait(self) -> float:
        return self.window_end - self.now

    def client_key(self, request: HttpRequest) -> str:
        """Return the cache key that counts requests from the client's address.

        The address is the connection's, unless ``NUM_PROXIES`` says how many
        proxies in front of the service append to ``X-Forwarded-For``.
        """
        return self.cache_format % {
            "scope": self.scope,
            # DRF reads only request.META, which a Django request has too;
            # its stubs ask for a DRF Request.
            "ident": self.get_ident(request),  # type: ignore[arg-type]
        }


class LoginPerClientThrottle(FixedWindowThrottle):
    """Password attempts from one client address."""

    scope = "token_obtain_per_client"

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.client_key(request)


class LoginPerUsernameThrottle(FixedWindowThrottle):
    """Password attempts for one username, from any address."""

    scope = "token_obtain_per_username"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        """Return the key of the username the view's serializer will authenticate.

        The serializer's own field cleans it, exactly as authentication will
        receive it. None when the field refuses it: the serializer answers 400
        without checking a password.
        """
        serializer = view.get_serializer() if isinstance(view, GenericAPIView) else None
        if not isinstance(serializer, serializers.Serializer):
            message = f"{type(self).__name__} needs a view with a serializer."
            raise TypeError(message)
        name = get_user_model().USERNAME_FIELD
        field = serializer.fields.get(name)
        if field is None:
            return None
        data = request.data
        value = data.get(name, empty) if hasattr(data, "get") else empty
        try:
            username = field.run_validation(value)
        except serializers.ValidationError:
            return None
        return self.username_key(username)

    def username_key(self, username: str) -> str:
        """Return the cache key of ``username``, the same for every spelling of it."""
        digest = hashlib.sha256(
            canonical_username(username).encode("utf-8", "surrogatepass")
        ).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest}


def canonical_username(username: str) -> str:
    """Return ``username`` normalized as the user model does (NFKC), case-folded.

    Case folding can leave a string that NFKC changes again: normalize last.
    """
    normalized = get_user_model().normalize_username(str(username))
    return unicodedata.normalize("NFKC", normalized.casefold())


class RefreshPerClientThrottle(FixedWindowThrottle):
    """Refreshes from one client address."""

    scope = "token_refresh_per_client"

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.client_key(request)


def first_refusal(
    throttles: list[BaseThrottle], request: Request, view: APIView
) -> BaseThrottle | None:
    """Return the first of ``throttles`` that refuses the request, or None.

    The throttles after a refusal are not asked, so they count nothing.
    """
    for throttle in throttles:
        if not throttle.allow_request(request, view):
            return throttle
    return None


def check_password_attempt(request: HttpRequest, username: str | None) -> None:
    """Count a password attempt checked outside DRF against the token endpoint's limits.

    ``username`` is the cleaned value authentication will receive (None when
    the form has none). Raise Throttled when a limit is exceeded, or
    ThrottlingUnavailable when the shared cache cannot count.
    """
    by_client, by_username = LoginPerClientThrottle(), LoginPerUsernameThrottle()
    keys: list[tuple[FixedWindowThrottle, str]] = [
        (by_client, by_client.client_key(request))
    ]
    if username:
        keys.append((by_username, by_username.username_key(username)))
    for throttle, key in keys:
        if throttle.rate is not None and not throttle.allow(request, key):
            raise exceptions.Throttled(throttle.wait())

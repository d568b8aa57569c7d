"""Brute-force throttling of password attempts and refreshes, counted in the shared cache.

Who is counted. Every place that checks a password (``/api/token/``, the
admin's login and password change forms) counts against the same two limits:
per client address, then per username; ``/api/token/refresh/`` counts per
client address. The views that pay for it name their throttles
(``issuer/views.py``, ``throttling/admin_site.py``); every other endpoint pays
nothing. The rates are ``DEFAULT_THROTTLE_RATES`` (from the
``DJANGO_THROTTLE_*`` variables); over a limit the answer is 429 with
``Retry-After``.

Which username. The per-username counter is keyed on the value authentication
will look up, after the form's or serializer's own cleaning (surrounding
whitespace trimmed, a JSON number turned into text), normalized as the user
model normalizes usernames (NFKC) and case-folded: no spelling of a username
opens a fresh counter. The cache holds a hash of it, not what people typed.

Counting. Each throttle counts fixed windows (``counters.py``), shifted per
client and per username so that they do not all end at the same moment.
The throttles of a view run in order, client first, and stop at the first
refusal (DRF's ``check_throttles`` asks every throttle): a request already
refused counts nowhere else, so one client creates at most its own rate of
username counters per window. Only requests that cost something count: a
login with a username and a password, a refresh with a token this service
signed; the others are answered at once and open no counter, so filling a
window takes a password check or a real token per counter, each from an
address (an IPv6 /64) of its own. A window that already holds as many
counters as ``counters.py`` allows refuses clients and usernames new to it
(429).

When counting fails. If the shared cache cannot be reached (Redis down, the
cache folder unwritable), the token endpoints and the admin's login fail
closed: 503 with ``Retry-After`` and a JSON body, and one log line naming the
error class (never the cache URL, which may hold a password). Failing open
would turn a Redis outage, or an attacker who can cause one, into unlimited
password guessing; refusing logins for the length of an outage costs less, and
clients retry after ``Retry-After``. Access tokens keep working meanwhile.
"""

import hashlib
import ipaddress
import logging
import math
import unicodedata
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers
from rest_framework.fields import empty
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenBackendError

from {{ cookiecutter.project_slug }}.jwt_auth.backends import token_backend

from .counters import CountersFull, count_request
from .devices import trusted_device

logger = logging.getLogger(__name__)

PERIODS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}
# Seconds a client is asked to wait when counting failed.
UNAVAILABLE_RETRY_AFTER = 30


def cache_errors() -> tuple[type[Exception], ...]:
    """Return the errors of a shared cache that cannot count: Redis, or the file system.

    Called once counting has failed: redis-py is imported then rather than
    with this module, as importing it is a noticeable part of every start
    (each manage.py command, worker and test run), and only a Redis cache,
    which has imported it already, raises its errors.
    """
    from redis.exceptions import RedisError  # noqa: PLC0415

    return (RedisError, OSError)


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
        # Each key's windows are shifted by an offset of its own, so that the
        # counters of every client and username do not all start again at the
        # same moment (the top of the hour), when all guessers could burst.
        offset = window_offset(ident_key, duration)
        window = int((self.now + offset) // duration)
        self.window_end = (window + 1) * duration - offset
        # The window number is part of the key: a new window starts a new counter.
        key = f"{ident_key}:{duration}:{window}"
        # Stored with the counters of the clock-aligned window it ends in.
        stored_until = math.ceil(self.window_end / duration) * duration
        try:
            count = count_request(
                caches["default"], key, self.window_end, stored_until=stored_until
            )
        except CountersFull:
            logger.warning(
                "Throttle counters full until the window of %s ends: "
                "refusing new clients and usernames of %s %s",
                self.scope,
                request.method,
                request.path,
            )
            return False
        except cache_errors() as error:
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
        proxies in front of the service append to ``X-Forwarded-For``. An IPv6
        address counts by its /64 network: one subscriber gets a whole /64
        (RFC 6177), so counting single addresses would give it 2**64 budgets.
        """
        return self.cache_format % {
            "scope": self.scope,
            # DRF reads only request.META, which a Django request has too;
            # its stubs ask for a DRF Request.
            "ident": client_network(self.get_ident(request)),  # type: ignore[arg-type]
        }


def window_offset(ident_key: str, duration: int) -> int:
    """Return how many seconds the windows of ``ident_key`` are shifted (0 to duration-1)."""
    digest = hashlib.sha256(ident_key.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") % duration


def client_network(address: str | None) -> str:
    """Return ``address``, or the /64 network of an IPv6 address."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address or ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def view_serializer(view: APIView, **kwargs: Any) -> serializers.Serializer:
    """Return the serializer of ``view``; raise TypeError if it has none."""
    serializer = (
        view.get_serializer(**kwargs) if isinstance(view, GenericAPIView) else None
    )
    if not isinstance(serializer, serializers.Serializer):
        message = f"{type(view).__name__} has no serializer to throttle by."
        raise TypeError(message)
    return serializer


def validated_field(view: APIView, request: Request, name: str) -> object:
    """Return the body's value of the serializer field ``name``, cleaned; None if refused.

    The serializer's own field cleans it, exactly as the view will receive it.
    """
    field = view_serializer(view).fields.get(name)
    if field is None:
        return None
    data = request.data
    value = data.get(name, empty) if hasattr(data, "get") else empty
    try:
        return field.run_validation(value)
    except serializers.ValidationError:
        return None


class LoginPerClientThrottle(FixedWindowThrottle):
    """Password attempts from one client address.

    Only requests that will check a password count: a body without a username
    and a password is answered 400 at no cost, and counting it would let
    anybody fill the window's counters from many addresses (``counters.py``).
    """

    scope = "token_obtain_per_client"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        username = validated_field(view, request, get_user_model().USERNAME_FIELD)
        if not username or not validated_field(view, request, "password"):
            return None
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
        username = validated_field(view, request, get_user_model().USERNAME_FIELD)
        if not isinstance(username, str):
            return None
        return self.username_key(username, request)

    def username_key(self, username: str, request: HttpRequest) -> str:
        """Return the cache key of ``username``, the same for every spelling of it.

        A client with a device cookie of this user counts on a key of its own
        (``devices.py``); every other client shares the username's.
        """
        digest = username_digest(username)
        device = trusted_device(request, digest)
        ident = digest if device is None else f"{digest}:device:{device}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


def username_digest(username: str) -> str:
    """Return a hash of ``username``, the same for every spelling of it."""
    return hashlib.sha256(
        canonical_username(username).encode("utf-8", "surrogatepass")
    ).hexdigest()


def canonical_username(username: str) -> str:
    """Return ``username`` normalized as the user model does (NFKC), case-folded.

    Case folding can leave a string that NFKC changes again: normalize last.
    """
    normalized = get_user_model().normalize_username(str(username))
    return unicodedata.normalize("NFKC", normalized.casefold())


# The request attribute holding the refresh token the throttle decoded, and its payload.
DECODED_REFRESH = "decoded_refresh"


class RefreshPerClientThrottle(FixedWindowThrottle):
    """Refreshes from one client address.

    Only a token this service signed counts: any other is refused after a
    signature check, at no cost, and counting it would let anybody fill the
    window's counters from many addresses (``counters.py``).
    """

    scope = "token_refresh_per_client"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        # The view's serializer takes the token from the body or the cookie;
        # a body that cannot be parsed, or no cookie, is answered from here.
        data = view_serializer(view, data=request.data).initial_data
        token = data.get("refresh") if hasattr(data, "get") else None
        if not isinstance(token, str):
            return None
        try:
            payload = token_backend().decode(token)
        except (TokenBackendError, ValueError):  # ValueError: a lone surrogate.
            return None
        # The view's serializer takes it from here instead of decoding the
        # token again (issuer/serializers.py).
        setattr(request, DECODED_REFRESH, (token, payload))
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
        keys.append((by_username, by_username.username_key(username, request)))
    for throttle, key in keys:
        if throttle.rate is not None and not throttle.allow(request, key):
            raise exceptions.Throttled(throttle.wait())

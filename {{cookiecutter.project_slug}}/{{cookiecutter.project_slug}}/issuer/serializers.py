"""Token serializers that close the gaps of simplejwt's own.

simplejwt 5.5.1's refresh serializer answers 500 for a deleted user, ignores a
password change, and lets concurrent requests rotate the same refresh token
more than once; its logout lets a refresh of the same token succeed at the
same moment; its verify accepts the tokens of deleted, deactivated and
re-passworded users. These classes keep its behaviour otherwise.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any, cast

from django.apps import apps
from django.contrib.auth.models import update_last_login
from django.db import IntegrityError, connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field
from django.db.models.options import Options
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
{%- if cookiecutter.account_signup == "open" and cookiecutter.email_verification == "mandatory" %}
from rest_framework.exceptions import PermissionDenied
{%- endif %}
from rest_framework.validators import ProhibitSurrogateCharactersValidator
from rest_framework_simplejwt import serializers as simplejwt_serializers
from rest_framework_simplejwt.exceptions import AuthenticationFailed, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)
from rest_framework_simplejwt.tokens import Token
from rest_framework_simplejwt.utils import datetime_from_epoch

from {{ cookiecutter.project_slug }}.jwt_auth import password_stamp
from {{ cookiecutter.project_slug }}.jwt_auth.authentication import (
    CachedJWTAuthentication,
)
from {{ cookiecutter.project_slug }}.jwt_auth.cache import copy_token, read_user
{%- if cookiecutter.mfa == "totp" %}
from {{ cookiecutter.project_slug }}.mfa.login import second_step
{%- endif %}
from {{ cookiecutter.project_slug }}.throttling.throttles import (
    DECODED_REFRESH,
)
from {{ cookiecutter.project_slug }}.users.models import User

from .access_claims import access_claims
from .login_signals import send_logged_in
from .tokens import AccessToken, RefreshToken

BLACKLIST_APP = "rest_framework_simplejwt.token_blacklist"


def blacklist_is_installed() -> bool:
    """Return True when simplejwt's token blacklist app is installed."""
    return apps.is_installed(BLACKLIST_APP)


def claim_refresh_token(refresh: RefreshToken) -> bool:
    """Blacklist ``refresh`` and return True if this call was the one that did it.

    The database's unique constraint on the blacklist entry makes the claim
    atomic across threads, processes and machines: of several concurrent
    requests carrying the same token, exactly one gets True. Rotation (with
    ``BLACKLIST_AFTER_ROTATION``) and logout both claim, so of any mix of
    concurrent refreshes and logouts of one token exactly one succeeds.
    Inside the caller's transaction, if any: a refused claim leaves it usable.
    """
    jti = refresh[api_settings.JTI_CLAIM]
    if blacklist_outstanding_token(jti):
        return True
    if OutstandingToken._default_manager.filter(jti=jti).exists():
        return False  # Blacklisted already.
    # A token issued before the blacklist was installed has no outstanding
    # entry yet: record it, then blacklist it.
    try:
        with savepoint_in_transaction():
            outstanding, _created = OutstandingToken._default_manager.get_or_create(
                jti=jti,
                defaults={
                    "user_id": refresh.get(api_settings.USER_ID_CLAIM),
                    "token": str(refresh),
                    "created_at": refresh.current_time,
                    "expires_at": datetime_from_epoch(refresh["exp"]),
                },
            )
            BlacklistedToken._default_manager.create(token=outstanding)
    except IntegrityError:
        return False
    return True


def blacklist_outstanding_token(jti: str) -> bool:
    """Blacklist the outstanding token ``jti`` in one statement; return True if this did it.

    One INSERT ... SELECT instead of a SELECT and an INSERT, and ON CONFLICT
    DO NOTHING instead of an error (an error would need a savepoint, two
    more statements, to keep a transaction usable). False when the token is
    blacklisted already or has no outstanding entry.
    """
    connection = connections[router.db_for_write(BlacklistedToken)]
    with connection.cursor() as cursor:
        cursor.execute(statement(connection, blacklist_insert), [timezone.now(), jti])
        return cursor.rowcount == 1


def blacklist_insert(connection: BaseDatabaseWrapper) -> str:
    """Return the INSERT ... SELECT of ``blacklist_outstanding_token`` for ``connection``."""
    quote = connection.ops.quote_name
    blacklisted, outstanding = BlacklistedToken._meta, OutstandingToken._meta
    # Only quoted identifiers are formatted in; the values are parameters.
    # SQLite needs the WHERE to read ON CONFLICT as the INSERT's.
    return (
        f"INSERT INTO {quote(blacklisted.db_table)} "  # noqa: S608
        f"({quote(column(blacklisted, 'token'))}, "
        f"{quote(column(blacklisted, 'blacklisted_at'))}) "
        f"SELECT {quote(column(outstanding, outstanding.pk.name))}, %s "
        f"FROM {quote(outstanding.db_table)} "
        f"WHERE {quote(column(outstanding, 'jti'))} = %s "
        "ON CONFLICT DO NOTHING"
    )


def column(meta: Options, name: str) -> str:
    """Return the database column of the model field ``name``."""
    # field_of refuses a field without a column.
    return cast("str", field_of(meta, name).column)


def savepoint_in_transaction() -> AbstractContextManager:
    """Return a savepoint inside the caller's transaction, else nothing.

    The savepoint keeps a caller's transaction usable after a refused INSERT.
    Outside a transaction each INSERT commits on its own, on purpose: SQLite
    lets one writer in at a time and makes the others sleep, so its write
    lock must be held for one statement, not for the Python around it.
    """
    if transaction.get_connection().in_atomic_block:
        return transaction.atomic()
    return nullcontext()


def renewed(refresh: RefreshToken) -> RefreshToken:
    """Return a new token made from ``refresh`` (new id, lifetime and issue time)."""
    token = cast("RefreshToken", copy_token(refresh))
    token.set_jti()
    token.set_exp()
    token.set_iat()
    return token


def record_outstanding(refresh: Token, user: User, signed: str) -> None:
    """Record ``refresh``, signed as ``signed``, as ``user``'s, when the blacklist is on.

    simplejwt's ``RefreshToken.outstand()`` would read the user again first.
    A user deleted meanwhile fails the foreign key (IntegrityError) when the
    transaction commits. Written out once, not built by the ORM at every
    login and rotation: compiling the INSERT cost more than running it.
    """
    if not blacklist_is_installed():
        return
    connection = connections[router.db_for_write(OutstandingToken)]
    values = {
        "user": user.pk,
        "jti": refresh[api_settings.JTI_CLAIM],
        "token": signed,
        "created_at": refresh.current_time,
        "expires_at": datetime_from_epoch(refresh["exp"]),
    }
    with connection.cursor() as cursor:
        cursor.execute(
            statement(connection, outstanding_insert),
            prepared(OutstandingToken._meta, values, connection),
        )


def outstanding_insert(connection: BaseDatabaseWrapper) -> str:
    """Return the INSERT of ``record_outstanding`` for ``connection``'s database."""
    quote = connection.ops.quote_name
    meta = OutstandingToken._meta
    names = ("user", "jti", "token", "created_at", "expires_at")
    columns = ", ".join(quote(column(meta, name)) for name in names)
    # Only quoted identifiers are formatted in; the values are parameters.
    return (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(names))})"
    )


# The SQL this service writes out itself, by builder and database vendor.
STATEMENTS: dict[tuple[Callable[[BaseDatabaseWrapper], str], str], str] = {}


def statement(
    connection: BaseDatabaseWrapper, build: Callable[[BaseDatabaseWrapper], str]
) -> str:
    """Return the SQL ``build`` makes for ``connection``, built once per database vendor."""
    key = (build, connection.vendor)
    sql = STATEMENTS.get(key)
    if sql is None:
        sql = STATEMENTS[key] = build(connection)
    return sql


def prepared(
    meta: Options, values: dict[str, Any], connection: BaseDatabaseWrapper
) -> list[Any]:
    """Return ``values`` (by field name) as ``connection`` stores them, in order."""
    return [
        field_of(meta, name).get_db_prep_save(value, connection)
        for name, value in values.items()
    ]


def field_of(meta: Options, name: str) -> Field:
    """Return the model field ``name``, stored in a column."""
    field = meta.get_field(name)
    if not isinstance(field, Field) or field.column is None:
        message = f"{meta.label}.{name} is not stored in a column."
        raise LookupError(message)
    return field


def token_of(
    token_class: type[RefreshToken], raw: str, request: object
) -> RefreshToken:
    """Return the refresh token ``raw``, decoded once per request.

    The refresh throttle has decoded it already, when ``request`` went
    through it (``RefreshPerClientThrottle``).
    """
    decoded = getattr(request, DECODED_REFRESH, None)
    if decoded is not None and decoded[0] == raw:
        return token_class.decoded(raw, decoded[1])
    # simplejwt annotates the token as a Token; it takes the encoded one.
    return token_class(raw)  # type: ignore[arg-type]


class ClaimedRefreshToken(RefreshToken):
    """A refresh token that ``claim_refresh_token`` will blacklist.

    The claim itself refuses a blacklisted token, atomically, so the separate
    blacklist query of simplejwt's ``verify()`` is skipped.
    """

    def verify(self, *args: object, **kwargs: object) -> None:
        Token.verify(self, *args, **kwargs)


{% if cookiecutter.account_signup == "open" and cookiecutter.email_verification == "mandatory" -%}
class EmailNotVerified(PermissionDenied):
    """The password is right, but the address has not been confirmed yet."""

    default_detail = _("Confirm your email address before logging in.")
    default_code = "email_not_verified"

    def __init__(self) -> None:
        # "code" in the body, as simplejwt's refusals carry it.
        super().__init__({"detail": self.default_detail, "code": self.default_code})


{% endif -%}
def access_token_of(refresh: RefreshToken, claims: dict[str, Any]) -> str:
    """Return the signed access token of ``refresh``, with the hook's ``claims``.

    The claims go in the access token only (``access_claims.py``).
    """
    access = refresh.access_token
    access.payload.update(claims)
    return str(access)


class TokenObtainPairSerializer(simplejwt_serializers.TokenObtainPairSerializer):
    """Obtain the issuer's token pair (``tokens.py``) for a {% if cookiecutter.account_signup == "open" and cookiecutter.email_verification == "mandatory" %}confirmed address{% else %}username{% endif %} and password.

    A login sends Django's ``user_logged_in`` (``login_signals.py``), once the
    tokens are issued.
    """

    token_class = RefreshToken

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Return the token pair, its access token with the claims of ``JWT_CLAIMS_HOOK``.

        simplejwt's steps, with the claims computed before anything is
        issued: a failing hook leaves no token, no session, no record.
{%- if cookiecutter.mfa == "totp" %}
        A user with a TOTP device, and staff without one while
        ``MFA_REQUIRED_FOR_STAFF`` holds, get an mfa_token instead
        (``mfa/login.py``).
{%- endif %}
        """
        simplejwt_serializers.TokenObtainSerializer.validate(self, attrs)
        user = self.user
        if user is None:  # USER_AUTHENTICATION_RULE refused it already.
            raise AuthenticationFailed(str(self.error_messages["no_active_account"]))
{%- if cookiecutter.account_signup == "open" and cookiecutter.email_verification == "mandatory" %}
        # The address is checked after the password and before any token,
        # session or login signal.
        if not user.email_verified:
            raise EmailNotVerified
{%- endif %}
{%- if cookiecutter.mfa == "totp" %}
        challenge = second_step(user, self.context.get("request"))
        if challenge is not None:
            return challenge
{%- endif %}
        return self.token_pair(user)

    def token_pair(self, user: User) -> dict[str, Any]:
        """Return the tokens of ``user``, whose login is complete; announce the login."""
        claims = access_claims(user)
        # One transaction, one commit: the token's records, last_login and
        # what the login's receivers write (the security event).
        with transaction.atomic():
            refresh = cast("RefreshToken", self.get_token(user))
            data = {"refresh": str(refresh), "access": access_token_of(refresh, claims)}
            if api_settings.UPDATE_LAST_LOGIN:
                # Django passes the sender as the first argument; it is unused.
                update_last_login(type(user), user)
            send_logged_in(self)
        return data


class ProhibitSurrogates(ProhibitSurrogateCharactersValidator):
    """DRF's refusal of surrogate characters, skipped for ASCII text.

    DRF looks at each character in Python, about 15 µs for a refresh token;
    ``str.isascii()`` answers for the whole of an encoded token in C first.
    """

    def __call__(self, value: object) -> None:
        if not str(value).isascii():
            super().__call__(value)


class EncodedTokenField(serializers.CharField):
    """A ``CharField`` for an encoded token (base64url text), validated as DRF does."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [
            ProhibitSurrogates()
            if type(validator) is ProhibitSurrogateCharactersValidator
            else validator
            for validator in self.validators
        ]


class TokenRefreshSerializer(simplejwt_serializers.TokenRefreshSerializer):
    """Refresh that refuses deleted, inactive and re-passworded users with 401."""

    refresh = EncodedTokenField()
    token_class = RefreshToken
    # The claims of the access tokens this refresh answers (set by validate).
    claims: dict[str, Any]

    default_error_messages = {
        "no_active_account": _("No active account found for the given token."),
        "password_changed": _("The user's password has been changed."),
        "already_rotated": _("Token is blacklisted"),
    }

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        claim = (
            api_settings.ROTATE_REFRESH_TOKENS
            and api_settings.BLACKLIST_AFTER_ROTATION
            and blacklist_is_installed()
        )
        refresh = self.read_token(attrs["refresh"], claimed=claim)
        user = self.check_user(refresh)
        # Computed again at every refresh, before the refresh token is used up.
        self.claims = access_claims(user)

        data = {"access": access_token_of(refresh, self.claims)}
        if api_settings.ROTATE_REFRESH_TOKENS:
            rotated = self.rotate(refresh, user, claim=claim)
            if rotated is None:
                return self.used_up(refresh)
            data["refresh"] = rotated
        return data

    def read_token(self, raw: str, *, claimed: bool) -> RefreshToken:
        """Return the refresh token ``raw``, checked as simplejwt checks it.

        A token that rotation will claim skips the blacklist query: the claim
        refuses a blacklisted token itself.
        """
        return token_of(
            ClaimedRefreshToken if claimed else self.token_class,
            raw,
            self.context.get("request"),
        )

    def rotate(self, refresh: RefreshToken, user: User, *, claim: bool) -> str | None:
        """Return the signed refresh token that replaces ``refresh``; record the rotation.

        None when ``claim`` is on and another request used ``refresh`` up.

        The new token is signed first; then the claim of the old one, the
        record of the new one and ``rotated`` are one transaction, one commit
        (one WAL write on SQLite, one flush on PostgreSQL), where each used
        to commit on its own. A refusal inside it leaves nothing written.
        """
        rotated = renewed(refresh)
        signed = str(rotated)
        if not blacklist_is_installed():
            return signed  # Nothing to record.
        try:
            if claim and self.rotated_at_once(refresh, rotated, signed):
                return signed
            with transaction.atomic():
                claimed = not claim or claim_refresh_token(refresh)
                if claimed:
                    record_outstanding(rotated, user, signed)
                    self.rotated(refresh[api_settings.JTI_CLAIM], rotated)
        except IntegrityError:
            # The user was deleted after check_user read them: their new
            # token's record cannot point to them.
            raise self.refused("no_active_account") from None
        return signed if claimed else None

    def rotated_at_once(
        self, presented: RefreshToken, rotated: RefreshToken, signed: str
    ) -> bool:
        """Claim ``presented`` and record ``rotated`` in one statement, if the database can.

        True when it did it all; False when it wrote nothing, and the
        rotation takes its transaction.
        """
        return False

    def used_up(self, refresh: RefreshToken) -> dict[str, str]:
        """Answer a refresh token that was already rotated or logged out."""
        # The answer simplejwt gives to a blacklisted token.
        raise TokenError(self.error_messages["already_rotated"])

    def rotated(self, presented: str, refresh: RefreshToken) -> None:
        """Called inside the rotation's transaction: ``presented`` was rotated into ``refresh``."""

    def check_user(self, refresh: Token) -> User:
        """Return the token's user; raise 401 unless it exists, is active and kept the password.

        The user may come from this worker's cache of users, like the one
        access tokens use; a refusal is always confirmed by the database.
        """
        user_id = refresh.get(api_settings.USER_ID_CLAIM)
        user = read_user(user_id)
        if user is not None and self.refusal(refresh, user) is None:
            return user
        user = read_user(user_id, trust_cache=False)
        if user is None:
            raise self.refused("no_active_account")
        refusal = self.refusal(refresh, user)
        if refusal is not None:
            raise self.refused(refusal)
        return user

    def refused(self, code: str) -> AuthenticationFailed:
        """Return the 401 error, with ``code`` in its body, that refuses a refresh."""
        return AuthenticationFailed(str(self.error_messages[code]), code)

    @staticmethod
    def refusal(refresh: Token, user: User) -> str | None:
        """Return why ``user`` may not refresh ``refresh`` (an error code), or None."""
        if not api_settings.USER_AUTHENTICATION_RULE(user):
            return "no_active_account"
        if not password_stamp.stamp_matches(
            refresh.get(password_stamp.CLAIM),
            password_stamp.password_stamps(user.password),
        ):
            return "password_changed"
        return None


class TokenBlacklistSerializer(simplejwt_serializers.TokenBlacklistSerializer):
    """Logout that claims the refresh token the way rotation does.

    simplejwt's logout checks the blacklist, then adds the token to it with
    ``get_or_create``: a refresh of the same token between the two succeeds
    too, and its new token outlives the logout. Here logout claims the token
    through the blacklist's unique constraint (``claim_refresh_token``): with
    rotation and ``BLACKLIST_AFTER_ROTATION``, of any mix of concurrent
    refreshes and logouts exactly one succeeds, and the others get the 401 a
    blacklisted token gets. In the other modes a refresh does not use the
    token up: exactly one of concurrent logouts succeeds, and refreshes that
    were checked before it committed still succeed, as if they came first.
    """

    token_class = ClaimedRefreshToken

    default_error_messages = {"already_used": _("Token is blacklisted")}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        refresh = self.token_class(attrs["refresh"])
        if claim_refresh_token(refresh):
            self.logged_out(refresh)
        else:
            self.used_up(refresh)
        return {}

    def logged_out(self, refresh: RefreshToken) -> None:
        """Called once this logout has blacklisted ``refresh``."""

    def used_up(self, refresh: RefreshToken) -> None:
        """Answer a refresh token that was already rotated or logged out."""
        raise TokenError(self.error_messages["already_used"])


class TokenVerifySerializer(serializers.Serializer):
    """Verify a token as the service would check it where it is used.

    The token must be an access token (``typ: at+jwt``, the audience of
    ``/api/``), signed, unexpired and not blacklisted; and its user must
    pass the checks of the protected endpoints (exists, is active, has not
    changed their password since), with their very code and answers
    (``CachedJWTAuthentication.get_user``), so verify never says yes to a
    token every other endpoint refuses.
    """

    token = serializers.CharField(write_only=True)
    authentication_class = CachedJWTAuthentication

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        token = AccessToken(attrs["token"])
        jti = token.get(api_settings.JTI_CLAIM)
        if (
            blacklist_is_installed()
            and BlacklistedToken._default_manager.filter(token__jti=jti).exists()
        ):
            raise TokenError(_("Token is blacklisted"))
        self.authentication_class().get_user(token)
        return {}

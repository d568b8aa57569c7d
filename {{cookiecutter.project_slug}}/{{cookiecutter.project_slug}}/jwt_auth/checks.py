"""System checks: refuse to start with a JWT or throttling setup that cannot work.

simplejwt reads its keys lazily, so a missing, short or mismatched key only
shows at the first login, as an HTTP 500 or as tokens nobody can verify; DRF
parses throttle rates at the first request of every view. These checks run
before ``runserver``, ``migrate`` and ``check``, and when ``config/wsgi.py``
or ``config/asgi.py`` loads the application, so a broken setup stops the
service at start with a message that names the setting to fix.
"""

from datetime import UTC, datetime, timedelta

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from django.conf import settings
from django.core import checks
from rest_framework.settings import api_settings as drf_settings
from rest_framework_simplejwt import settings as simplejwt_settings
from rest_framework_simplejwt.backends import ALLOWED_ALGORITHMS, TokenBackend

from .keys import ELLIPTIC_CURVES, HMAC_KEY_BYTES, is_hmac
from .throttles import parse_rate

MIN_RSA_KEY_BITS = 2048  # NIST SP 800-131A: smaller RSA keys are disallowed.
CURVE_NAMES = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}
SIGNING_KEY_HINT = (
    "Set JWT_PRIVATE_KEY_FILE or JWT_PRIVATE_KEY (see .env.example), or run "
    "'python3 bootstrap.py' to create a key pair."
)
VERIFYING_KEY_HINT = (
    "Set JWT_PUBLIC_KEY_FILE or JWT_PUBLIC_KEY to the public half of the "
    "signing key (see .env.example)."
)


class JWTConfigurationError(Exception):
    """A JWT key setting that cannot work, with the check id that reports it."""

    def __init__(self, check_id, message, hint=None):
        super().__init__(message)
        self.check_id = check_id
        self.message = message
        self.hint = hint


def check_jwt_configuration(app_configs=None, **kwargs):
    """Return check messages for SIMPLE_JWT's algorithm and keys.

    Errors: an algorithm simplejwt does not know, a missing key, an HMAC
    secret shorter than RFC 7518 requires, a key of the wrong type or curve,
    a verifying key that is not the public half of the signing key, and a
    test token that does not survive signing and verifying.
    """
    # simplejwt replaces its settings object when SIMPLE_JWT changes: read it now.
    jwt_settings = simplejwt_settings.api_settings
    algorithm = jwt_settings.ALGORITHM
    try:
        if algorithm not in ALLOWED_ALGORITHMS:
            raise JWTConfigurationError(
                "jwt_auth.E001",
                f"SIMPLE_JWT['ALGORITHM'] is {algorithm!r}, which simplejwt does not support.",
                f"Use one of {', '.join(sorted(ALLOWED_ALGORITHMS))}.",
            )
        if is_hmac(algorithm):
            check_hmac_secret(algorithm, jwt_settings.SIGNING_KEY)
            keys = jwt_settings.SIGNING_KEY, jwt_settings.VERIFYING_KEY
        else:
            keys = load_key_pair(algorithm, jwt_settings)
        check_round_trip(algorithm, jwt_settings, *keys)
    except JWTConfigurationError as problem:
        return [
            checks.Error(
                problem.message,
                hint=problem.hint,
                obj="SIMPLE_JWT",
                id=problem.check_id,
            )
        ]
    if is_hmac(algorithm) and jwt_settings.SIGNING_KEY == settings.SECRET_KEY:
        return [
            checks.Warning(
                "SIMPLE_JWT['SIGNING_KEY'] is DJANGO_SECRET_KEY.",
                hint="Give tokens a secret of their own in JWT_SIGNING_KEY, so that "
                "rotating one secret does not touch the other.",
                obj="SIMPLE_JWT",
                id="jwt_auth.W001",
            )
        ]
    return []


def check_hmac_secret(algorithm, secret):
    """Raise JWTConfigurationError unless ``secret`` is long enough for ``algorithm``."""
    if not secret:
        raise JWTConfigurationError(
            "jwt_auth.E002",
            "SIMPLE_JWT['SIGNING_KEY'] is empty.",
            "Set JWT_SIGNING_KEY to a random secret (see .env.example).",
        )
    length = len(secret.encode() if isinstance(secret, str) else secret)
    needed = HMAC_KEY_BYTES[algorithm]
    if length < needed:
        raise JWTConfigurationError(
            "jwt_auth.E003",
            f"SIMPLE_JWT['SIGNING_KEY'] is {length} bytes long; {algorithm} needs "
            f"at least {needed} (RFC 7518, section 3.2).",
            "Set JWT_SIGNING_KEY to the output of: python3 -c "
            f"'import secrets; print(secrets.token_urlsafe({needed}))'",
        )


def load_key_pair(algorithm, jwt_settings):
    """Return the signing and verifying keys as key objects (verifying: None with JWK_URL).

    Raise JWTConfigurationError unless they are a matching pair of the type
    ``algorithm`` needs.
    """
    signing_key, verifying_key = jwt_settings.SIGNING_KEY, jwt_settings.VERIFYING_KEY
    if not signing_key:
        raise JWTConfigurationError(
            "jwt_auth.E002", "SIMPLE_JWT['SIGNING_KEY'] is empty.", SIGNING_KEY_HINT
        )
    try:
        private_key = serialization.load_pem_private_key(
            _as_bytes(signing_key), password=None
        )
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise JWTConfigurationError(
            "jwt_auth.E004",
            "SIMPLE_JWT['SIGNING_KEY'] is not an unencrypted PEM private key.",
            SIGNING_KEY_HINT,
        ) from None
    check_key_fits("SIGNING_KEY", algorithm, private_key)

    if jwt_settings.JWK_URL:
        return private_key, None  # Tokens verify with the keys at JWK_URL.
    if not verifying_key:
        raise JWTConfigurationError(
            "jwt_auth.E005",
            f"SIMPLE_JWT['VERIFYING_KEY'] is empty; {algorithm} verifies tokens with a public key.",
            VERIFYING_KEY_HINT,
        )
    try:
        public_key = serialization.load_pem_public_key(_as_bytes(verifying_key))
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise JWTConfigurationError(
            "jwt_auth.E005",
            "SIMPLE_JWT['VERIFYING_KEY'] is not a PEM public key.",
            VERIFYING_KEY_HINT,
        ) from None
    check_key_fits("VERIFYING_KEY", algorithm, public_key)
    if _public_bytes(public_key) != _public_bytes(private_key.public_key()):
        raise JWTConfigurationError(
            "jwt_auth.E007",
            "SIMPLE_JWT['VERIFYING_KEY'] is not the public half of SIMPLE_JWT['SIGNING_KEY']: "
            "no token signed here would verify.",
            VERIFYING_KEY_HINT,
        )
    return private_key, public_key


def check_key_fits(setting, algorithm, key):
    """Raise JWTConfigurationError unless ``key`` has the type (and curve or size) ``algorithm`` needs."""
    expected, fits = _key_requirement(algorithm)
    if not fits(key):
        raise JWTConfigurationError(
            "jwt_auth.E006",
            f"SIMPLE_JWT[{setting!r}] is {describe_key(key)}; {algorithm} needs {expected}.",
            "Generate a key pair for the configured algorithm (python3 bootstrap.py "
            "does it for a new checkout), or change SIMPLE_JWT['ALGORITHM'].",
        )


def check_round_trip(algorithm, jwt_settings, signing_key, verifying_key):
    """Raise JWTConfigurationError unless a token signed with the keys verifies with them.

    The keys may be the settings' text or key objects already loaded from it.
    """
    backend = TokenBackend(
        algorithm,
        signing_key,
        verifying_key,
        jwt_settings.AUDIENCE,
        jwt_settings.ISSUER,
        None,  # JWK_URL: fetching keys over the network has no place at start.
        jwt_settings.LEEWAY,
        jwt_settings.JSON_ENCODER,
    )
    expires = datetime.now(tz=UTC) + timedelta(minutes=1)
    payload = {"purpose": "startup check", "exp": int(expires.timestamp())}
    try:
        token = backend.encode(payload)
        if (
            verifying_key is not None
            and backend.decode(token)["purpose"] != payload["purpose"]
        ):
            raise ValueError("the payload changed")
    except Exception as error:  # Whatever fails here would fail every login.
        raise JWTConfigurationError(
            "jwt_auth.E008",
            f"Signing and verifying a test token with SIMPLE_JWT failed: {error}",
            "Check SIMPLE_JWT['ALGORITHM'], 'SIGNING_KEY' and 'VERIFYING_KEY'.",
        ) from None


def check_throttle_rates(app_configs=None, **kwargs):
    """Return an Error for each throttle rate DRF could not parse at the first request."""
    errors = []
    for scope, rate in drf_settings.DEFAULT_THROTTLE_RATES.items():
        try:
            parse_rate(rate)
        except ValueError:
            errors.append(
                checks.Error(
                    f"The throttle rate of {scope!r} is {rate!r}, not '<number>/<period>'.",
                    hint="Write rates like 20/minute, 30/hour or 1000/day "
                    "(see the DJANGO_THROTTLE_* variables in .env.example).",
                    obj="REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']",
                    id="jwt_auth.E009",
                )
            )
    return errors


def describe_key(key):
    """Return a short human description of a cryptography key object."""
    if isinstance(key, (rsa.RSAPrivateKey, rsa.RSAPublicKey)):
        return f"an RSA {key.key_size}-bit key"
    if isinstance(key, (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey)):
        return f"an EC {CURVE_NAMES.get(key.curve.name, key.curve.name)} key"
    if isinstance(key, (ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey)):
        return "an Ed25519 key"
    if isinstance(key, (ed448.Ed448PrivateKey, ed448.Ed448PublicKey)):
        return "an Ed448 key"
    return f"a {type(key).__name__}"


def _key_requirement(algorithm):
    """Return (description, predicate) of the key ``algorithm`` signs with."""
    if algorithm.startswith(("RS", "PS")):
        return (
            f"an RSA key of {MIN_RSA_KEY_BITS} bits or more",
            lambda key: (
                isinstance(key, (rsa.RSAPrivateKey, rsa.RSAPublicKey))
                and key.key_size >= MIN_RSA_KEY_BITS
            ),
        )
    if algorithm in ELLIPTIC_CURVES:
        curve = ELLIPTIC_CURVES[algorithm]
        return (
            f"an EC {CURVE_NAMES[curve.name]} key",
            lambda key: (
                isinstance(key, (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey))
                and isinstance(key.curve, curve)
            ),
        )
    if algorithm == "EdDSA":
        return (
            "an Ed25519 or Ed448 key",
            lambda key: isinstance(
                key,
                (
                    ed25519.Ed25519PrivateKey,
                    ed25519.Ed25519PublicKey,
                    ed448.Ed448PrivateKey,
                    ed448.Ed448PublicKey,
                ),
            ),
        )
    # Other algorithms simplejwt knows (ES256K…): the round trip decides.
    return "a key for it", lambda key: True


def _as_bytes(key):
    return key.encode() if isinstance(key, str) else key


def _public_bytes(public_key):
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )

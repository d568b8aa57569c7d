"""System checks of an issuer: refuse to start with signing keys that cannot work.

What a key must be comes from ``jwt_keys/algorithms.py``: one path for a
shared secret, one for a key pair (see ``jwt_auth/checks.py`` for why these
run at start).
"""

import stat
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import (
    PrivateKeyTypes,
    PublicKeyTypes,
)
from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from rest_framework_simplejwt import settings as simplejwt_settings
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.settings import APISettings

from {{ cookiecutter.project_slug }}.jwt_auth.backends import load_key_set
from {{ cookiecutter.project_slug }}.jwt_auth.checks import (
    JWTConfigurationError,
    as_bytes,
    supported_algorithm,
)
from {{ cookiecutter.project_slug }}.jwt_auth.codec import prepare_key
from {{ cookiecutter.project_slug }}.jwt_keys.algorithms import (
    ALGORITHMS,
    Algorithm,
    describe_key,
    is_hmac,
)
from {{ cookiecutter.project_slug }}.jwt_keys.jwk import is_public
from {{ cookiecutter.project_slug }}.jwt_keys.loading import (
    not_before_of,
    read_key_file,
)

from .access_claims import load_hook
from .conf import issuer_settings

GENERATE_KEYS = "python manage.py generate_jwt_keys"
SECRET_HINT = (
    "Set the JWT_SIGNING_KEY environment variable (see .env.example), or run "
    f"'{GENERATE_KEYS}' to write a new secret into .env."
)
SIGNING_KEY_HINT = (
    "Set the JWT_PRIVATE_KEY_FILE (a PEM file that exists) or JWT_PRIVATE_KEY "
    f"environment variable (see .env.example), or run '{GENERATE_KEYS}' to "
    "create a key pair."
)
VERIFYING_KEY_HINT = (
    "Set JWT_PUBLIC_KEY_FILE or JWT_PUBLIC_KEY to the public half of the "
    "signing key (see .env.example)."
)


def check_jwt_configuration(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: object
) -> list[checks.CheckMessage]:
    """Return check messages for SIMPLE_JWT's algorithm and keys.

    Errors: an algorithm this project does not know, a missing key, an HMAC
    secret shorter than RFC 7518 requires, a key of the wrong type or curve,
    a verifying key that is not the public half of the signing key, and a
    test token that does not survive signing and verifying.
    """
    # simplejwt replaces its settings object when SIMPLE_JWT changes: read it now.
    jwt_settings = simplejwt_settings.api_settings
    try:
        algorithm = supported_algorithm(jwt_settings.ALGORITHM)
        load_keys = check_secret if algorithm.is_hmac else load_key_pair
        keys = load_keys(algorithm, jwt_settings)
        check_round_trip(algorithm.name, jwt_settings, *keys)
    except JWTConfigurationError as problem:
        return [
            checks.Error(
                naming_key_files(problem.message),
                hint=problem.hint,
                obj="SIMPLE_JWT",
                id=problem.check_id,
            )
        ]
    if algorithm.is_hmac and jwt_settings.SIGNING_KEY == settings.SECRET_KEY:
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


def naming_key_files(message: str) -> str:
    """Return ``message`` with each key setting it names followed by the file it came from."""
    for setting, path in issuer_settings.JWT_KEY_FILES.items():
        source = path if Path(path).is_file() else f"{path}, which does not exist"
        name = f"SIMPLE_JWT[{setting!r}]"
        message = message.replace(name, f"{name} (read from {source})")
    return message


def check_secret(algorithm: Algorithm, jwt_settings: APISettings) -> tuple[str, str]:
    """Return the shared secret as signing and verifying key.

    Raise JWTConfigurationError unless it is long enough for ``algorithm``.
    """
    secret = jwt_settings.SIGNING_KEY
    if not secret:
        raise JWTConfigurationError(
            "jwt_auth.E002", "SIMPLE_JWT['SIGNING_KEY'] is empty.", SECRET_HINT
        )
    length = len(as_bytes(secret))
    needed = algorithm.min_key_size or 0
    if length < needed:
        raise JWTConfigurationError(
            "jwt_auth.E003",
            f"SIMPLE_JWT['SIGNING_KEY'] is {length} bytes long; {algorithm.name} needs "
            f"at least {needed} (RFC 7518, section 3.2).",
            "Set JWT_SIGNING_KEY to the output of: python3 -c "
            f"'import secrets; print(secrets.token_urlsafe({needed}))'",
        )
    return secret, jwt_settings.VERIFYING_KEY


def load_key_pair(
    algorithm: Algorithm, jwt_settings: APISettings
) -> tuple[PrivateKeyTypes, PublicKeyTypes | None]:
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
            as_bytes(signing_key), password=None
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
            f"SIMPLE_JWT['VERIFYING_KEY'] is empty; {algorithm.name} verifies tokens with a public key.",
            VERIFYING_KEY_HINT,
        )
    try:
        public_key = serialization.load_pem_public_key(as_bytes(verifying_key))
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


def check_key_fits(setting: str, algorithm: Algorithm, key: object) -> None:
    """Raise JWTConfigurationError unless ``key`` has the type (and curve or size) ``algorithm`` needs."""
    if not algorithm.fits(key):
        raise JWTConfigurationError(
            "jwt_auth.E006",
            f"SIMPLE_JWT[{setting!r}] is {describe_key(key)}; "
            f"{algorithm.name} needs {algorithm.key_description}.",
            f"Generate a key pair for the configured algorithm ('{GENERATE_KEYS}' "
            "makes one for a new checkout), or change SIMPLE_JWT['ALGORITHM'].",
        )


def check_round_trip(
    algorithm: str,
    jwt_settings: APISettings,
    signing_key: str | PrivateKeyTypes,
    verifying_key: str | PublicKeyTypes | None,
) -> None:
    """Raise JWTConfigurationError unless a token signed with the keys verifies with them.

    The keys may be the settings' text or key objects already loaded from it.
    """
    # simplejwt annotates the keys as text; PyJWT takes key objects too.
    backend = TokenBackend(
        algorithm,
        signing_key,  # type: ignore[arg-type]
        verifying_key,  # type: ignore[arg-type]
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
            # simplejwt annotates the token as a Token; it takes the encoded one.
            and backend.decode(token)["purpose"] != payload["purpose"]  # type: ignore[arg-type]
        ):
            raise ValueError("the payload changed")
    except Exception as error:  # Whatever fails here would fail every login.
        raise JWTConfigurationError(
            "jwt_auth.E008",
            f"Signing and verifying a test token with SIMPLE_JWT failed: {error}",
            "Check SIMPLE_JWT['ALGORITHM'], 'SIGNING_KEY' and 'VERIFYING_KEY'.",
        ) from None


def check_key_set(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: object
) -> list[checks.CheckMessage]:
    """Return Errors for previous keys that cannot verify, and for a secret that would be published.

    ``JWT_PREVIOUS_VERIFYING_KEYS`` hold public keys (or HMAC secrets) of the
    configured algorithm; the JWKS endpoint publishes public keys only, and
    nothing at all for an HMAC algorithm.
    """
    jwt_settings = simplejwt_settings.api_settings
    algorithm = jwt_settings.ALGORITHM
    if algorithm not in ALGORITHMS:
        return []  # check_jwt_configuration reports it.
    errors: list[checks.CheckMessage] = []
    previous_keys = issuer_settings.JWT_PREVIOUS_VERIFYING_KEYS
    for position, key in enumerate(previous_keys):
        try:
            prepare_key(algorithm, key)
            usable = not is_hmac(algorithm) or (
                len(as_bytes(key)) >= (ALGORITHMS[algorithm].min_key_size or 0)
            )
        except Exception:  # Whatever PyJWT refuses cannot verify.
            usable = False
        if not usable:
            errors.append(
                checks.Error(
                    f"JWT_PREVIOUS_VERIFYING_KEYS[{position}] is not a key "
                    f"{algorithm} can verify with.",
                    hint="Remove it from JWT_PREVIOUS_KEYS_DIR, "
                    "JWT_PREVIOUS_PUBLIC_KEYS or JWT_PREVIOUS_SIGNING_KEYS "
                    "(see .env.example).",
                    obj="JWT_PREVIOUS_VERIFYING_KEYS",
                    id="jwt_auth.E010",
                )
            )
    if errors:
        return errors
    try:
        key_set = load_key_set(
            algorithm,
            jwt_settings.SIGNING_KEY or "",
            jwt_settings.VERIFYING_KEY or "",
            previous_keys,
        )
    except Exception:  # check_jwt_configuration names the broken key.
        return []
    exposed = [
        jwk["kid"]
        for jwk in key_set.public_jwks
        if is_hmac(algorithm) or not is_public(jwk)
    ]
    if exposed:
        errors.append(
            checks.Error(
                f"The JWKS endpoint would publish secret key material (kid {', '.join(exposed)}).",
                hint="Publish public keys only: check SIMPLE_JWT['VERIFYING_KEY'] "
                "and JWT_PREVIOUS_VERIFYING_KEYS.",
                obj="SIMPLE_JWT",
                id="jwt_auth.E011",
            )
        )
    return errors


def check_next_key_files(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: object
) -> list[checks.CheckMessage]:
    """Return a Warning for each file of ``JWT_NEXT_KEYS_DIR`` that will never sign.

    ``rotate_jwt_key`` writes there private keys of the configured algorithm,
    named by when they sign. A damaged file, a key of another algorithm, or a
    name that says no time is skipped (``backend.py`` logs it at every read):
    the service goes on signing with its current key, so the start goes on
    too, but the rotation did not happen.
    """
    algorithm = ALGORITHMS.get(simplejwt_settings.api_settings.ALGORITHM)
    folder = issuer_settings.JWT_NEXT_KEYS_DIR
    if algorithm is None or algorithm.is_hmac or folder is None:
        return []
    folder = Path(folder)
    if not folder.is_dir():
        return []
    warnings: list[checks.CheckMessage] = []
    for path in sorted(folder.glob("*.pem")):
        problem = next_key_problem(path, algorithm)
        if problem:
            warnings.append(
                checks.Warning(
                    f"The next key file {path} {problem}: it is neither "
                    "published nor used to sign.",
                    hint=f"Delete {path} and run 'python manage.py rotate_jwt_key' "
                    "again.",
                    obj="JWT_NEXT_KEYS_DIR",
                    id="jwt_auth.W002",
                )
            )
    return warnings


def next_key_problem(path: Path, algorithm: Algorithm) -> str | None:
    """Return why the next key file ``path`` cannot sign, or None when it can."""
    if not_before_of(path) == datetime.max.replace(tzinfo=UTC):
        return "is not named <time it signs from, UTC>-<kid>.pem"
    try:
        key = serialization.load_pem_private_key(
            as_bytes(read_key_file(path)), password=None
        )
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return "is not an unencrypted PEM private key"
    if not algorithm.fits(key):
        return f"holds {describe_key(key)}; {algorithm.name} needs {algorithm.key_description}"
    return None


def _public_bytes(public_key: PublicKeyTypes) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def check_secret_file_modes(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: object
) -> list[checks.CheckMessage]:
    """Return an Error for each file of JWT secrets that group or others can read.

    ``generate_jwt_keys`` and ``rotate_jwt_key`` write them owner-only; a
    copy or a checkout can loosen that, and whoever reads the signing key can
    sign any token. The settings name the files (``JWT_SECRET_FILES``).
    """
    exposed = [
        path
        for path in map(Path, issuer_settings.JWT_SECRET_FILES)
        if path.is_file() and stat.S_IMODE(path.stat().st_mode) & 0o077
    ]
    return [
        checks.Error(
            f"The JWT secret file {path} can be read by other users of this "
            "machine: whoever reads it can sign tokens.",
            hint=f"Run: chmod 600 {path}",
            obj="JWT_SECRET_FILES",
            id="jwt_auth.E015",
        )
        for path in exposed
    ]


def check_claims_hook(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: object
) -> list[checks.CheckMessage]:
    """Return an Error when ``JWT_CLAIMS_HOOK`` names nothing that can be called.

    Every login and refresh would answer 503 (``access_claims.py``); better to
    stop at the start.
    """
    path = issuer_settings.JWT_CLAIMS_HOOK
    if not path:
        return []
    try:
        hook = load_hook(path)
    except ImportError as error:
        problem = f"cannot be imported ({error})"
    else:
        if callable(hook):
            return []
        problem = "is not a function"
    return [
        checks.Error(
            f"JWT_CLAIMS_HOOK {path!r} {problem}: every login would answer 503.",
            hint="Name a function of the user returning a dict, or set it empty.",
            obj="JWT_CLAIMS_HOOK",
            id="jwt_auth.E021",
        )
    ]

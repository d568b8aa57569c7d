"""What each JWT algorithm signs with: the one table the rest of the app reads.

``generation.py`` makes keys from it, the system checks judge the configured
keys by it, and the tests take their expectations from it. Key types and curves carry
their JWK names (RFC 7518, sections 6.1 and 6.2.1.1; RFC 8037 for OKP), the
names a published key set uses.

HMAC algorithms (HS*) sign and verify with one shared secret, at least as long
as the hash output (RFC 7518, section 3.2). The others sign with a private key
and verify with its public key, whose type and curve must match the algorithm
or PyJWT refuses it at the first request.
"""

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

HMAC = "hmac"
RSA = "rsa"
RSA_PSS = "rsa-pss"
EC = "ec"
OKP = "okp"

# NIST SP 800-131A disallows smaller RSA keys; SP 800-57 deems 3072 bits
# enough beyond 2030, so new keys get that.
MIN_RSA_KEY_BITS = 2048
NEW_RSA_KEY_BITS = 3072

# The cryptography key classes of each family, private and public.
RSA_KEY_CLASSES = (rsa.RSAPrivateKey, rsa.RSAPublicKey)
EC_KEY_CLASSES = (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey)
KEY_CLASSES: dict[str, tuple[type, ...]] = {
    RSA: RSA_KEY_CLASSES,
    RSA_PSS: RSA_KEY_CLASSES,
    EC: EC_KEY_CLASSES,
    OKP: (
        ed25519.Ed25519PrivateKey,
        ed25519.Ed25519PublicKey,
        ed448.Ed448PrivateKey,
        ed448.Ed448PublicKey,
    ),
}


@dataclass(frozen=True)
class Algorithm:
    """One ``SIMPLE_JWT["ALGORITHM"]`` value and the key it needs.

    ``min_key_size`` is in bytes for an HMAC secret, in bits for an RSA key,
    and None where the curve fixes the size.
    """

    name: str
    family: str
    kty: str
    crv: str | None = None
    curve: type[ec.EllipticCurve] | None = None
    min_key_size: int | None = None

    @property
    def is_hmac(self) -> bool:
        """Return True when tokens are signed and verified with one shared secret."""
        return self.family == HMAC

    @property
    def key_description(self) -> str:
        """Return the key this algorithm needs, as a check message says it."""
        if self.is_hmac:
            return f"a secret of at least {self.min_key_size} bytes"
        if self.family in {RSA, RSA_PSS}:
            return f"an RSA key of {self.min_key_size} bits or more"
        if self.family == EC:
            return f"an EC {self.crv} key"
        return "an Ed25519 or Ed448 key"

    def fits(self, key: object) -> bool:
        """Return True when the cryptography ``key`` has the type, curve and size needed."""
        if not isinstance(key, KEY_CLASSES[self.family]):
            return False
        if self.curve is not None:
            return isinstance(key, EC_KEY_CLASSES) and isinstance(key.curve, self.curve)
        if self.min_key_size is not None:
            return (
                isinstance(key, RSA_KEY_CLASSES) and key.key_size >= self.min_key_size
            )
        return True


ALGORITHMS = {
    algorithm.name: algorithm
    for algorithm in (
        Algorithm("HS256", HMAC, "oct", min_key_size=32),
        Algorithm("HS384", HMAC, "oct", min_key_size=48),
        Algorithm("HS512", HMAC, "oct", min_key_size=64),
        Algorithm("RS256", RSA, "RSA", min_key_size=MIN_RSA_KEY_BITS),
        Algorithm("RS384", RSA, "RSA", min_key_size=MIN_RSA_KEY_BITS),
        Algorithm("RS512", RSA, "RSA", min_key_size=MIN_RSA_KEY_BITS),
        Algorithm("PS256", RSA_PSS, "RSA", min_key_size=MIN_RSA_KEY_BITS),
        Algorithm("PS384", RSA_PSS, "RSA", min_key_size=MIN_RSA_KEY_BITS),
        Algorithm("PS512", RSA_PSS, "RSA", min_key_size=MIN_RSA_KEY_BITS),
        Algorithm("ES256", EC, "EC", crv="P-256", curve=ec.SECP256R1),
        Algorithm("ES384", EC, "EC", crv="P-384", curve=ec.SECP384R1),
        Algorithm("ES512", EC, "EC", crv="P-521", curve=ec.SECP521R1),
        # Ed25519 for new keys; an Ed448 key verifies under EdDSA too.
        Algorithm("EdDSA", OKP, "OKP", crv="Ed25519"),
    )
}


def get_algorithm(name: str) -> Algorithm:
    """Return the facts of the algorithm ``name``; KeyError for one this project lacks."""
    return ALGORITHMS[name]


def is_hmac(name: str) -> bool:
    """Return True when the algorithm ``name`` signs with a shared secret."""
    return get_algorithm(name).is_hmac


def describe_key(key: object) -> str:
    """Return a short human description of a cryptography key object."""
    if isinstance(key, RSA_KEY_CLASSES):
        return f"an RSA {key.key_size}-bit key"
    if isinstance(key, EC_KEY_CLASSES):
        crv = next(
            (
                a.crv
                for a in ALGORITHMS.values()
                if a.curve and isinstance(key.curve, a.curve)
            ),
            key.curve.name,
        )
        return f"an EC {crv} key"
    if isinstance(key, (ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey)):
        return "an Ed25519 key"
    if isinstance(key, (ed448.Ed448PrivateKey, ed448.Ed448PublicKey)):
        return "an Ed448 key"
    return f"a {type(key).__name__}"

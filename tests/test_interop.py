"""Gateways written with other JOSE libraries take the issuer's access tokens, never its refresh tokens.

Each library is configured the way a gateway in front of the issuer would be:
the JWKS URL of a served issuer, its ``iss``, the services' ``aud``, and the
algorithms the key set names. None of them is told about ``typ``: a refresh
token is refused by its audience (the issuer itself), which every library
checks, and by its type where a library checks that too.
"""

import json
import subprocess
import warnings
from collections.abc import Callable

import jose
import jose.jwk
import jose.jwt
import joserfc.jwk
import joserfc.jwt
import jwcrypto.jwk
import jwcrypto.jwt
import jwt
import pytest
from authlib.jose import JsonWebKey, JsonWebToken

from tests.support.baking import SUPERUSER_PASSWORD
from tests.support.commands import project_env
from tests.support.node import install_jose, node_executable
from tests.support.serving import GENEROUS_THROTTLE_RATES, http, served
from tests.support.variants import answers

ISSUER = "https://auth.example.com"
AUDIENCE = "https://services.example.com"
ALGORITHM_VARIANTS = ("rs256", "es256", "eddsa")
JOSE_SCRIPT = """
import { createRemoteJWKSet, jwtVerify } from "jose";
const [jwksUrl, token, issuer, audience, algorithms] = process.argv.slice(2);
const keys = createRemoteJWKSet(new URL(jwksUrl));
const options = { issuer, audience, algorithms: JSON.parse(algorithms) };
const { payload } = await jwtVerify(token, keys, options);
console.log(JSON.stringify(payload));
"""


class Gateway:
    """What a gateway is configured with: the issuer's key set URL, iss, aud."""

    def __init__(self, jwks_url: str) -> None:
        self.jwks_url = jwks_url
        _, _, self.jwks = http("GET", jwks_url)
        self.algorithms = sorted({key["alg"] for key in self.jwks["keys"]})


def verify_with_pyjwt(gateway: Gateway, token: str) -> dict:
    key = jwt.PyJWKClient(gateway.jwks_url).get_signing_key_from_jwt(token)
    return jwt.decode(
        token,
        key.key,
        algorithms=gateway.algorithms,
        issuer=ISSUER,
        audience=AUDIENCE,
        options={"require": ["exp", "iss", "aud", "sub"]},
    )


def verify_with_authlib(gateway: Gateway, token: str) -> dict:
    key_set = JsonWebKey.import_key_set(gateway.jwks)
    claims = JsonWebToken(gateway.algorithms).decode(
        token,
        key_set,
        claims_options={
            "iss": {"essential": True, "value": ISSUER},
            "aud": {"essential": True, "value": AUDIENCE},
            "exp": {"essential": True},
        },
    )
    claims.validate()
    return dict(claims)


def verify_with_jwcrypto(gateway: Gateway, token: str) -> dict:
    key_set = jwcrypto.jwk.JWKSet.from_json(json.dumps(gateway.jwks))
    verified = jwcrypto.jwt.JWT(
        jwt=token,
        key=key_set,
        algs=gateway.algorithms,
        check_claims={"iss": ISSUER, "aud": AUDIENCE, "exp": None},
    )
    return json.loads(verified.claims)


def verify_with_joserfc(gateway: Gateway, token: str) -> dict:
    with warnings.catch_warnings():
        # joserfc warns that EdDSA is deprecated for Ed25519 (RFC 9864).
        warnings.simplefilter("ignore")
        key_set = joserfc.jwk.KeySet.import_key_set(gateway.jwks)
        decoded = joserfc.jwt.decode(token, key_set, algorithms=gateway.algorithms)
    joserfc.jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": ISSUER},
        aud={"essential": True, "value": AUDIENCE},
        exp={"essential": True},
    ).validate(decoded.claims)
    return decoded.claims


def verify_with_python_jose(gateway: Gateway, token: str) -> dict:
    unsupported = [name for name in gateway.algorithms if not jose.jwk.get_key(name)]
    if unsupported:
        pytest.skip(f"python-jose does not support {', '.join(unsupported)}")
    return jose.jwt.decode(
        token,
        gateway.jwks,
        algorithms=gateway.algorithms,
        issuer=ISSUER,
        audience=AUDIENCE,
    )


LIBRARIES: dict[str, Callable[[Gateway, str], dict]] = {
    "pyjwt": verify_with_pyjwt,
    "authlib": verify_with_authlib,
    "jwcrypto": verify_with_jwcrypto,
    "joserfc": verify_with_joserfc,
    "python-jose": verify_with_python_jose,
}


@pytest.fixture(scope="session")
def node_jose(tmp_path_factory):
    """Return a function verifying a token with Node's ``jose`` like a gateway."""
    node = node_executable()
    folder = install_jose(tmp_path_factory, "node-jose", JOSE_SCRIPT)

    def verify(gateway: Gateway, token: str) -> dict:
        algorithms = json.dumps(gateway.algorithms)
        arguments = [gateway.jwks_url, token, ISSUER, AUDIENCE, algorithms]
        verified = subprocess.run(
            [node, str(folder / "verify.mjs"), *arguments],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if verified.returncode != 0:
            raise ValueError(verified.stderr.strip().splitlines()[0])
        return json.loads(verified.stdout)

    return verify


@pytest.fixture(
    scope="module",
    params=[
        pytest.param(name, marks=pytest.mark.xdist_group(name))
        for name in ALGORITHM_VARIANTS
    ],
)
def issued(request, bake):
    """Serve an issuer of the variant's algorithm; yield a gateway of it and a token pair."""
    project = bake(**answers(request.param)).project_path
    env = project_env(
        JWT_ISSUER=ISSUER, JWT_AUDIENCE=AUDIENCE, **GENEROUS_THROTTLE_RATES
    )
    with served(project, env=env) as base_url:
        status, _, tokens = http(
            "POST",
            f"{base_url}/api/token/",
            {"username": "admin", "password": SUPERUSER_PASSWORD},
        )
        assert status == 200, tokens
        yield Gateway(f"{base_url}/.well-known/jwks.json"), tokens


@pytest.fixture(params=[*LIBRARIES, "node-jose"])
def verify(request):
    """Return how the library of this parameter verifies a token for a gateway."""
    if request.param == "node-jose":
        return request.getfixturevalue("node_jose")
    return LIBRARIES[request.param]


def test_a_gateway_accepts_an_access_token(issued, verify):
    gateway, tokens = issued

    claims = verify(gateway, tokens["access"])

    assert claims["iss"] == ISSUER
    assert claims["aud"] == AUDIENCE
    assert isinstance(claims["sub"], str)


def test_a_gateway_refuses_a_refresh_token(issued, verify):
    gateway, tokens = issued
    # The same gateway takes an access token: the refusal is the refresh token's.
    verify(gateway, tokens["access"])

    with pytest.raises(Exception):  # noqa: B017, PT011 - each library raises its own.
        verify(gateway, tokens["refresh"])

"""An issuer and a verifier, each served by gunicorn: the verifier trusts the issuer's tokens.

What one process can prove (kid, the key set, refetch limits, 503 without
keys) is in the generated suites; this module proves what needs two services
talking over HTTP, a restart, and clients nobody here wrote (PyJWT's
``PyJWKClient``, Node's ``jose``).
"""

import json
import shutil
import subprocess
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from tests.support.baking import read_dotenv
from tests.support.commands import in_ci, manage, project_env
from tests.support.databases import listening
from tests.support.node import install_jose, node_executable
from tests.support.serving import (
    GENEROUS_THROTTLE_RATES,
    free_port,
    http,
    obtain_access_token,
    served,
)

ISSUER = "https://auth.example.com"
AUDIENCE = "https://services.example.com"
ALGORITHMS = ("RS256", "ES256", "EdDSA")
# verifier/remote_keys.py: a verifier's worker asks the issuer again for an
# unknown kid at most this often, in the background.
REFETCH_SECONDS = 5
JOSE_SCRIPT = """
import { createRemoteJWKSet, jwtVerify } from "jose";
const [jwksUrl, token, issuer, audience] = process.argv.slice(2);
const keys = createRemoteJWKSet(new URL(jwksUrl));
const { payload, protectedHeader } = await jwtVerify(token, keys, { issuer, audience });
console.log(JSON.stringify({ payload, protectedHeader }));
"""


def me(base_url, token):
    """Return ``(status, body)`` of ``GET /api/me/`` with ``token``."""
    status, _, body = http(
        "GET", f"{base_url}/api/me/", headers={"Authorization": f"Bearer {token}"}
    )
    return status, body


def kid(token):
    return jwt.get_unverified_header(token)["kid"]


def new_private_key(algorithm):
    """Return a key of the type ``algorithm`` signs with, which no issuer published."""
    if algorithm == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    if algorithm == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def resigned(token, private_key, algorithm, **changes):
    """Return the claims of ``token`` with ``changes``, signed with ``private_key`` under the same header."""
    claims = jwt.decode(token, options={"verify_signature": False}) | changes
    header = jwt.get_unverified_header(token)
    headers = {"typ": header["typ"], "kid": header["kid"]}
    return jwt.encode(claims, private_key, algorithm=algorithm, headers=headers)


@pytest.fixture(
    params=[
        pytest.param(name, marks=pytest.mark.xdist_group(f"issuer-{name}"))
        for name in ALGORITHMS
    ]
)
def services(request, bake, tmp_path):
    """An issuer (a copy of a bake: the test rotates its key) and a verifier of its algorithm."""
    algorithm = request.param
    issuer = tmp_path / "issuer"
    shutil.copytree(bake(jwt_algorithm=algorithm).project_path, issuer)
    verifier = bake(jwt_algorithm=algorithm, service_role="verifier").project_path
    issuer_url = f"http://127.0.0.1:{free_port()}"
    claims = {"JWT_ISSUER": ISSUER, "JWT_AUDIENCE": AUDIENCE}
    issuer_env = project_env(**GENEROUS_THROTTLE_RATES, **claims)
    verifier_env = project_env(
        JWT_JWKS_URL=f"{issuer_url}/.well-known/jwks.json", **claims
    )
    return algorithm, issuer, issuer_url, issuer_env, verifier, verifier_env


@pytest.fixture(scope="session")
def jose(tmp_path_factory):
    """Return a command that verifies a token with Node's ``jose`` (installed once)."""
    node = node_executable()
    folder = install_jose(tmp_path_factory, "jose", JOSE_SCRIPT)
    return [node, str(folder / "verify.mjs")]


@pytest.mark.xdist_group("issuer-ES256")
def test_an_issuer_and_a_verifier_work_together_with_their_defaults(bake, tmp_path):
    """Two bakes, nothing configured: the issuer on 8000, the verifier on 8001 (README).

    The verifier's defaults name the issuer's port, issuer and audience; a
    token for another audience is refused and the verifier's log says which
    claim did not match, never the token.
    """
    issuer = bake(jwt_algorithm="ES256").project_path
    verifier = bake(jwt_algorithm="ES256", service_role="verifier").project_path
    issuer_url = read_dotenv(verifier)["JWT_JWKS_URL"].removesuffix(
        "/.well-known/jwks.json"
    )
    issuer_port, verifier_port = int(issuer_url.rpartition(":")[2]), 8001
    assert issuer_port == 8000
    for port in (issuer_port, verifier_port):
        if listening(port):
            if in_ci():
                pytest.fail(f"port {port} is taken")
            pytest.skip(f"port {port}, a default of the pair, is taken on this machine")
    verifier_log = tmp_path / "verifier.log"

    with (
        served(issuer, port=issuer_port),
        served(verifier, port=verifier_port, log=verifier_log) as verifier_url,
    ):
        token = obtain_access_token(issuer_url)
        status, body = me(verifier_url, token)
        assert status == 200, body

        private_key = load_pem_private_key(
            (issuer / "keys/jwt_private.pem").read_bytes(), password=None
        )
        elsewhere = resigned(token, private_key, "ES256", aud="https://other.example")
        status, _ = me(verifier_url, elsewhere)
        assert status == 401

    logged = verifier_log.read_text()
    assert "Token refused: its aud claim" in logged, logged
    assert token.split(".")[1] not in logged
    assert elsewhere.split(".")[1] not in logged


def test_a_verifier_trusts_the_issuers_tokens_across_a_key_rotation(services, jose):
    algorithm, issuer, issuer_url, issuer_env, verifier, verifier_env = services
    port = int(issuer_url.rpartition(":")[2])
    with served(verifier, env=verifier_env) as verifier_url:
        with served(issuer, env=issuer_env, port=port):
            old_token = obtain_access_token(issuer_url)
            status, issuers_me = me(issuer_url, old_token)
            assert status == 200
            status, body = me(verifier_url, old_token)
            first_fetch = time.monotonic()
            assert (status, body["id"]) == (200, issuers_me["id"])

            # Clients nobody here wrote verify the token from the published keys.
            jwks_url = f"{issuer_url}/.well-known/jwks.json"
            signing_key = jwt.PyJWKClient(jwks_url).get_signing_key_from_jwt(old_token)
            claims = jwt.decode(
                old_token,
                signing_key.key,
                algorithms=[algorithm],
                issuer=ISSUER,
                audience=AUDIENCE,
            )
            assert claims["sub"] == str(issuers_me["id"])
            verified = subprocess.run(
                [*jose, jwks_url, old_token, ISSUER, AUDIENCE],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            assert verified.returncode == 0, verified.stderr
            assert json.loads(verified.stdout)["protectedHeader"]["kid"] == kid(
                old_token
            )

        private_pem = (issuer / "keys/jwt_private.pem").read_bytes()
        # Signing at once: how soon a verifier follows a new kid is tested here
        # (test_rotation_caching_clients.py tests the publication ahead of it).
        manage(
            issuer, "rotate_jwt_key", env={**issuer_env, "JWT_KEY_PUBLISH_SECONDS": "0"}
        )
        with served(issuer, env=issuer_env, port=port):
            new_token = obtain_access_token(issuer_url)
            assert kid(new_token) != kid(old_token)
            # The verifier's worker that fetched the keys may ask again after
            # the interval: the new kid is refused at once (401) while the
            # keys are fetched in the background, then accepted.
            time.sleep(max(0.0, first_fetch + REFETCH_SECONDS - time.monotonic()))
            deadline = time.monotonic() + REFETCH_SECONDS * 2
            status, body = me(verifier_url, new_token)
            while status == 401 and time.monotonic() < deadline:
                time.sleep(0.2)
                status, body = me(verifier_url, new_token)
            assert (status, body["id"]) == (200, issuers_me["id"])
            status, body = me(verifier_url, old_token)
            assert (status, body["id"]) == (200, issuers_me["id"])

            status, _, jwks = http("GET", f"{issuer_url}/.well-known/jwks.json")
            # The key files' key first, then the next key that now signs.
            assert [key["kid"] for key in jwks["keys"]] == [
                kid(old_token),
                kid(new_token),
            ]

        # Tokens the issuer never signed, or signed for someone else, are refused.
        old_key = load_pem_private_key(private_pem, password=None)
        stranger = new_private_key(algorithm)
        unpublished = resigned(old_token, stranger, algorithm)
        refused = {
            "unpublished key, published kid": unpublished,
            "unpublished key, own kid": jwt.encode(
                jwt.decode(unpublished, options={"verify_signature": False}),
                stranger,
                algorithm=algorithm,
                headers={"kid": "a-key-nobody-published"},
            ),
            "other issuer": resigned(
                old_token, old_key, algorithm, iss="https://other.example.com"
            ),
            "other audience": resigned(
                old_token, old_key, algorithm, aud="https://other.example.com"
            ),
        }
        for case, token in refused.items():
            status, _ = me(verifier_url, token)
            assert status == 401, case

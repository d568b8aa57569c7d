"""Forged tokens, refused over HTTPS by a served project with production settings.

The keys come from the environment, and the server's own log never holds a token.
"""

import base64
import hashlib
import hmac
import json
import secrets

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from tests.support.baking import SUPERUSER_PASSWORD
from tests.support.keys import private_pem
from tests.support.serving import (
    PRODUCTION_SETTINGS,
    http,
    production_copy,
    production_environment,
    served,
)
from tests.support.variants import VARIANTS, variants

HTTPS = {"X-Forwarded-Proto": "https"}


def algorithm_of(variant):
    return VARIANTS[variant].get("jwt_algorithm", "HS256")


def obtain(url, username, password, headers=None):
    status, _, body = http(
        "POST",
        f"{url}/api/token/",
        {"username": username, "password": password},
        headers=headers,
    )
    assert status == 200, body
    return body


# The generated project's tests/test_attacks.py proves every refusal (alg none,
# changed payload or signature, another key or algorithm, expiry, token types,
# users changed since) in one process with test settings and keys made for the
# test run. Only a served production project shows the rest: production
# settings read the signing keys from environment variables, DEBUG is off,
# refusals go through the real logging configuration into gunicorn's log. So
# this run presents, in that setting, the forgeries that depend on the key
# material, and reads the server's log.


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segment(value):
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def payload_of(token):
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def another_signing_key(algorithm):
    """Return a key of the kind ``algorithm`` signs with, unrelated to the project's."""
    if algorithm.startswith("HS"):
        return secrets.token_urlsafe(64)
    if algorithm.startswith(("RS", "PS")):
        return private_pem(
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
        )
    if algorithm.startswith("ES"):
        curve = {"ES256": ec.SECP256R1, "ES384": ec.SECP384R1, "ES512": ec.SECP521R1}[
            algorithm
        ]
        return private_pem(ec.generate_private_key(curve()))
    return private_pem(ed25519.Ed25519PrivateKey.generate())


def forgeries(token, algorithm, signing_key, verifying_key):
    """Return forged variants of ``token`` that test the key material, by attack."""
    _, body, _ = token.split(".")
    payload = payload_of(token)
    # Forgeries keep the token's type (at+jwt, rt+jwt): only the key is wrong.
    typ = jwt.get_unverified_header(token)["typ"]
    forged = {
        "alg none": f"{segment({'alg': 'none', 'typ': typ})}.{body}.",
        "another key": jwt.encode(
            payload,
            another_signing_key(algorithm),
            algorithm=algorithm,
            headers={"typ": typ},
        ),
    }
    if algorithm.startswith("HS"):
        other = "HS512" if algorithm != "HS512" else "HS256"
        forged["another HMAC algorithm"] = jwt.encode(
            payload, signing_key, algorithm=other, headers={"typ": typ}
        )
    else:
        # Algorithm confusion: HS256 keyed with the public key, which anyone may hold.
        signing_input = f"{segment({'alg': 'HS256', 'typ': typ})}.{body}"
        mac = hmac.new(verifying_key.encode(), signing_input.encode(), hashlib.sha256)
        forged["HS256 keyed with the public key"] = (
            f"{signing_input}.{b64url(mac.digest())}"
        )
    return forged


def refusal_problems(response, token):
    """Return what is wrong with a response that must refuse ``token`` (empty: nothing)."""
    status, headers, body = response
    problems = []
    if status != 401:
        problems.append(f"status {status}")
    if not headers.get("Content-Type", "").startswith("application/json"):
        problems.append(f"Content-Type {headers.get('Content-Type')}")
    text = json.dumps(body)
    if not isinstance(body, dict) or "detail" not in body:
        problems.append(f"body {text[:200]}")
    if "Traceback" in text or any(
        len(part) > 8 and part in text for part in token.split(".")
    ):
        problems.append("the body shows a traceback or the token")
    return problems


class HttpsClient:
    """Requests to a production server behind a TLS proxy (X-Forwarded-Proto: https)."""

    def __init__(self, url):
        self.url = url

    def obtain(self, username, password):
        return obtain(self.url, username, password, headers=HTTPS)

    def hello(self, access):
        return http(
            "GET",
            f"{self.url}/api/",
            headers=HTTPS | {"Authorization": f"Bearer {access}"},
        )

    def refresh(self, refresh):
        return http(
            "POST",
            f"{self.url}/api/token/refresh/",
            {"refresh": refresh},
            headers=HTTPS,
        )


@variants("default", "rs256", "eddsa")
@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_forged_tokens_are_refused_over_https_with_production_settings(
    project, variant, tmp_path
):
    algorithm = algorithm_of(variant)
    environment = production_environment(project, DJANGO_SECURE_PROXY_SSL_HEADER="true")
    signing_key = environment.get("JWT_SIGNING_KEY") or environment["JWT_PRIVATE_KEY"]
    verifying_key = environment.get("JWT_PUBLIC_KEY")
    log = tmp_path / "server.log"
    environment["GUNICORN_CMD_ARGS"] = f"--error-logfile {log} --capture-output"
    service = production_copy(project, tmp_path / "service")

    refused = {}
    with served(
        service, workers=1, settings=PRODUCTION_SETTINGS, env=environment
    ) as url:
        client = HttpsClient(url)
        tokens = client.obtain("admin", SUPERUSER_PASSWORD)
        status, headers, _ = client.hello(tokens["access"])
        assert status == 200
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")

        for kind, present in (("access", client.hello), ("refresh", client.refresh)):
            attacks = forgeries(tokens[kind], algorithm, signing_key, verifying_key)
            for attack, forged in attacks.items():
                refused[f"{kind}: {attack}"] = (present(forged), forged)

    problems = {
        attack: found
        for attack, (response, token) in refused.items()
        if (found := refusal_problems(response, token))
    }
    assert problems == {}
    server_log = log.read_text()
    assert (
        "Refused credentials: GET /api/ from 127.0.0.1 (token_not_valid)" in server_log
    )
    for _, token in refused.values():
        assert token.split(".")[1] not in server_log

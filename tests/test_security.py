"""Security of baked projects, proven against real servers.

- Brute-force throttling: a burst on 4 workers ends in 429 after exactly the
  configured number of attempts (file cache and Redis), the refused attempts
  leave no counter behind, and an unreachable cache fails closed (503).
- Forged tokens, over HTTPS, with production settings and keys from the
  environment; the server's own log never holds a token.
- ``check --deploy`` with the documented production environment, and a
  missing secret or broken JWT key stopping the service at start.
"""

import base64
import hashlib
import hmac
import json
import secrets
import sys
import uuid
from collections import Counter

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from tests.support.baking import SUPERUSER_PASSWORD
from tests.support.commands import manage, project_env, run_failing
from tests.support.databases import require_redis
from tests.support.serving import (
    concurrently,
    http,
    production_copy,
    production_environment,
    served,
)
from tests.support.variants import VARIANTS, variants

PRODUCTION = "config.settings.production"
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


# --- Brute-force throttling across workers ----------------------------------------------

LIMIT = 5
BURST = 16


@pytest.mark.parametrize(
    "cache",
    [
        pytest.param("file", marks=pytest.mark.xdist_group("default")),
        pytest.param("redis", marks=pytest.mark.xdist_group("redis")),
    ],
)
def test_a_burst_of_wrong_passwords_ends_in_429_across_workers(bake, cache):
    overrides = {
        "DJANGO_THROTTLE_OBTAIN_PER_USERNAME": f"{LIMIT}/day",
        "DJANGO_THROTTLE_OBTAIN_PER_CLIENT": f"{LIMIT}/day",
        # The burst comes through one proxy, so that every run has fresh
        # client addresses, even in a Redis that outlives the run.
        "DJANGO_NUM_PROXIES": "1",
    }
    if cache == "redis":
        require_redis()
        overrides["REDIS_URL"] = "redis://127.0.0.1:6379/0"
        project = bake(**VARIANTS["redis"]).project_path
    else:
        project = bake().project_path
    run = uuid.uuid4().hex[:8]
    network = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}"

    def attempt(username, client):
        return http(
            "POST",
            f"{url}/api/token/",
            {"username": username, "password": "not the password"},
            headers={"X-Forwarded-For": client},
            timeout=30,
        )

    with served(project, workers=4, env=project_env(**overrides)) as url:
        # One username from many addresses, then one address for many usernames.
        per_username = concurrently(
            BURST, lambda i: attempt(f"victim-{run}", f"{network}.{i}")
        )
        counters_before = counter_files(project)
        per_client = concurrently(
            BURST, lambda i: attempt(f"guess-{run}-{i}", f"{network}.250")
        )
        counters_after = counter_files(project)

    if cache == "file":
        # The client's counter and one per username it was allowed to try:
        # the refused attempts open none.
        assert len(counters_after - counters_before) == 1 + LIMIT
    for results in (per_username, per_client):
        assert Counter(status for status, _, _ in results) == {
            401: LIMIT,
            429: BURST - LIMIT,
        }
        for status, headers, body in results:
            if status == 429:
                assert 0 < int(headers["Retry-After"]) <= 24 * 60 * 60
                assert body["detail"].startswith("Request was throttled.")


def counter_files(project):
    """Return the throttle counter files in the file cache of ``project``."""
    cache = project / ".cache"
    return {
        path
        for path in cache.rglob("*")
        if path.is_file() and path.suffix != ".djcache"
    }


@pytest.mark.xdist_group("default")
def test_an_unreachable_cache_fails_closed_with_503(bake):
    project = bake().project_path
    # Nothing listens on port 1.
    env = project_env(REDIS_URL="redis://127.0.0.1:1/0")
    with served(project, env=env) as url:
        obtained = http(
            "POST",
            f"{url}/api/token/",
            {"username": "admin", "password": SUPERUSER_PASSWORD},
        )
        refreshed = http("POST", f"{url}/api/token/refresh/", {"refresh": "x"})

    for status, headers, body in (obtained, refreshed):
        assert status == 503, body
        assert int(headers["Retry-After"]) > 0
        assert body["detail"].startswith("Signing in is unavailable")


# --- Forged tokens, over HTTPS, with production settings ------------------------------
#
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


def private_pem(private_key):
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_pem(private_key):
    return (
        private_key.public_key()
        .public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        .decode()
    )


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
    forged = {
        "alg none": f"{segment({'alg': 'none', 'typ': 'JWT'})}.{body}.",
        "another key": jwt.encode(
            payload, another_signing_key(algorithm), algorithm=algorithm
        ),
    }
    if algorithm.startswith("HS"):
        other = "HS512" if algorithm != "HS512" else "HS256"
        forged["another HMAC algorithm"] = jwt.encode(
            payload, signing_key, algorithm=other
        )
    else:
        # Algorithm confusion: HS256 keyed with the public key, which anyone may hold.
        signing_input = f"{segment({'alg': 'HS256', 'typ': 'JWT'})}.{body}"
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
    with served(service, workers=1, settings=PRODUCTION, env=environment) as url:
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


# --- check --deploy, and what stops the service at start ---------------------------------


@variants("default", "rs256", "eddsa", "postgresql")
def test_deploy_check_passes_with_the_documented_production_environment(
    project, tmp_path
):
    service = production_copy(project, tmp_path / "service")
    environment = production_environment(project)
    documented = (service / ".env.example").read_text()

    result = manage(
        service,
        *("check", "--deploy", "--fail-level", "WARNING"),
        settings=PRODUCTION,
        env=environment,
    )

    assert "System check identified no issues" in result.stdout
    for name in set(environment) - set(project_env()):
        assert f"{name}=" in documented


@variants("default")
def test_deploy_check_fails_when_a_production_setting_is_weakened(project, tmp_path):
    service = production_copy(project, tmp_path / "service")
    environment = production_environment(project, DJANGO_SECURE_HSTS_SECONDS="0")

    output = run_failing(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        service,
        environment | {"DJANGO_SETTINGS_MODULE": PRODUCTION},
    )

    assert "security.W004" in output


@variants("default")
@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        pytest.param(
            name, value, message, id=f"{name}-{'unset' if value is None else 'empty'}"
        )
        for name, value, message in [
            (
                "DJANGO_SECRET_KEY",
                None,
                "Set the DJANGO_SECRET_KEY environment variable",
            ),
            (
                "DJANGO_ALLOWED_HOSTS",
                "",
                "Set the DJANGO_ALLOWED_HOSTS environment variable",
            ),
            ("DATABASE_URL", None, "Set the DATABASE_URL environment variable"),
            ("JWT_SIGNING_KEY", None, "Set the JWT_SIGNING_KEY environment variable"),
            ("JWT_SIGNING_KEY", "", "jwt_auth.E002"),
        ]
    ],
)
def test_production_refuses_to_start_without_a_secret(
    project, tmp_path, name, value, message
):
    service = production_copy(project, tmp_path / "service")
    environment = production_environment(project, **{name: value})

    output = run_failing(
        [sys.executable, "manage.py", "check"],
        service,
        environment | {"DJANGO_SETTINGS_MODULE": PRODUCTION},
    )

    assert message in output


@pytest.mark.xdist_group("rs256")
def test_production_names_the_missing_key_pair_variable(bake, tmp_path):
    project = bake(**VARIANTS["rs256"]).project_path
    service = production_copy(project, tmp_path / "service")
    environment = production_environment(project, JWT_PRIVATE_KEY=None)

    output = run_failing(
        [sys.executable, "manage.py", "check"],
        service,
        environment | {"DJANGO_SETTINGS_MODULE": PRODUCTION},
    )

    assert "JWT_PRIVATE_KEY_FILE" in output


def key_mistakes():
    p384 = ec.generate_private_key(ec.SECP384R1())
    p256 = ec.generate_private_key(ec.SECP256R1())
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return [
        ("default", {"JWT_SIGNING_KEY": "short-secret"}, "HS256 needs at least 32"),
        (
            "es256",
            {"JWT_PRIVATE_KEY": private_pem(p384), "JWT_PUBLIC_KEY": public_pem(p384)},
            "is an EC P-384 key; ES256 needs an EC P-256 key",
        ),
        ("es256", {"JWT_PUBLIC_KEY": public_pem(p256)}, "is not the public half"),
        (
            "eddsa",
            {
                "JWT_PRIVATE_KEY": private_pem(rsa_key),
                "JWT_PUBLIC_KEY": public_pem(rsa_key),
            },
            "EdDSA needs an Ed25519 or Ed448 key",
        ),
    ]


@pytest.mark.parametrize(
    ("variant", "keys", "message"),
    [
        pytest.param(
            variant, keys, message, marks=pytest.mark.xdist_group(variant), id=message
        )
        for variant, keys, message in key_mistakes()
    ],
)
def test_a_broken_jwt_key_stops_manage_py_at_start(project, keys, message):
    output = run_failing(
        [sys.executable, "manage.py", "migrate"],
        project,
        project_env(DJANGO_SETTINGS_MODULE="config.settings.local", **keys),
    )

    assert "SystemCheckError" in output
    assert message in output


@variants("default")
def test_a_broken_jwt_key_stops_gunicorn_at_start(project, tmp_path):
    service = production_copy(project, tmp_path / "service")
    environment = production_environment(project, JWT_SIGNING_KEY="short-secret")

    with (
        pytest.raises(AssertionError, match="gunicorn exited") as refusal,
        served(service, settings=PRODUCTION, env=environment),
    ):
        pass

    assert "jwt_auth.E003" in str(refusal.value)
    assert "short-secret" not in str(refusal.value)  # Errors never show a key.

"""Gateways that cache the issuer's key set verify every token across a key rotation.

``rotate_jwt_key`` publishes the new key ``JWT_KEY_PUBLISH_SECONDS`` before it
signs, the JWKS ``max-age`` plus the usual refetch cooldown. Here the issuer
publishes for 2 s and the gateways reuse a fetched key set for 1 s (their
``max-age``) and refetch for an unknown key at most every 30 s, as PyJWKClient
and Node's jose do by default: a key that first appeared in the JWKS when it
started signing would fail every token for those 30 s. Both fetch the key set
before the rotation, then verify each access token the issuer hands out
during and after it, through the switch to the new key.
"""

import shutil
import subprocess
import sys
import time

import jwt
import pytest

from tests.support.baking import SUPERUSER_PASSWORD
from tests.support.commands import project_env
from tests.support.node import install_jose
from tests.support.serving import GENEROUS_THROTTLE_RATES, http, served
from tests.support.variants import answers

ISSUER = "https://auth.example.com"
AUDIENCE = "https://services.example.com"
PUBLISH_SECONDS = 2
CACHE_SECONDS = 1
COOLDOWN_SECONDS = 30
# Long enough to see the old key sign, the switch, and the new key sign.
WATCH_SECONDS = PUBLISH_SECONDS + 3
JOSE_SCRIPT = """
import { createRemoteJWKSet, jwtVerify } from "jose";
import { createInterface } from "node:readline";
const [jwksUrl, issuer, audience, cacheMs, cooldownMs] = process.argv.slice(2);
const keys = createRemoteJWKSet(new URL(jwksUrl), {
  cacheMaxAge: Number(cacheMs),
  cooldownDuration: Number(cooldownMs),
});
for await (const token of createInterface({ input: process.stdin })) {
  try {
    await jwtVerify(token, keys, { issuer, audience, algorithms: ["ES256"] });
    console.log("ok");
  } catch (error) {
    console.log(`fail ${error.code}`);
  }
}
"""


class NodeJose:
    """A Node ``jose`` remote key set, in one process that verifies token after token."""

    def __init__(self, folder, jwks_url):
        arguments = [ISSUER, AUDIENCE, CACHE_SECONDS * 1000, COOLDOWN_SECONDS * 1000]
        self.process = subprocess.Popen(
            [shutil.which("node"), str(folder / "verify.mjs"), jwks_url]
            + [str(argument) for argument in arguments],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def verify(self, token):
        """Return None when the token verifies, else jose's error code."""
        self.process.stdin.write(token + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline().strip()
        return None if answer == "ok" else answer

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)


class PyJWTGateway:
    """A ``PyJWKClient`` with a 1 s key set cache and its 30 s refetch cooldown."""

    def __init__(self, jwks_url):
        self.client = jwt.PyJWKClient(
            jwks_url, lifespan=CACHE_SECONDS, cooldown_duration=COOLDOWN_SECONDS
        )

    def verify(self, token):
        """Return None when the token verifies, else the error."""
        try:
            key = self.client.get_signing_key_from_jwt(token)
            jwt.decode(
                token, key.key, algorithms=["ES256"], issuer=ISSUER, audience=AUDIENCE
            )
        except jwt.PyJWTError as error:
            return repr(error)
        return None


@pytest.fixture(scope="session")
def jose_folder(tmp_path_factory):
    """Return a folder where Node's ``jose`` is installed."""
    return install_jose(tmp_path_factory, "node-jose-rotation", JOSE_SCRIPT)


def kid(token):
    return jwt.get_unverified_header(token)["kid"]


@pytest.mark.xdist_group("es256")
def test_caching_gateways_verify_every_token_across_a_rotation(
    bake, tmp_path, jose_folder
):
    # A copy: the rotation changes the keys of the project other tests serve.
    issuer = tmp_path / "issuer"
    shutil.copytree(
        bake(**answers("es256")).project_path,
        issuer,
        ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"),
    )
    env = project_env(
        JWT_ISSUER=ISSUER,
        JWT_AUDIENCE=AUDIENCE,
        JWT_KEY_PUBLISH_SECONDS=PUBLISH_SECONDS,
        **GENEROUS_THROTTLE_RATES,
    )
    with served(issuer, env=env) as base_url:
        status, _, tokens = http(
            "POST",
            f"{base_url}/api/token/",
            {"username": "admin", "password": SUPERUSER_PASSWORD},
        )
        assert status == 200, tokens
        jwks_url = f"{base_url}/.well-known/jwks.json"
        gateways = {
            "pyjwt": PyJWTGateway(jwks_url),
            "jose": NodeJose(jose_folder, jwks_url),
        }
        try:
            # Both fetch the key set before the rotation.
            for name, gateway in gateways.items():
                assert gateway.verify(tokens["access"]) is None, name

            # The gateways keep verifying while the key is rotated.
            rotation = subprocess.Popen(
                [sys.executable, "manage.py", "rotate_jwt_key"],
                cwd=issuer,
                env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.local"},
            )
            failures, kids, refresh = [], [], tokens["refresh"]
            deadline = None
            while deadline is None or time.monotonic() < deadline:
                if deadline is None and rotation.poll() is not None:
                    assert rotation.returncode == 0
                    deadline = time.monotonic() + WATCH_SECONDS
                status, _, refreshed = http(
                    "POST", f"{base_url}/api/token/refresh/", {"refresh": refresh}
                )
                assert status == 200, refreshed
                refresh = refreshed.get("refresh", refresh)
                token = refreshed["access"]
                kids.append(kid(token))
                for name, gateway in gateways.items():
                    if (error := gateway.verify(token)) is not None:
                        failures.append((name, kid(token), error))
                time.sleep(0.1)
        finally:
            gateways["jose"].close()

    old_kid = kid(tokens["access"])
    assert kids[0] == old_kid, "the new key signed before it was published"
    assert kids[-1] != old_kid, "the new key never signed"
    assert failures == []

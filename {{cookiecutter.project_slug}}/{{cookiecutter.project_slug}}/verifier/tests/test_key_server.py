"""A key server that misbehaves cannot hold, crash or redirect the verifier's fetch.

A real HTTP server, written here, answers ``fetch_jwks`` the way a hung,
slow, hostile or broken issuer (or whoever answers in its place) would.
"""

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.jwt_keys.generation import generate_private_key
from {{ cookiecutter.project_slug }}.jwt_keys.jwk import public_jwk
from {{ cookiecutter.project_slug }}.verifier import remote_keys
from {{ cookiecutter.project_slug }}.verifier.remote_keys import (
    FIRST_KEYS_WAIT_SECONDS,
    MAX_JWKS_BYTES,
    FetchedKeys,
    fetch_jwks,
)

from tests.helpers import authorization_header

ALGORITHM = settings.SIMPLE_JWT["ALGORITHM"]
TIMEOUT = 1.0
# Long enough for ten requests to come within one interval.
REFETCH_SECONDS = 2
SIGNING_KEY = generate_private_key(ALGORITHM)
JWKS = {"keys": [public_jwk(SIGNING_KEY.public_key(), ALGORITHM)]}
MAX_AGE = 120
ISSUER = "https://issuer.example"
AUDIENCE = "https://api.example"
# Released at the end of a test whose key server hangs.
released = threading.Event()


class KeyServer(BaseHTTPRequestHandler):
    """Answers by path: /good, /hang, /drip, /huge, /deep, /to-ftp, /to-https, /moved."""

    def do_GET(self) -> None:
        self.server.requests.append(self.path)  # type: ignore[attr-defined]
        answers = {
            "/good": lambda: self.send(json.dumps(JWKS).encode()),
            "/hang": lambda: released.wait(TIMEOUT * 4),
            "/drip": self.drip,
            "/huge": lambda: self.send(b" " * (MAX_JWKS_BYTES + 1) + b"{}"),
            "/deep": lambda: self.send(b"[" * 100_000 + b"]" * 100_000),
            "/to-ftp": lambda: self.redirect("ftp://127.0.0.1/jwks.json"),
            "/to-https": lambda: self.redirect("https://127.0.0.1:1/jwks.json"),
            "/moved": lambda: self.redirect("/good"),
        }
        answers[self.path]()

    def send(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", f"public, max-age={MAX_AGE}")
        self.end_headers()
        self.wfile.write(body)

    def drip(self) -> None:
        body = json.dumps(JWKS).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        for byte in body:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(0.1)

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), KeyServer)
    server.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    released.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def key_server(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_port}"


def access_token(key: Any = SIGNING_KEY, **claims: object) -> str:
    kid = public_jwk(key.public_key(), ALGORITHM)["kid"]
    now = int(time.time())
    payload = {
        "token_type": "access",
        "sub": "1",
        "iat": now,
        "exp": now + 60,
        "jti": "a1b2c3",
        "iss": ISSUER,
        "aud": AUDIENCE,
    } | claims
    return jwt.encode(
        payload, key, algorithm=ALGORITHM, headers={"typ": "at+jwt", "kid": kid}
    )


def timed_get(token: str) -> tuple[int, float]:
    """Return the status of ``GET /api/me/`` with ``token`` and the seconds it took."""
    started = time.monotonic()
    response = APIClient().get(
        "/api/me/", HTTP_AUTHORIZATION=authorization_header(token)
    )
    return response.status_code, time.monotonic() - started


def test_a_good_answer_and_a_same_scheme_redirect_are_taken(key_server: str) -> None:
    expected = FetchedKeys(JWKS, max_age=MAX_AGE)
    assert fetch_jwks(f"{key_server}/good", timeout=TIMEOUT) == expected
    assert fetch_jwks(f"{key_server}/moved", timeout=TIMEOUT) == expected


@pytest.mark.parametrize("path", ["/hang", "/drip"])
def test_a_slow_server_cannot_hold_the_fetch_past_its_deadline(
    key_server: str, path: str
) -> None:
    started = time.monotonic()
    with pytest.raises(OSError):  # noqa: PT011 - a timeout, however urllib says it.
        fetch_jwks(f"{key_server}{path}", timeout=TIMEOUT)
    assert time.monotonic() - started < TIMEOUT * 2


@pytest.mark.parametrize("path", ["/huge", "/deep", "/to-ftp", "/to-https"])
def test_a_hostile_answer_is_refused(key_server: str, path: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message names the URL.
        fetch_jwks(f"{key_server}{path}", timeout=TIMEOUT)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/deep", "/huge", "/to-ftp", "/hang"])
def test_a_hostile_key_server_gets_503_not_500(key_server: str, path: str) -> None:
    with override_settings(
        JWT_JWKS_URL=f"{key_server}{path}",
        SIMPLE_JWT=settings.SIMPLE_JWT | {"ISSUER": ISSUER, "AUDIENCE": AUDIENCE},
    ):
        response = APIClient().get(
            "/api/me/", HTTP_AUTHORIZATION=authorization_header(access_token())
        )
    assert response.status_code == 503
    assert "Retry-After" in response


@pytest.mark.django_db
def test_a_key_server_that_hangs_keeps_no_request_waiting(
    server: ThreadingHTTPServer, key_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(remote_keys, "REFETCH_SECONDS", REFETCH_SECONDS)
    strangers = [access_token(generate_private_key(ALGORITHM)) for _ in range(10)]
    known = [access_token(jti=f"new-{n}") for n in range(10)]
    settings_of_the_verifier = override_settings(
        JWT_JWKS_URL=f"{key_server}/good",
        SIMPLE_JWT=settings.SIMPLE_JWT | {"ISSUER": ISSUER, "AUDIENCE": AUDIENCE},
    )
    with settings_of_the_verifier:
        assert timed_get(access_token())[0] == 200
        server.requests.clear()  # type: ignore[attr-defined]
        # The same verifier, its key server now hanging.
        server.RequestHandlerClass = HangingKeyServer
        time.sleep(REFETCH_SECONDS)  # This worker may ask again for a new kid.
        refused = [timed_get(token) for token in strangers]
        accepted = [timed_get(token) for token in known]
        asked = wait_for_requests(server)
    server.RequestHandlerClass = KeyServer

    assert {status for status, _ in refused} == {401}
    assert {status for status, _ in accepted} == {200}
    slowest = max(seconds for _, seconds in refused + accepted)
    assert slowest < FIRST_KEYS_WAIT_SECONDS / 2
    # Ten unknown kids asked the hung server once, not ten times.
    assert asked == ["/hang"]


def wait_for_requests(server: ThreadingHTTPServer) -> list[str]:
    """Return the paths ``server`` was asked, once one came (or a second passed)."""
    deadline = time.monotonic() + 1
    while not server.requests and time.monotonic() < deadline:  # type: ignore[attr-defined]
        time.sleep(0.01)
    return list(server.requests)  # type: ignore[attr-defined]


class HangingKeyServer(KeyServer):
    """Hangs at every path, as an issuer that stopped answering."""

    def do_GET(self) -> None:
        self.path = "/hang"
        super().do_GET()

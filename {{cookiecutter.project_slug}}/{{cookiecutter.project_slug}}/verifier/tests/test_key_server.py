"""A key server that misbehaves cannot hold, crash or redirect the verifier's fetch.

A real HTTP server, written here, answers ``fetch_jwks`` the way a hung,
slow, hostile or broken issuer (or whoever answers in its place) would.
"""

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.jwt_keys.generation import generate_private_key
from {{ cookiecutter.project_slug }}.jwt_keys.jwk import public_jwk
from {{ cookiecutter.project_slug }}.verifier.remote_keys import (
    MAX_JWKS_BYTES,
    fetch_jwks,
)

from tests.helpers import authorization_header

ALGORITHM = settings.SIMPLE_JWT["ALGORITHM"]
TIMEOUT = 1.0
JWKS = {"keys": [public_jwk(generate_private_key(ALGORITHM).public_key(), ALGORITHM)]}


class KeyServer(BaseHTTPRequestHandler):
    """Answers by path: /good, /hang, /drip, /huge, /deep, /to-ftp, /to-https, /moved."""

    def do_GET(self) -> None:
        answers = {
            "/good": lambda: self.send(json.dumps(JWKS).encode()),
            "/hang": lambda: time.sleep(TIMEOUT * 4),
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
def key_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), KeyServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_a_good_answer_and_a_same_scheme_redirect_are_taken(key_server: str) -> None:
    assert fetch_jwks(f"{key_server}/good", timeout=TIMEOUT) == JWKS
    assert fetch_jwks(f"{key_server}/moved", timeout=TIMEOUT) == JWKS


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
@pytest.mark.parametrize("path", ["/deep", "/huge", "/to-ftp"])
def test_a_hostile_key_server_gets_503_not_500(key_server: str, path: str) -> None:
    token = jwt.encode(
        {"sub": "1", "exp": int(time.time()) + 60},
        generate_private_key(ALGORITHM),
        algorithm=ALGORITHM,
        headers={"typ": "at+jwt", "kid": "a-key-of-the-issuer"},
    )
    with override_settings(
        JWT_JWKS_URL=f"{key_server}{path}",
        SIMPLE_JWT=settings.SIMPLE_JWT
        | {"ISSUER": "https://issuer.example", "AUDIENCE": "https://api.example"},
    ):
        response = APIClient().get(
            "/api/me/", HTTP_AUTHORIZATION=authorization_header(token)
        )
    assert response.status_code == 503
    assert "Retry-After" in response

"""Tokens naming keys nobody published, sent to a verifier beside a load.

Each names a new ``kid``: a verifier that looked every unknown ``kid`` up at
the issuer inside the request would keep its worker waiting on the issuer,
and the valid tokens queued behind it too. One thread sends them one after
the other, so at most one is in flight.
"""

import threading
import time
import uuid
from contextlib import contextmanager

import jwt
from cryptography.hazmat.primitives.asymmetric import ec

from benchmarks.run.projects import CLAIMS
from tests.support.serving import http

# Between two strangers: a steady trickle, far below the load it runs beside.
PAUSE_SECONDS = 0.05


def stranger_token(key):
    """Return an access token of the benchmark's issuer and audience, with an unknown kid."""
    now = int(time.time())
    claims = {
        "token_type": "access",
        "sub": "1",
        "iat": now,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
        "iss": CLAIMS["JWT_ISSUER"],
        "aud": CLAIMS["JWT_AUDIENCE"],
    }
    headers = {"typ": "at+jwt", "kid": uuid.uuid4().hex}
    return jwt.encode(claims, key, algorithm="ES256", headers=headers)


@contextmanager
def strangers(server):
    """Send tokens with unknown kids to ``server``'s /api/ while in this block.

    Yields a dict whose ``sent`` and ``statuses`` (count by status) fill as
    they are answered.
    """
    key = ec.generate_private_key(ec.SECP256R1())
    stop = threading.Event()
    tally = {"sent": 0, "statuses": {}}

    def send():
        while not stop.is_set():
            token = stranger_token(key)
            try:
                status, _, _ = http(
                    "GET",
                    f"{server.url}/api/",
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=60,
                )
            except OSError:
                status = "no answer"
            tally["sent"] += 1
            tally["statuses"][status] = tally["statuses"].get(status, 0) + 1
            stop.wait(PAUSE_SECONDS)

    thread = threading.Thread(target=send, name="strangers", daemon=True)
    thread.start()
    try:
        yield tally
    finally:
        stop.set()
        thread.join(timeout=120)

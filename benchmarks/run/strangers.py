"""Tokens naming keys nobody published, sent to a verifier beside a load.

Each names a new ``kid``: a verifier that looked every unknown ``kid`` up at
the issuer inside the request would keep its worker waiting on the issuer,
and the valid tokens queued behind it too. One thread per worker of the
server sends them one after the other, so that every worker may get one
while the others serve the load.
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
def strangers(server, senders):
    """Send tokens with unknown kids to ``server``'s /api/ from ``senders`` threads.

    Yields a dict whose ``sent``, ``statuses`` (count by status) and
    ``slowest`` (seconds) fill as they are answered.
    """
    key = ec.generate_private_key(ec.SECP256R1())
    stop = threading.Event()
    lock = threading.Lock()
    tally = {"sent": 0, "statuses": {}, "slowest": 0.0}

    def send():
        while not stop.is_set():
            token = stranger_token(key)
            started = time.monotonic()
            try:
                status, _, _ = http(
                    "GET",
                    f"{server.url}/api/",
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=60,
                )
            except OSError:
                status = "no answer"
            with lock:
                tally["sent"] += 1
                tally["statuses"][status] = tally["statuses"].get(status, 0) + 1
                tally["slowest"] = max(tally["slowest"], time.monotonic() - started)
            stop.wait(PAUSE_SECONDS)

    threads = [
        threading.Thread(target=send, name=f"strangers-{n}", daemon=True)
        for n in range(senders)
    ]
    for thread in threads:
        thread.start()
    try:
        yield tally
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)

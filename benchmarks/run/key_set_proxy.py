"""A local proxy in front of the issuer's key set, counting the verifier's fetches.

It can also play an issuer that hangs (``hung()``): every fetch waits until
the end of the load, as behind a dead connection, then gets 504.
"""

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.support.serving import http


class CountingProxy:
    """A local HTTP proxy to ``upstream`` that counts the requests it forwards.

    The verifier's ``JWT_JWKS_URL`` points here, so every time it fetches the
    issuer's key set is counted: the proof that it verifies tokens without
    calling the issuer on each request.
    """

    def __init__(self, upstream):
        self.upstream = upstream
        self.count = 0
        self._lock = threading.Lock()
        self._hanging = threading.Event()
        self._released = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def _handler(self):
        proxy = self

        class Forward(BaseHTTPRequestHandler):
            def do_GET(self):
                with proxy._lock:
                    proxy.count += 1
                if proxy._hanging.is_set():
                    proxy._released.wait(timeout=120)
                    self.send_response(504)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status, headers, body = http("GET", proxy.upstream + self.path)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                if headers.get("Cache-Control"):
                    self.send_header("Cache-Control", headers["Cache-Control"])
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        return Forward

    @contextmanager
    def hung(self):
        """Hang every fetch while in this block (answered 504 at its end)."""
        self._released.clear()
        self._hanging.set()
        try:
            yield self
        finally:
            self._hanging.clear()
            self._released.set()

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info):
        self._released.set()
        self._server.shutdown()
        self._server.server_close()

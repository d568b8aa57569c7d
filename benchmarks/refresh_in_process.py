"""Refresh each token of a file through a project's WSGI handler, in this process.

    python benchmarks/refresh_in_process.py PROJECT SETTINGS TOKENS

Run from ``benchmarks.instructions`` under callgrind, in the project's
environment (its settings, its database). TOKENS holds one refresh token a
line (``benchmarks.run.projects.issue_refresh_tokens``); each is refreshed
once, one request each, as gunicorn would hand it to Django, without the
network.
"""

import io
import json
import os
import sys
from pathlib import Path


def refresher(application):
    """Return a function that refreshes one token through ``application``."""

    def refresh(token):
        body = json.dumps({"refresh": token}).encode()
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/api/token/refresh/",
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1:8000",
            "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
        }
        statuses = []
        response = application(environ, lambda status, *_: statuses.append(status))
        b"".join(response)
        response.close()
        if not statuses[0].startswith("200"):
            sys.exit(f"refresh answered {statuses[0]}")

    return refresh


def main(project, settings, tokens):
    sys.path.insert(0, project)
    os.chdir(project)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    from django.core.wsgi import get_wsgi_application  # noqa: PLC0415

    refresh = refresher(get_wsgi_application())
    for token in Path(tokens).read_text().split():
        refresh(token)


if __name__ == "__main__":
    main(*sys.argv[1:])

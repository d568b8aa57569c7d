"""Refresh distinct tokens through a project's WSGI handler, in this process.

    python benchmarks/refresh_in_process.py PROJECT SETTINGS COUNT

Run from ``benchmarks.instructions`` under callgrind, in the project's
environment (its settings, its database). It issues ``ISSUED`` refresh tokens
of the superuser, refreshes ``WARM_UP`` of them, then ``COUNT`` more: one
request each, as gunicorn would hand it to Django, without the network. The
number of tokens issued does not depend on ``COUNT``, so that two runs with
different counts differ only by the refreshes.
"""

import io
import json
import os
import sys

ISSUED = 700
WARM_UP = 100
USERNAME = "admin"


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


def main(project, settings, count):
    sys.path.insert(0, project)
    os.chdir(project)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    from django.core.wsgi import get_wsgi_application  # noqa: PLC0415

    application = get_wsgi_application()
    from django.contrib.auth import get_user_model  # noqa: PLC0415
    from django.db import transaction  # noqa: PLC0415
    from django.utils.module_loading import import_string  # noqa: PLC0415
    from rest_framework_simplejwt.settings import api_settings  # noqa: PLC0415

    user = get_user_model().objects.get(username=USERNAME)
    obtain = import_string(api_settings.TOKEN_OBTAIN_SERIALIZER)(context={})
    with transaction.atomic():
        tokens = [str(obtain.get_token(user)) for _ in range(ISSUED)]
    if WARM_UP + count > ISSUED:
        sys.exit(f"at most {ISSUED - WARM_UP} refreshes")
    refresh = refresher(application)
    for token in tokens[: WARM_UP + count]:
        refresh(token)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))

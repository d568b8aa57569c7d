"""What a browser sends: the login, the CSRF token it reads, the cookies it holds."""

from django.conf import settings

from tests.helpers import credentials

APP_ORIGIN = "https://app.example.com"
OTHER_ORIGIN = "https://evil.example.net"


def log_in(client, user, **extra):
    return client.post("/api/token/", credentials(user), format="json", **extra)


def csrf_token(client):
    return client.cookies[settings.CSRF_COOKIE_NAME].value


def refresh_cookie(client):
    return client.cookies[settings.REFRESH_COOKIE_NAME].value


def post_with_csrf(client, path, **extra):
    return client.post(path, HTTP_X_CSRFTOKEN=csrf_token(client), **extra)

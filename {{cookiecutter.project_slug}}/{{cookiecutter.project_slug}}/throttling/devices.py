"""Device cookies: a client that logged in as a user keeps a password budget of its own.

The per-username limit slows down guessing one user's password from many
addresses, but counted alone it is a lockout button: whoever sends enough
wrong passwords for a username makes its owner's correct one answer 429 until
the window ends. OWASP's "Slow Brute Force Attacks: Device Cookies" keeps the
limit without the button: a successful login gets a signed cookie naming the
user, and a later attempt that presents it counts against a budget of that
device alone, not the username's shared one. Attackers without such a cookie
still share the username's budget; one who stole a cookie gets one device's
budget, no more. The cookie holds a hash of the username and a random id,
signed with ``SECRET_KEY`` (Django's ``signing``), so it cannot be forged or
moved to another username, and it is sent to the login endpoint only.

https://owasp.org/www-community/Slow_Down_Online_Guessing_Attacks_with_Device_Cookies
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django.urls import reverse
from rest_framework.response import Response

DEVICE_COOKIE_NAME = "login_device"
DEVICE_COOKIE_MAX_AGE = timedelta(days=365)
SALT = "throttling.devices"


def set_device_cookie(response: Response, username_digest: str) -> None:
    """Give the client of ``response`` a device cookie for the user of ``username_digest``."""
    value = signing.dumps(
        {"user": username_digest, "device": secrets.token_urlsafe(16)},
        salt=SALT,
        compress=True,
    )
    response.set_cookie(
        DEVICE_COOKIE_NAME,
        value,
        max_age=int(DEVICE_COOKIE_MAX_AGE.total_seconds()),
        path=reverse("token_obtain_pair"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )


def trusted_device(request: HttpRequest, username_digest: str) -> str | None:
    """Return the id of the request's device cookie for this user, or None."""
    value = request.COOKIES.get(DEVICE_COOKIE_NAME)
    if not value:
        return None
    try:
        cookie = signing.loads(value, salt=SALT, max_age=DEVICE_COOKIE_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(cookie, dict) or cookie.get("user") != username_digest:
        return None
    device = cookie.get("device")
    return device if isinstance(device, str) else None

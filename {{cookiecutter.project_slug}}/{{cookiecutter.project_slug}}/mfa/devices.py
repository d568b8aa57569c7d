"""A user's second factors: one TOTP device and a set of recovery codes (django-otp).

django-otp's TOTP device refuses a code already used (it keeps the last
time step that verified), corrects clock drift, and slows guessing down
with its own per-device throttle; each check here locks the device row
first, so two concurrent requests cannot both use one code. Recovery codes
live in a static device, stored as digests (``recovery_codes.py``).
"""

import re

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from {{ cookiecutter.project_slug }}.users.models import User

from . import recovery_codes

TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"
TOTP_CODE = re.compile(r"\d{6}")


def confirmed_totp(user: User) -> TOTPDevice | None:
    """Return the user's confirmed TOTP device, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user: User) -> bool:
    """Return True when a login of ``user`` must give a code after the password."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_device(user: User) -> StaticDevice | None:
    """Return the device holding the user's recovery codes, or None."""
    return StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()


def recovery_codes_remaining(user: User) -> int:
    """Return how many of the user's recovery codes are still unused."""
    device = recovery_device(user)
    return 0 if device is None else device.token_set.count()


def verify_totp(device: TOTPDevice, code: str) -> bool:
    """Return True when ``code`` is the device's current code, not used before."""
    if not TOTP_CODE.fullmatch(code):
        return False
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        return bool(locked.verify_token(code))


def verify_recovery_code(user: User, code: str) -> bool:
    """Return True when ``code`` is one of the user's unused recovery codes; spend it."""
    device = recovery_device(user)
    digest = recovery_codes.digest_of(code)
    if device is None or digest is None:
        return False
    with transaction.atomic():
        locked = StaticDevice.objects.select_for_update().get(pk=device.pk)
        return bool(locked.verify_token(digest))


def verify_second_factor(user: User, code: str) -> str | None:
    """Return which factor ``code`` passed ("totp" or "recovery_code"), or None.

    Six digits are a TOTP code; anything else is tried as a recovery code.
    """
    device = confirmed_totp(user)
    if device is None:
        return None
    if TOTP_CODE.fullmatch(code):
        return "totp" if verify_totp(device, code) else None
    return "recovery_code" if verify_recovery_code(user, code) else None


def start_totp_setup(user: User) -> TOTPDevice:
    """Return a new unconfirmed TOTP device for ``user``, replacing an unconfirmed one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def unconfirmed_totp(user: User) -> TOTPDevice | None:
    """Return the TOTP device being set up for ``user``, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with a new set; return it (shown once)."""
    codes = recovery_codes.generate()
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        for code in codes:
            device.token_set.create(token=recovery_codes.digest_of(code))
    return codes


def remove_second_factor(user: User) -> None:
    """Delete every TOTP device and recovery code of ``user``."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()

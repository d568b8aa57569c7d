"""The ``mfa_token``: the password step of a login, redeemed once with a code.

``start`` issues it after the password was checked; ``open_challenge``
finds a live one; ``count_failure`` and ``spend`` change it with one
conditional UPDATE each, so concurrent requests cannot both spend it, nor
get more than ``MFA_TOKEN_MAX_FAILURES`` wrong codes past it.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db.models import F, QuerySet
from django.utils import timezone

from {{ cookiecutter.project_slug }}.jwt_auth import password_stamp
from {{ cookiecutter.project_slug }}.users.models import User

from .conf import mfa_settings
from .errors import MFATokenInvalidError
from .models import LoginChallenge


def digest_of(mfa_token: str) -> str:
    """Return the stored form of ``mfa_token`` (it has 256 random bits: no salt needed)."""
    return hashlib.sha256(mfa_token.encode()).hexdigest()


Purpose = LoginChallenge.Purpose


def start(user: User, purpose: Purpose) -> dict[str, object]:
    """Issue an mfa_token for ``user``, whose password was just checked; return the answer."""
    mfa_token = secrets.token_urlsafe(32)
    lifetime = mfa_settings.MFA_TOKEN_SECONDS
    LoginChallenge.objects.create(
        digest=digest_of(mfa_token),
        purpose=purpose,
        user=user,
        password_stamp=password_stamp.password_stamp(user.password),
        expires_at=timezone.now() + timedelta(seconds=lifetime),
    )
    answer: dict[str, object] = {"mfa_required": True}
    if purpose == Purpose.ENROLMENT:
        answer["mfa_enrolment_required"] = True
    return answer | {"mfa_token": mfa_token, "expires_in": lifetime}


def live_challenges() -> QuerySet[LoginChallenge]:
    """Return the challenges that can still be redeemed."""
    return LoginChallenge.objects.filter(
        spent_at=None,
        expires_at__gt=timezone.now(),
        failures__lt=mfa_settings.MFA_TOKEN_MAX_FAILURES,
    )


def open_challenge(mfa_token: str, purpose: Purpose) -> LoginChallenge:
    """Return the live challenge of ``mfa_token`` for ``purpose``; else raise MFATokenInvalidError (401)."""
    challenge = (
        live_challenges()
        .select_related("user")
        .filter(digest=digest_of(mfa_token), purpose=purpose)
        .first()
    )
    if challenge is None:
        raise MFATokenInvalidError
    user = challenge.user
    if not user.is_active or not password_stamp.stamp_matches(
        challenge.password_stamp, password_stamp.password_stamps(user.password)
    ):
        raise MFATokenInvalidError
    return challenge


def count_failure(challenge: LoginChallenge) -> None:
    """Count a wrong code against ``challenge``: the last allowed one kills it."""
    LoginChallenge.objects.filter(pk=challenge.pk).update(failures=F("failures") + 1)


def spend(challenge: LoginChallenge) -> bool:
    """Use ``challenge`` up; return True if this call was the one that did."""
    return bool(
        live_challenges().filter(pk=challenge.pk).update(spent_at=timezone.now())
    )


def dead_challenges() -> QuerySet[LoginChallenge]:
    """Return the challenges that can no longer be redeemed (``prune_tokens`` deletes them)."""
    return LoginChallenge.objects.exclude(pk__in=live_challenges().values("pk"))

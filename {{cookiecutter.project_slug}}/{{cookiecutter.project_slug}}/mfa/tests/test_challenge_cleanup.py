"""``prune_tokens`` deletes the mfa_tokens nobody can redeem, and keeps the live ones."""

from datetime import timedelta

import pytest
from django.utils import timezone

from {{ cookiecutter.project_slug }}.mfa.conf import mfa_settings
from {{ cookiecutter.project_slug }}.mfa.models import LoginChallenge
from {{ cookiecutter.project_slug }}.token_sessions.cleanup import delete_expired

pytestmark = pytest.mark.django_db


def challenge(user, digest, *, expires_in=timedelta(minutes=5), **fields):
    LoginChallenge.objects.create(
        digest=digest,
        purpose=LoginChallenge.Purpose.LOGIN,
        user=user,
        password_stamp="",
        expires_at=timezone.now() + expires_in,
        **fields,
    )


def test_spent_expired_and_failed_out_challenges_go_and_live_ones_stay(user):
    most = mfa_settings.MFA_TOKEN_MAX_FAILURES
    challenge(user, "live")
    challenge(user, "one failure short", failures=most - 1)
    challenge(user, "spent", spent_at=timezone.now())
    challenge(user, "expired", expires_in=-timedelta(seconds=1))
    challenge(user, "failed out", failures=most)

    deleted = delete_expired(batch_size=2)

    assert deleted["mfa tokens"] == 3
    assert set(LoginChallenge.objects.values_list("digest", flat=True)) == {
        "live",
        "one failure short",
    }

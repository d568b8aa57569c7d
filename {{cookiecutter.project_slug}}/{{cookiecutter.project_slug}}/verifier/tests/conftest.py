"""The stand-in issuer and the clocks of ``remote_keys``, for the verifier's tests."""

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import override_settings

from {{ cookiecutter.project_slug }}.verifier import remote_keys

from .issuer_stand_in import (
    AUDIENCE,
    ISSUER,
    JWKS_URL,
    Clock,
    Issuer,
)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(remote_keys, "time", clock)
    return clock


@pytest.fixture
def issuer(monkeypatch: pytest.MonkeyPatch, clock: Clock) -> Iterator[Issuer]:
    issuer = Issuer()
    monkeypatch.setattr(remote_keys, "fetch_jwks", issuer.jwks)
    with override_settings(
        JWT_JWKS_URL=JWKS_URL,
        SIMPLE_JWT=settings.SIMPLE_JWT | {"ISSUER": ISSUER, "AUDIENCE": AUDIENCE},
    ):
        yield issuer

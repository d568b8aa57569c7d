"""System check of the throttle rates, which DRF would parse only at the first request."""

from collections.abc import Sequence

from django.apps import AppConfig
from django.core import checks
from rest_framework.settings import api_settings as drf_settings

from .throttles import parse_rate


def check_throttle_rates(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: object
) -> list[checks.CheckMessage]:
    """Return an Error for each throttle rate DRF could not parse at the first request."""
    errors: list[checks.CheckMessage] = []
    for scope, rate in drf_settings.DEFAULT_THROTTLE_RATES.items():
        try:
            parse_rate(rate)
        except ValueError:
            errors.append(
                checks.Error(
                    f"The throttle rate of {scope!r} is {rate!r}, not '<number>/<period>'.",
                    hint="Write rates like 20/minute, 30/hour or 1000/day "
                    "(see the DJANGO_THROTTLE_* variables in .env.example).",
                    obj="REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']",
                    id="jwt_auth.E009",
                )
            )
    return errors

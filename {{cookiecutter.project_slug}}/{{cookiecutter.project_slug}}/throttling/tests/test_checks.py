"""A throttle rate DRF could not parse stops the start, not the first request."""

from django.conf import settings
from django.test import override_settings

from {{ cookiecutter.project_slug }}.throttling.checks import check_throttle_rates


def test_a_malformed_throttle_rate_is_an_error():
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    broken = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": rates | {"token_obtain_per_client": "20 per minute"}
    }

    with override_settings(REST_FRAMEWORK=broken):
        [error] = check_throttle_rates()

    assert error.id == "jwt_auth.E009"
    assert "'20 per minute'" in error.msg

import pytest


@pytest.fixture(autouse=True)
def codes_required_for_staff(settings):
    """MFA_REQUIRED_FOR_STAFF as it is by default (the test settings turn it off)."""
    settings.MFA_REQUIRED_FOR_STAFF = True

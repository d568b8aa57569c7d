"""Users log in with their email address: one account per address, however it is spelled."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from {{ cookiecutter.project_slug }}.users.addresses import normalize_email_address

from tests.helpers import PASSWORD, create_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Alice@Example.COM ", "alice@example.com"),
        ("\uff21lice@example.com", "alice@example.com"),  # Fullwidth A.
        ("\u210c@example.com", "h@example.com"),  # Black-letter H: NFKC, then lower.
    ],
)
def test_addresses_are_trimmed_nfkc_normalized_and_lower_cased(typed, stored):
    assert normalize_email_address(typed) == stored


def test_a_user_is_stored_with_the_normalized_address():
    user = get_user_model().objects.create_user(" Alice@Example.COM", PASSWORD)

    user.refresh_from_db()
    assert user.email == "alice@example.com"


def test_a_user_is_found_by_any_spelling_of_the_address():
    user = create_user("alice")

    found = get_user_model().objects.get_by_natural_key(" ALICE@example.com\t")

    assert found == user


def test_a_duplicate_differing_in_case_is_a_validation_error_not_an_integrity_error():
    create_user("alice")
    duplicate = get_user_model()(email="ALICE@EXAMPLE.COM")
    duplicate.set_password(PASSWORD)

    with pytest.raises(ValidationError) as refused:
        duplicate.full_clean()

    assert "already exists" in str(refused.value)


def test_the_database_refuses_a_case_variant_written_around_save():
    create_user("alice")
    bob = create_user("bob")

    with pytest.raises(IntegrityError), transaction.atomic():
        # update() skips save() and its normalization: the constraint on
        # Lower(email) still holds.
        get_user_model().objects.filter(pk=bob.pk).update(email="ALICE@example.com")


def test_obtain_takes_the_address_in_any_spelling(api_client):
    create_user("alice")

    response = api_client.post(
        "/api/token/",
        {"email": "  ALICE@example.com", "password": PASSWORD},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert set(response.json()) >= {"access"}


def test_obtain_takes_no_username(api_client):
    create_user("alice")

    response = api_client.post(
        "/api/token/",
        {"username": "alice@example.com", "password": PASSWORD},
        format="json",
    )

    assert response.status_code == 400
    assert "email" in response.json()

"""``manage.py createsuperuser --noinput``: the password is validated, and shown safely."""

import io
import stat

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from tests.helpers import LOGIN_FIELD, create_user

STRONG_PASSWORD = "a long-enough pass 4c9e"
# The superuser's login name: a username, or the address.
ROOT = "root@example.com" if LOGIN_FIELD == "email" else "root"


def create_superuser(**options):
    """Run ``createsuperuser --noinput`` for ``root``; return what it printed."""
    stdout = io.StringIO()
    names = {"email": "root@example.com", LOGIN_FIELD: ROOT}
    call_command(
        "createsuperuser", interactive=False, stdout=stdout, **names, **options
    )
    return stdout.getvalue()


@pytest.fixture
def no_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("admin", "too short"),
        ("password123", "too common"),
        ("83920174615", "entirely numeric"),
        ("root@example.com", "too similar"),
    ],
)
def test_a_weak_password_from_the_environment_is_refused_with_the_validators_message(
    monkeypatch, password, message
):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", password)

    with pytest.raises(CommandError, match=message):
        create_superuser()

    assert not get_user_model().objects.filter(**{LOGIN_FIELD: ROOT}).exists()


@pytest.mark.django_db
def test_a_strong_password_from_the_environment_is_used_and_not_printed(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", STRONG_PASSWORD)

    output = create_superuser()

    user = get_user_model().objects.get_by_natural_key(ROOT)
    assert user.is_superuser
    assert user.check_password(STRONG_PASSWORD)
    assert STRONG_PASSWORD not in output


@pytest.mark.django_db
@pytest.mark.usefixtures("no_ci")
def test_without_a_password_one_is_generated_and_shown_once(monkeypatch):
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)

    output = create_superuser()

    user = get_user_model().objects.get_by_natural_key(ROOT)
    shown = [word for word in output.split() if user.check_password(word)]
    assert len(shown) == 1
    assert len(shown[0]) >= 20


@pytest.mark.django_db
def test_on_ci_the_generated_password_goes_to_a_private_file_not_the_log(
    monkeypatch, settings, tmp_path
):
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
    monkeypatch.setenv("CI", "true")
    settings.BASE_DIR = tmp_path

    output = create_superuser()

    password_file = tmp_path / ".superuser-password"
    password = password_file.read_text().strip()
    assert get_user_model().objects.get_by_natural_key(ROOT).check_password(password)
    assert password not in output
    assert ".superuser-password" in output
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600


@pytest.mark.django_db
def test_an_existing_superuser_is_kept(monkeypatch):
    create_user("root", password="old pass 83hd", is_staff=True, is_superuser=True)
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", STRONG_PASSWORD)

    output = create_superuser()

    assert "already exists" in output
    kept = get_user_model().objects.get_by_natural_key(ROOT)
    assert kept.check_password("old pass 83hd")

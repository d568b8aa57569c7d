{%- set email_login = cookiecutter.login_field == "email" -%}
{%- set open_signup = cookiecutter.account_signup == "open" -%}
{%- if email_login -%}
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .addresses import normalize_email_address


class UserManager(BaseUserManager["User"]):
    """Users found and created by their email address, in its normalized spelling."""

    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> "User":
        """Return the user of the address ``username``, however it is spelled."""
        return self.get(email=normalize_email_address(username or ""))

    def create_user(
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> "User":
        """Create and return a user; without ``password`` it cannot log in."""
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> "User":
        """Create and return a superuser (``manage.py createsuperuser``)."""
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def _create_user(
        self, email: str, password: str | None, **extra_fields: Any
    ) -> "User":
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractUser):
    """The project's user, who logs in with an email address.

    Addresses are stored normalized (``addresses.py``), so the unique email
    column finds a user by any spelling of the address; the constraint on
    ``Lower(email)`` keeps addresses unique whatever their case on every
    database, even when a write bypasses ``save()``.
    Django recommends a custom user model from the first migration on:
    changing ``AUTH_USER_MODEL`` later is hard.
    """

    # The address is the login name: no username at all.
    username = None  # type: ignore[assignment]
    email = models.EmailField(
        _("email address"),
        unique=True,
        error_messages={"unique": _("A user with that email address already exists.")},
    )
{%- if open_signup %}
    # False from sign-up until the address is confirmed; accounts made by an
    # administrator are trusted.
    email_verified = models.BooleanField(_("email verified"), default=True)
{%- endif %}

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = (
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_whatever_its_case",
                violation_error_message=_(
                    "A user with that email address already exists."
                ),
            ),
        )

    def __str__(self) -> str:
        return self.email

    @classmethod
    def normalize_username(cls, username: str) -> str:
        return normalize_email_address(username)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # However it was set: one spelling per address in the database.
        self.email = normalize_email_address(self.email)
        super().save(*args, **kwargs)
{%- else -%}
from django.contrib.auth.models import AbstractUser
{%- if open_signup %}
from django.db import models
from django.utils.translation import gettext_lazy as _
{%- endif %}


class User(AbstractUser):
    """The project's user, swappable from the first migration on.

    Django recommends a custom user model even when the default one is enough:
    changing ``AUTH_USER_MODEL`` after the first migration is hard.
    """
{%- if open_signup %}

    # False from sign-up until the address is confirmed; accounts made by an
    # administrator are trusted.
    email_verified = models.BooleanField(_("email verified"), default=True)
{%- endif %}
{%- endif %}

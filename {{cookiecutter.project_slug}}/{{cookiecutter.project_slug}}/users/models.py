from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The project's user, swappable from the first migration on.

    Django recommends a custom user model even when the default one is enough:
    changing ``AUTH_USER_MODEL`` after the first migration is hard.
    """

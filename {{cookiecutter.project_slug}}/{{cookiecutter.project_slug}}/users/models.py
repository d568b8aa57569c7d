from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The project's user, swappable from the first migration on.

    Django recommends a custom user model even when the default one is enough:
    changing ``AUTH_USER_MODEL`` after the first migration is hard.
    """

    # request.user says which kind of caller it is: a service client's token
    # stands for a ServicePrincipal instead (jwt_auth/service_clients.py).
    is_service_client = False

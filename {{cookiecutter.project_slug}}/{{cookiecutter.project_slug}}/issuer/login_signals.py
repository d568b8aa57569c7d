"""Django's ``user_logged_in`` for token logins, which simplejwt does not send.

simplejwt authenticates with Django's ``authenticate()``, which sends
``user_login_failed`` for refused credentials, but it sends no
``user_logged_in`` on success (simplejwt#190): receivers that audit logins
(the security-event log, a team's own) would miss every token login. The
token endpoint sends it here, with the serializer's class as sender.

Django connects its ``update_last_login`` to that signal. For token logins
the answer ``UPDATE_LAST_LOGIN`` decides (simplejwt updates it itself when
true), so Django's receiver is replaced by one that leaves token logins to
simplejwt and updates ``last_login`` for every other login, as before.
"""

from typing import Any

from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in
from rest_framework_simplejwt.serializers import TokenObtainSerializer

# The dispatch_uid django.contrib.auth connects update_last_login with.
DJANGO_LAST_LOGIN_RECEIVER = "update_last_login"


def send_logged_in(serializer: TokenObtainSerializer) -> None:
    """Send ``user_logged_in`` for the user ``serializer`` has just authenticated."""
    user_logged_in.send(
        sender=type(serializer),
        request=serializer.context.get("request"),
        user=serializer.user,
    )


def update_last_login_of_other_logins(sender: Any, user: Any, **kwargs: Any) -> None:
    """Django's ``update_last_login``, except for token logins (``UPDATE_LAST_LOGIN``)."""
    if isinstance(sender, type) and issubclass(sender, TokenObtainSerializer):
        return
    update_last_login(sender, user, **kwargs)


def leave_token_logins_last_login_to_simplejwt() -> None:
    """Replace Django's last_login receiver when it is connected (``apps.py``)."""
    if user_logged_in.disconnect(dispatch_uid=DJANGO_LAST_LOGIN_RECEIVER):
        user_logged_in.connect(
            update_last_login_of_other_logins, dispatch_uid=DJANGO_LAST_LOGIN_RECEIVER
        )

"""The part of simplejwt only the verifier builds on that simplejwt does not document.

``JWTStatelessUserAuthentication.get_user`` uses nothing of its instance
(``verifier/authentication.py`` borrows it). The hooks both roles use are in
``jwt_auth/tests/test_simplejwt_contract.py``.
"""

from rest_framework_simplejwt.authentication import JWTStatelessUserAuthentication
from rest_framework_simplejwt.models import TokenUser
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken


def test_the_stateless_get_user_uses_nothing_of_its_instance():
    token = AccessToken()
    token[api_settings.USER_ID_CLAIM] = 42

    user = JWTStatelessUserAuthentication.get_user(object(), token)  # type: ignore[arg-type]

    assert isinstance(user, TokenUser)
    assert user.id == 42

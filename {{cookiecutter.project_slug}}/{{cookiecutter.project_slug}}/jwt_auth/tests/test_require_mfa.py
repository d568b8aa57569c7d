"""RequireMFA lets in the access tokens of a two-factor login only."""

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import AccessToken

from {{ cookiecutter.project_slug }}.jwt_auth.permissions import RequireMFA


class SignedInUser(AnonymousUser):
    @property
    def is_authenticated(self) -> bool:  # type: ignore[override]
        return True


class SecondFactorOnly(APIView):
    permission_classes = (IsAuthenticated, RequireMFA)

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


def answer(amr: object = None, *, with_claim: bool = True) -> Response:
    token = AccessToken()
    if with_claim:
        token["amr"] = amr
    request = APIRequestFactory().get("/")
    # The stubs type the token as DRF's own authtoken model; DRF takes any.
    force_authenticate(request, user=SignedInUser(), token=token)  # type: ignore[arg-type]
    return SecondFactorOnly.as_view()(request)


def test_a_token_of_a_two_factor_login_is_let_in():
    assert answer(["pwd", "otp"]).status_code == 200


@pytest.mark.parametrize("amr", [["pwd"], [], "otp", ["pwd otp"], None, {"otp": True}])
def test_a_token_without_otp_in_amr_is_refused(amr):
    response = answer(amr)

    assert response.status_code == 403
    assert response.data["detail"].code == "mfa_required"


def test_a_token_without_amr_is_refused():
    assert answer(with_claim=False).status_code == 403

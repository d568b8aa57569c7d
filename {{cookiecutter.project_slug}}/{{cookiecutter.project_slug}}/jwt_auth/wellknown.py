"""What an issuer publishes for the services that verify its tokens.

``/.well-known/jwks.json`` is the JSON Web Key Set (RFC 7517) of the public
keys that verify this service's tokens: the current one and the previous ones
still configured, each with its ``kid``. Verifiers cache it
(``Cache-Control``) and fetch it again when a token names a key they do not
know, so a rotation reaches them without a restart. With an HMAC algorithm
there is nothing that may be published: 404.

``/.well-known/openid-configuration`` gives the ``issuer`` and ``jwks_uri``
for API gateways configured by issuer URL, when ``JWT_ISSUER`` is set.
"""

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from .algorithms import is_hmac
from .backends import token_backend

# Verifiers may reuse the key set this long; a new kid makes them ask sooner.
JWKS_MAX_AGE_SECONDS = 300


class PublicView(APIView):
    """A document anyone may read: no authentication, no throttling."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()


@extend_schema(exclude=True)
class JWKSView(PublicView):
    """The public keys that verify this service's tokens (RFC 7517)."""

    def get(self, request: Request) -> Response:
        """Return the key set; 404 when tokens are signed with a shared secret."""
        keys = published_keys()
        if not keys:
            raise NotFound
        return Response(
            {"keys": keys},
            headers={"Cache-Control": f"public, max-age={JWKS_MAX_AGE_SECONDS}"},
        )


@extend_schema(exclude=True)
class OpenIDConfigurationView(PublicView):
    """Where gateways configured by issuer URL find the keys (OpenID Discovery)."""

    def get(self, request: Request) -> Response:
        """Return ``issuer`` and ``jwks_uri``; 404 without an issuer or public keys."""
        issuer = token_backend().issuer
        if not issuer or not published_keys():
            raise NotFound
        return Response(
            {
                "issuer": issuer,
                "jwks_uri": reverse("jwks", request=request),
            },
            headers={"Cache-Control": f"public, max-age={JWKS_MAX_AGE_SECONDS}"},
        )


def published_keys() -> list[dict]:
    """Return the public JWKs this service publishes: none for a shared secret."""
    backend = token_backend()
    if is_hmac(backend.algorithm):
        return []
    return backend.key_set.public_jwks

"""What an issuer publishes for the services that verify its tokens.

``/.well-known/jwks.json`` is the JSON Web Key Set (RFC 7517) of the public
keys that verify this service's tokens: the current one and the previous ones
still configured, each with its ``kid``. Verifiers cache it
(``Cache-Control``) and fetch it again when a token names a key they do not
know, so a rotation reaches them without a restart. With an HMAC algorithm
there is nothing that may be published: 404.

``/.well-known/openid-configuration`` gives the ``issuer`` and ``jwks_uri``
for API gateways configured by issuer URL, when ``JWT_ISSUER`` is set.

Plain Django views, not DRF's: these documents are no part of the API (its
OpenAPI schema leaves them out), need no authentication or throttling, and
are served as often as verifiers ask.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from {{ cookiecutter.project_slug }}.jwt_auth.backends import token_backend
from {{ cookiecutter.project_slug }}.jwt_keys.algorithms import is_hmac

# Verifiers may reuse the key set this long; a new kid makes them ask sooner.
MAX_AGE_SECONDS = 300
NOT_FOUND = {"detail": "Not found."}


def published_keys() -> list[dict]:
    """Return the public JWKs this service publishes: none for a shared secret."""
    backend = token_backend()
    if is_hmac(backend.algorithm):
        return []
    return backend.key_set.public_jwks


def cacheable(document: dict) -> JsonResponse:
    """Return ``document`` as JSON that verifiers and proxies may cache."""
    response = JsonResponse(document)
    response["Cache-Control"] = f"public, max-age={MAX_AGE_SECONDS}"
    return response


@require_safe
def jwks(request: HttpRequest) -> JsonResponse:
    """Return the key set; 404 when tokens are signed with a shared secret."""
    keys = published_keys()
    if not keys:
        return JsonResponse(NOT_FOUND, status=404)
    return cacheable({"keys": keys})


@require_safe
def openid_configuration(request: HttpRequest) -> JsonResponse:
    """Return ``issuer`` and ``jwks_uri``; 404 without an issuer or public keys."""
    issuer = token_backend().issuer
    if not issuer or not published_keys():
        return JsonResponse(NOT_FOUND, status=404)
    return cacheable(
        {"issuer": issuer, "jwks_uri": request.build_absolute_uri(reverse("jwks"))}
    )

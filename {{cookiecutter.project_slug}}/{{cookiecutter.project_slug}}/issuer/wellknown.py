"""What an issuer publishes for the services that verify its tokens.

``/.well-known/jwks.json`` is the JSON Web Key Set (RFC 7517) of the public
keys that verify this service's tokens: the current one and the previous ones
still configured, each with its ``kid``. Verifiers cache it
(``Cache-Control``) and fetch it again when a token names a key they do not
know, so a rotation reaches them without a restart. With an HMAC algorithm
there is nothing that may be published: 404.

``/.well-known/oauth-authorization-server`` is the authorization server
metadata of RFC 8414 (``issuer``, ``jwks_uri``, ``token_endpoint``), for API
gateways configured by issuer URL, when ``JWT_ISSUER`` is set. Every URL in it
is built from ``JWT_ISSUER``, this service's public URL, never from the
request's Host header: the document is cached by proxies, and a reflected
host would send verifiers to whoever the client named. For an issuer with a
path, it is served where RFC 8414, section 3.1 puts it: at
``/.well-known/oauth-authorization-server/<path>``.

No ``/.well-known/openid-configuration``: OpenID Connect Discovery, section 3
requires an authorization endpoint, ID tokens and their algorithms, which this
service does not have, so no such document could be valid.

Plain Django views, not DRF's: these documents are no part of the API (its
OpenAPI schema leaves them out), need no authentication or throttling, and
are served as often as verifiers ask.
"""

from urllib.parse import urlsplit

from django.http import HttpRequest, JsonResponse
from django.urls import get_script_prefix, reverse

from {{ cookiecutter.project_slug }}.api.errors import require_safe
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
def authorization_server_metadata(
    request: HttpRequest, issuer_path: str = ""
) -> JsonResponse:
    """Return the RFC 8414 metadata of ``JWT_ISSUER``; 404 without it, or at another path."""
    issuer = token_backend().issuer
    if not issuer or issuer_path != urlsplit(issuer).path.strip("/"):
        return JsonResponse(NOT_FOUND, status=404)
    metadata = {
        "issuer": issuer,
        "token_endpoint": public_url(issuer, "token_obtain_pair"),
        # Tokens come from a username and password, then from a refresh
        # token (simplejwt's JSON requests, not RFC 6749's forms).
        "grant_types_supported": ["password", "refresh_token"],
        # Required by RFC 8414; empty: there is no authorization endpoint.
        "response_types_supported": [],
        "token_endpoint_auth_methods_supported": ["none"],
    }
    if published_keys():
        metadata["jwks_uri"] = public_url(issuer, "jwks")
    return cacheable(metadata)


def public_url(issuer: str, name: str) -> str:
    """Return the URL of the view ``name`` under ``issuer``, this service's public URL."""
    path = reverse(name).removeprefix(get_script_prefix())
    return f"{issuer.rstrip('/')}/{path}"

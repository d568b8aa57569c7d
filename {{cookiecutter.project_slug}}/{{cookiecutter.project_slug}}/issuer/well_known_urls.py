from django.urls import path

from .wellknown import authorization_server_metadata, jwks

urlpatterns = [
    path("jwks.json", jwks, name="jwks"),
    # RFC 8414, section 3.1: an issuer with a path has its path appended.
    path(
        "oauth-authorization-server",
        authorization_server_metadata,
        name="authorization_server_metadata",
    ),
    path(
        "oauth-authorization-server/<path:issuer_path>",
        authorization_server_metadata,
        name="authorization_server_metadata",
    ),
]

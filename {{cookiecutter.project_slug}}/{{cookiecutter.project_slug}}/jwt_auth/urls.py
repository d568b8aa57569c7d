from django.urls import path

from .wellknown import JWKSView, OpenIDConfigurationView

urlpatterns = [
    path("jwks.json", JWKSView.as_view(), name="jwks"),
    path(
        "openid-configuration",
        OpenIDConfigurationView.as_view(),
        name="openid_configuration",
    ),
]

from django.urls import path

from .wellknown import jwks, openid_configuration

urlpatterns = [
    path("jwks.json", jwks, name="jwks"),
    path("openid-configuration", openid_configuration, name="openid_configuration"),
]

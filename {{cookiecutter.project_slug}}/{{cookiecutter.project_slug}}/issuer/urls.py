from django.urls import path
from rest_framework_simplejwt.views import (
{%- if cookiecutter.use_token_blacklist and cookiecutter.token_transport == "header" %}
    TokenBlacklistView,
{%- endif %}
    TokenVerifyView,
)
{%- if cookiecutter.token_transport == "cookie" %}

# The token views of the cookie transport: the refresh token in a cookie.
from .cookies import TokenBlacklistView, TokenObtainPairView, TokenRefreshView
{%- else %}

from .views import TokenObtainPairView, TokenRefreshView
{%- endif %}

urlpatterns = [
    path("token/", TokenObtainPairView.as_view(), name="token_obtain_pair"),
    path("token/refresh/", TokenRefreshView.as_view(), name="token_refresh"),
    path("token/verify/", TokenVerifyView.as_view(), name="token_verify"),
{%- if cookiecutter.use_token_blacklist %}
    path("token/blacklist/", TokenBlacklistView.as_view(), name="token_blacklist"),
{%- endif %}
]

from django.urls import {{ 'include, path' if cookiecutter.use_token_blacklist and cookiecutter.service_role == 'issuer' else 'path' }}
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
{%- if cookiecutter.service_role == "issuer" %}
from rest_framework_simplejwt.views import (
{%- if cookiecutter.use_token_blacklist and cookiecutter.token_transport == "header" %}
    TokenBlacklistView,
{%- endif %}
    TokenVerifyView,
)
{%- if cookiecutter.token_transport == "cookie" %}

# The token views of the cookie transport: the refresh token in a cookie.
from {{ cookiecutter.project_slug }}.jwt_auth.cookies import (
    TokenBlacklistView,
    TokenObtainPairView,
    TokenRefreshView,
)
{%- else %}

from {{ cookiecutter.project_slug }}.jwt_auth.views import (
    TokenObtainPairView,
    TokenRefreshView,
)
{%- endif %}
{%- endif %}

from .views import HealthView, HelloView, MeView

urlpatterns = [
    path("", HelloView.as_view(), name="hello"),
    path("me/", MeView.as_view(), name="me"),
    path("health/", HealthView.as_view(), name="health"),
{%- if cookiecutter.service_role == "issuer" %}
    path("token/", TokenObtainPairView.as_view(), name="token_obtain_pair"),
    path("token/refresh/", TokenRefreshView.as_view(), name="token_refresh"),
    path("token/verify/", TokenVerifyView.as_view(), name="token_verify"),
{%- if cookiecutter.use_token_blacklist %}
    path("token/blacklist/", TokenBlacklistView.as_view(), name="token_blacklist"),
    # /api/sessions/ and /api/token/logout-all/
    path("", include("{{ cookiecutter.project_slug }}.token_sessions.api.urls")),
{%- endif %}
{%- endif %}
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]

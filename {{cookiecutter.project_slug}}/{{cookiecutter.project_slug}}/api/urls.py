from django.urls import {{ 'include, path' if cookiecutter.use_token_blacklist else 'path' }}
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework_simplejwt.views import (
{%- if cookiecutter.use_token_blacklist %}
    TokenBlacklistView,
{%- endif %}
    TokenVerifyView,
)

from {{ cookiecutter.project_slug }}.jwt_auth.views import TokenObtainPairView, TokenRefreshView

from .views import HealthView, HelloView, MeView

urlpatterns = [
    path("", HelloView.as_view(), name="hello"),
    path("me/", MeView.as_view(), name="me"),
    path("health/", HealthView.as_view(), name="health"),
    path("token/", TokenObtainPairView.as_view(), name="token_obtain_pair"),
    path("token/refresh/", TokenRefreshView.as_view(), name="token_refresh"),
    path("token/verify/", TokenVerifyView.as_view(), name="token_verify"),
{%- if cookiecutter.use_token_blacklist %}
    path("token/blacklist/", TokenBlacklistView.as_view(), name="token_blacklist"),
    # /api/sessions/ and /api/token/logout-all/
    path("", include("{{ cookiecutter.project_slug }}.token_sessions.api.urls")),
{%- endif %}
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]

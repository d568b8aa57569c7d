from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework_simplejwt.views import (
{%- if cookiecutter.use_token_blacklist %}
    TokenBlacklistView,
{%- endif %}
    TokenVerifyView,
)

from {{ cookiecutter.project_slug }}.jwt_auth.views import TokenObtainPairView, TokenRefreshView

{%- if cookiecutter.use_token_blacklist %}
from {{ cookiecutter.project_slug }}.token_sessions.views import (
    LogoutAllView,
    SessionDetailView,
    SessionListView,
)
{%- endif %}

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
    path("token/logout-all/", LogoutAllView.as_view(), name="token_logout_all"),
    path("sessions/", SessionListView.as_view(), name="sessions"),
    path(
        "sessions/<uuid:session_id>/",
        SessionDetailView.as_view(),
        name="session",
    ),
{%- endif %}
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]

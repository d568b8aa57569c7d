from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("api/", include("{{ cookiecutter.project_slug }}.api.urls")),
{%- if cookiecutter.service_role == "issuer" %}
    # /api/token/ and the other token endpoints, /.well-known/jwks.json
    path("api/", include("{{ cookiecutter.project_slug }}.issuer.urls")),
    # /api/token/client/: the client credentials grant of service clients
    path("api/", include("{{ cookiecutter.project_slug }}.service_clients.urls")),
    path(
        ".well-known/",
        include("{{ cookiecutter.project_slug }}.issuer.well_known_urls"),
    ),
{%- endif %}
{%- if cookiecutter.mfa == "totp" %}
    # /api/token/mfa/ and /api/mfa/...: two-factor login
    path("api/", include("{{ cookiecutter.project_slug }}.mfa.urls")),
{%- endif %}
{%- if cookiecutter.service_role == "issuer" %}
    # Sign-up, email verification, password reset and change.
    path("api/account/", include("{{ cookiecutter.project_slug }}.accounts.urls")),
{%- endif %}
{%- if cookiecutter.__sessions == "yes" %}
    # /api/sessions/ and /api/token/logout-all/
    path("api/", include("{{ cookiecutter.project_slug }}.token_sessions.api.urls")),
{%- endif %}
]
# JSON errors under /api/ and /.well-known/, Django's pages elsewhere.
handler400 = "{{ cookiecutter.project_slug }}.api.errors.bad_request"
handler403 = "{{ cookiecutter.project_slug }}.api.errors.permission_denied"
handler404 = "{{ cookiecutter.project_slug }}.api.errors.not_found"
handler500 = "{{ cookiecutter.project_slug }}.api.errors.server_error"

# Production may move the admin (DJANGO_ADMIN_URL) or leave it out (empty).
if admin_path := settings.ADMIN_URL.strip("/"):
    urlpatterns.append(path(f"{admin_path}/", admin.site.urls))

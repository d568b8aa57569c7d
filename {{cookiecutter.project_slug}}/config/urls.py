from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("api/", include("{{ cookiecutter.project_slug }}.api.urls")),
{%- if cookiecutter.service_role == "issuer" %}
    path(".well-known/", include("{{ cookiecutter.project_slug }}.jwt_auth.urls")),
{%- endif %}
]
# Production may move the admin (DJANGO_ADMIN_URL) or leave it out (empty).
if admin_path := settings.ADMIN_URL.strip("/"):
    urlpatterns.append(path(f"{admin_path}/", admin.site.urls))

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("{{ cookiecutter.project_slug }}.api.urls")),
{%- if cookiecutter.service_role == "issuer" %}
    path(".well-known/", include("{{ cookiecutter.project_slug }}.jwt_auth.urls")),
{%- endif %}
]

from django.apps import AppConfig


class JwtAuthConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.jwt_auth"
    label = "jwt_auth"

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.api"
    label = "api"

    def ready(self) -> None:
        # Registers the OpenAPI extensions that document simplejwt's endpoints.
        from . import schema  # noqa: F401, PLC0415

from django.apps import AppConfig
from django.core import checks


class DatabaseConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.database"
    label = "database"

    def ready(self) -> None:
        from .checks import check_database_file_mode  # noqa: PLC0415

        checks.register(check_database_file_mode, checks.Tags.security)

"""ASGI entry point, for servers that speak ASGI."""

import io
import os

from django.core.asgi import get_asgi_application
from django.core.management import call_command

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_asgi_application()
# A server does not run the system checks as manage.py does: stop at start
# rather than at the first request when the setup is broken.
call_command("check", stdout=io.StringIO())

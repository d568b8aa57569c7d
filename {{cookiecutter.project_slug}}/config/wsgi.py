"""WSGI entry point, served by gunicorn in production (see config/gunicorn.py)."""

import io
import os

from django.core.management import call_command
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()
# manage.py runs the system checks before runserver and migrate; a server does
# not. Run them here, so that a broken setup (a JWT key that cannot sign, say)
# stops every worker at start rather than failing the first login.
call_command("check", stdout=io.StringIO())

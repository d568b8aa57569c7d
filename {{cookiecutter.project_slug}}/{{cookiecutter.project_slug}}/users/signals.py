"""Tell the authentication cache (``jwt_auth/authentication.py``) when a user changes.

Connected in ``apps.py``. A save that only records ``last_login`` changes
nothing authentication depends on, and a new user is in no cache yet.
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from rest_framework_simplejwt.settings import api_settings

from {{ cookiecutter.project_slug }}.jwt_auth.authentication import user_changed


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def user_saved(sender, instance, created, update_fields, using, **kwargs):
    if created or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    user_changed(getattr(instance, api_settings.USER_ID_FIELD), using)


@receiver(post_delete, sender=settings.AUTH_USER_MODEL)
def user_deleted(sender, instance, using, **kwargs):
    user_changed(getattr(instance, api_settings.USER_ID_FIELD), using)

"""The admin site, whose password forms count attempts like ``/api/token/``.

A password guessed through the admin is a password guessed: the login form,
and the password change form (which checks the old password), count each
attempt against the same per-client and per-username limits, in the same
counters, as the token endpoint (``throttles.py``). Over a limit they answer
the form again with status 429, ``Retry-After`` and a message saying how long
to wait; when attempts cannot be counted, 503 (throttling fails closed).
"""

import logging
import math
from functools import partial
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm, AdminPasswordChangeForm
from django.contrib.auth.views import PasswordChangeView
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions

from .throttles import ThrottlingUnavailable, check_password_attempt, client_address

logger = logging.getLogger(__name__)


REFUSAL_MESSAGES = {
    "throttled": _("Too many attempts. Try again in %(wait)s s."),
    "throttling_unavailable": _(
        "Signing in is unavailable for a moment. Try again in %(wait)s s."
    ),
}


class ThrottledPasswordForm(forms.Form):
    """A form that checks a password; refuses an attempt over the limits before that."""

    # The answer's status and Retry-After when the attempt was refused.
    refusal: tuple[int, int] | None = None

    def count_attempt(self, request: HttpRequest, username: str | None) -> None:
        """Count a password attempt for ``username``; raise ValidationError over a limit."""
        try:
            check_password_attempt(request, username)
        except (exceptions.Throttled, ThrottlingUnavailable) as refusal:
            # DRF's Throttled sets wait; its stubs do not declare it.
            wait = math.ceil(refusal.wait or 1)  # type: ignore[union-attr]
            self.refusal = (refusal.status_code, wait)
            if isinstance(refusal, exceptions.Throttled):
                # The line DRF's views log through api/exceptions.py.
                logger.warning(
                    "Throttled: %s %s from %s, retry after %s s",
                    request.method,
                    request.path,
                    client_address(request),
                    wait,
                )
            code = str(refusal.get_codes())
            raise forms.ValidationError(
                REFUSAL_MESSAGES[code], code=code, params={"wait": wait}
            ) from refusal


class ThrottledAuthenticationForm(ThrottledPasswordForm, AdminAuthenticationForm):
    """The admin's login form; refuses an attempt over the limits before checking it."""

    def clean(self) -> dict:
        # The username as authentication receives it: stripped and NFKC-normalized.
        username = self.cleaned_data.get("username")
        # Without both, Django checks no password: nothing to count.
        if username is not None and self.cleaned_data.get("password"):
            if self.request is None:
                message = "The login form needs the request to count attempts."
                raise TypeError(message)
            self.count_attempt(self.request, username)
        return super().clean()


class ThrottledPasswordChangeForm(ThrottledPasswordForm, AdminPasswordChangeForm):
    """The admin's password change form; counts each check of the old password."""

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        self.count_attempt(self.request, self.user.get_username())
        return super().clean_old_password()


class ThrottledAdminSite(admin.AdminSite):
    """Django's admin site with ``ThrottledAuthenticationForm`` as its login form."""

    login_form = ThrottledAuthenticationForm

    def login(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        response = super().login(request, extra_context)
        answer_refusal(response)
        return response

    # Django's own answers with the view's response too (a redirect once the
    # password changed); its stubs say TemplateResponse.
    def password_change(  # type: ignore[override]
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponseBase:
        """Django's view, with ``ThrottledPasswordChangeForm`` (which needs the request)."""
        url = reverse("admin:password_change_done", current_app=self.name)
        defaults = {
            "form_class": partial(ThrottledPasswordChangeForm, request=request),
            "success_url": url,
            "extra_context": {**self.each_context(request), **(extra_context or {})},
        }
        if self.password_change_template is not None:
            defaults["template_name"] = self.password_change_template
        request.current_app = self.name
        response = PasswordChangeView.as_view(**defaults)(request)
        answer_refusal(response)
        return response


def answer_refusal(response: HttpResponseBase) -> None:
    """Give ``response`` the status and Retry-After of its form's refused attempt."""
    form = (getattr(response, "context_data", None) or {}).get("form")
    refusal = getattr(form, "refusal", None)
    if refusal is not None:
        response.status_code, wait = refusal
        response["Retry-After"] = str(wait)

"""The admin site, whose login form counts password attempts like ``/api/token/``.

A password guessed through the admin is a password guessed: the form counts
each attempt against the same per-client and per-username limits, in the same
counters, as the token endpoint (``throttles.py``). Over a limit it answers the
form again with status 429, ``Retry-After`` and a message saying how long to
wait; when attempts cannot be counted, 503 (throttling fails closed).
"""

import logging
import math

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions

from .throttles import ThrottlingUnavailable, check_password_attempt, client_address

logger = logging.getLogger(__name__)


class ThrottledAuthenticationForm(AdminAuthenticationForm):
    """The admin's login form; refuses an attempt over the limits before checking it."""

    error_messages = AdminAuthenticationForm.error_messages | {
        "throttled": _("Too many attempts. Try again in %(wait)s s."),
        "throttling_unavailable": _(
            "Signing in is unavailable for a moment. Try again in %(wait)s s."
        ),
    }

    # The answer's status and Retry-After when the attempt was refused.
    refusal: tuple[int, int] | None = None

    def clean(self) -> dict:
        request = self.request
        if request is None:
            message = "The login form counts attempts per client: it needs the request."
            raise TypeError(message)
        # The username as authentication receives it: stripped and NFKC-normalized.
        try:
            check_password_attempt(request, self.cleaned_data.get("username"))
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
                self.error_messages[code], code=code, params={"wait": wait}
            ) from refusal
        return super().clean()


class ThrottledAdminSite(admin.AdminSite):
    """Django's admin site with ``ThrottledAuthenticationForm`` as its login form."""

    login_form = ThrottledAuthenticationForm

    def login(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        response = super().login(request, extra_context)
        form = (getattr(response, "context_data", None) or {}).get("form")
        refusal = getattr(form, "refusal", None)
        if refusal is not None:
            response.status_code, wait = refusal
            response["Retry-After"] = str(wait)
        return response

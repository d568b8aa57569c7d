"""simplejwt's admin of outstanding tokens, without the tokens themselves.

simplejwt's admin shows each refresh token it issued, whole, on the token's
page: anyone allowed to view that page could copy a live refresh token and
use its session. Here the pages show the token's id (``jti``), user and dates.
"""

from django.contrib import admin
from django.http import HttpRequest
from rest_framework_simplejwt.token_blacklist.admin import OutstandingTokenAdmin
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken


class OutstandingTokenWithoutTextAdmin(OutstandingTokenAdmin):
    """simplejwt's read-only admin of outstanding tokens, the token's text left out."""

    exclude = ("token",)

    def get_readonly_fields(
        self, request: HttpRequest, obj: OutstandingToken | None = None
    ) -> list[str]:
        fields = super().get_readonly_fields(request, obj)
        return [name for name in fields if name not in self.exclude]


admin.site.unregister(OutstandingToken)
admin.site.register(OutstandingToken, OutstandingTokenWithoutTextAdmin)

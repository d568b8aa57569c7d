"""The security events in the admin, read-only: an audit log is not edited."""

from django.contrib import admin
from django.http import HttpRequest

from .models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Staff with the view permission read the log; nobody adds, changes or deletes."""

    list_display = ("created_at", "kind", "login_name", "user", "client_address")
    list_filter = ("kind", "created_at")
    search_fields = ("login_name", "client_address")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    readonly_fields = (
        "created_at",
        "kind",
        "user",
        "login_name",
        "client_address",
        "user_agent",
        "details",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: SecurityEvent | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: SecurityEvent | None = None
    ) -> bool:
        return False

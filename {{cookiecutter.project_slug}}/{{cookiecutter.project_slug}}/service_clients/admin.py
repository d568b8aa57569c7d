from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import ServiceClient
from .secrets_rotation import rotate_secret


@admin.register(ServiceClient)
class ServiceClientAdmin(admin.ModelAdmin):
    """List, disable and rotate service clients; create them with create_service_client.

    The secret is shown once, when it is made: the admin adds no client,
    since a form would have to show it.
    """

    list_display = ("name", "client_id", "scope", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "client_id")
    readonly_fields = ("client_id", "created_at", "secret_rotated_at")
    fields = (
        "name",
        "client_id",
        "scope",
        "is_active",
        "created_at",
        "secret_rotated_at",
    )
    actions = ("disable", "enable", "rotate")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Disable: refuse their tokens everywhere")
    def disable(self, request: HttpRequest, queryset: QuerySet[ServiceClient]) -> None:
        # save() per client: its signal announces each revocation.
        for client in queryset:
            client.is_active = False
            client.save(update_fields=["is_active"])

    @admin.action(description="Enable")
    def enable(self, request: HttpRequest, queryset: QuerySet[ServiceClient]) -> None:
        for client in queryset:
            client.is_active = True
            client.save(update_fields=["is_active"])

    @admin.action(description="Rotate the secret (shown once)")
    def rotate(self, request: HttpRequest, queryset: QuerySet[ServiceClient]) -> None:
        for client in queryset:
            secret = rotate_secret(client)
            self.message_user(
                request,
                f"New secret of {client.client_id} (shown once): {secret}",
                messages.WARNING,
            )

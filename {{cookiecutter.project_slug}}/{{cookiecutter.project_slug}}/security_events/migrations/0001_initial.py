import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SecurityEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("login_succeeded", "Login succeeded"),
                            ("login_failed", "Login failed"),
                            ("refresh_token_reused", "Refresh token reused"),
                            ("session_ended", "Session ended"),
                            ("signed_up", "Signed up"),
                            ("email_verified", "Email verified"),
                            ("password_changed", "Password changed"),
                            ("password_reset_requested", "Password reset requested"),
                            ("password_reset", "Password reset"),
                            ("signing_key_rotated", "Signing key rotated"),
                        ],
                        max_length=32,
                    ),
                ),
                (
                    "login_name",
                    models.CharField(blank=True, db_index=True, max_length=254),
                ),
                ("client_address", models.CharField(blank=True, max_length=64)),
                ("user_agent", models.CharField(blank=True, max_length=256)),
                ("details", models.JSONField(blank=True, default=dict)),
                (
                    "created_at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ("-created_at", "-pk"),
            },
        ),
    ]

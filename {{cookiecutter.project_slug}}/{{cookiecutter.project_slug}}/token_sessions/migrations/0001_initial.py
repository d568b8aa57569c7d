import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# simplejwt does not index the column its expired tokens are found by; the
# cleanup (prune_tokens) filters on it.
OUTSTANDING_EXPIRES_INDEX = "token_sessions_outstanding_expires_at"


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("token_blacklist", "0013_alter_blacklistedtoken_options_and_more"),
    ]

    operations = [
        migrations.CreateModel(
            name="Session",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("created_at", models.DateTimeField()),
                ("refreshed_at", models.DateTimeField(blank=True, null=True)),
                ("expires_at", models.DateTimeField()),
                ("client_address", models.CharField(blank=True, max_length=64)),
                ("user_agent", models.CharField(blank=True, max_length=256)),
                ("password_fingerprint", models.CharField(blank=True, max_length=64)),
                ("refresh_jti", models.CharField(max_length=255)),
                ("previous_jti", models.CharField(blank=True, max_length=255)),
                ("rotated_at", models.DateTimeField(blank=True, null=True)),
                ("ended_at", models.DateTimeField(blank=True, null=True)),
                ("end_reason", models.CharField(blank=True, max_length=32)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="token_sessions",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["user", "ended_at"], name="token_sess_user_ended"),
                    models.Index(fields=["ended_at"], name="token_sess_ended"),
                    models.Index(fields=["expires_at"], name="token_sess_expires"),
                ],
            },
        ),
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {OUTSTANDING_EXPIRES_INDEX} "
            "ON token_blacklist_outstandingtoken (expires_at)",
            f"DROP INDEX IF EXISTS {OUTSTANDING_EXPIRES_INDEX}",
        ),
    ]

from django.db import migrations, models

from {{ cookiecutter.project_slug }}.service_clients.models import new_client_id


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="ServiceClient",
            fields=[
                ("client_id", models.CharField(default=new_client_id, editable=False, max_length=64, primary_key=True, serialize=False)),
                ("name", models.CharField(max_length=150, unique=True)),
                ("scope", models.CharField(blank=True, max_length=1000)),
                ("secret_hash", models.CharField(editable=False, max_length=64)),
                ("is_active", models.BooleanField(default=True, help_text="Unticked: no new token, and its tokens are refused.")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("secret_rotated_at", models.DateTimeField(blank=True, editable=False, null=True)),
            ],
            options={
                "ordering": ("name",),
            },
        ),
    ]

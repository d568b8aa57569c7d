from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from {{ cookiecutter.project_slug }}.jwt_auth.permissions import token_roles, token_scopes


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField()


class HealthSerializer(serializers.Serializer):
    status = serializers.CharField()


class CheckSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok", "unavailable"])
    reason = serializers.CharField(
        required=False, help_text="The kind of error, when the check failed."
    )


class ReadinessSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok", "unavailable"])
    checks = serializers.DictField(
        child=CheckSerializer(), help_text="database and cache, each with its status."
    )


class UserSerializer(serializers.ModelSerializer):
    # A string, as in the access token's ``sub`` (RFC 9068) and on a verifier.
    id = serializers.CharField(
        read_only=True, help_text="The user id: the access token's sub claim."
    )
    roles = serializers.SerializerMethodField(
        help_text="The roles the access token carries (the issuer's JWT_CLAIMS_HOOK)."
    )
    scopes = serializers.SerializerMethodField(
        help_text="The scopes the access token carries (its scope claim)."
    )

    class Meta:
        model = get_user_model()
        fields = (
            "id",
{%- if cookiecutter.login_field == "username" %}
            "username",
{%- endif %}
            "email",
            "first_name",
            "last_name",
            "date_joined",
            "roles",
            "scopes",
        )
        read_only_fields = fields
{%- if cookiecutter.service_role == "verifier" %}
        # A verifier's user is made of the token's claims (verifier/
        # authentication.py): those the issuer's tokens do not carry are null.
        extra_kwargs = {
            name: {"allow_null": True}
            for name in ("email", "first_name", "last_name", "date_joined")
        }
{%- endif %}

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_roles(self, user: object) -> list[str]:
        return sorted(token_roles(self.token))

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_scopes(self, user: object) -> list[str]:
        return sorted(token_scopes(self.token))

    @property
    def token(self) -> object:
        """Return the access token of the request being answered."""
        request = self.context.get("request")
        return getattr(request, "auth", None)


# Describes error bodies in the OpenAPI schema; DRF's exception handler builds them.
class ErrorSerializer(serializers.Serializer):
    """Why the request was refused."""

    detail = serializers.CharField()
    code = serializers.CharField(
        required=False, help_text="Why a token was refused, e.g. token_not_valid."
    )
    messages = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text="For each token type tried, why the token was refused.",
    )

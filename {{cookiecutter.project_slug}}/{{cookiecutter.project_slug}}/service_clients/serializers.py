"""The bodies of the client credentials grant, for the OpenAPI schema."""

from rest_framework import serializers


class ClientCredentialsSerializer(serializers.Serializer):
    grant_type = serializers.ChoiceField(choices=["client_credentials"])
    client_id = serializers.CharField(
        required=False, help_text="Unless sent with HTTP Basic authentication."
    )
    client_secret = serializers.CharField(
        required=False, help_text="Unless sent with HTTP Basic authentication."
    )
    scope = serializers.CharField(
        required=False,
        help_text="Space-separated scopes, among the client's; all of them by default.",
    )


class GrantedTokenSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    token_type = serializers.ChoiceField(choices=["Bearer"])
    expires_in = serializers.IntegerField(help_text="Seconds the token lives.")
    scope = serializers.CharField()


class GrantErrorSerializer(serializers.Serializer):
    """An error of RFC 6749, section 5.2."""

    error = serializers.ChoiceField(
        choices=[
            "invalid_request",
            "invalid_client",
            "invalid_scope",
            "unsupported_grant_type",
        ]
    )
    error_description = serializers.CharField()

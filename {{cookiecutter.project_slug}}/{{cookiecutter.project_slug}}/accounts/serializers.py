"""The bodies of the account endpoints, and the checks each one makes."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from {{ cookiecutter.project_slug }}.users.models import User


def validate_new_password(
    password: str, user: User, field: str = "new_password"
) -> str:
    """Return ``password`` if ``AUTH_PASSWORD_VALIDATORS`` accept it for ``user``.

    Otherwise answer 400 with their messages under ``field``.
    """
    try:
        password_validation.validate_password(password, user=user)
    except DjangoValidationError as error:
        raise serializers.ValidationError({field: list(error.messages)}) from None
    return password


class AddressSerializer(serializers.Serializer):
    email = serializers.EmailField()


class LinkSerializer(serializers.Serializer):
    """The two values of an emailed link, which the front end posts back."""

    uid = serializers.CharField()
    token = serializers.CharField()


class PasswordResetConfirmSerializer(LinkSerializer):
    new_password = serializers.CharField(style={"input_type": "password"})


class PasswordChangeSerializer(serializers.Serializer):
    current_password = serializers.CharField(style={"input_type": "password"})
    new_password = serializers.CharField(style={"input_type": "password"})


class DetailSerializer(serializers.Serializer):
    """What an account endpoint did, in words."""

    detail = serializers.CharField()

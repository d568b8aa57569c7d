from django.contrib.auth import get_user_model
from rest_framework import serializers


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField()


class HealthSerializer(serializers.Serializer):
    status = serializers.CharField()


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = get_user_model()
        fields = ("id", "username", "email", "first_name", "last_name", "date_joined")
        read_only_fields = fields

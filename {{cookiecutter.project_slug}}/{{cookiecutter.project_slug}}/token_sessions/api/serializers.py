"""What the session endpoints answer."""

from rest_framework import serializers

from ..models import Session


class SessionSerializer(serializers.ModelSerializer):
    """One of the caller's sessions."""

    last_refreshed_at = serializers.DateTimeField(
        source="refreshed_at",
        allow_null=True,
        help_text="When a token of the session was last refreshed; null: never.",
    )
    current = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = (
            "id",
            "created_at",
            "last_refreshed_at",
            "client_address",
            "user_agent",
            "current",
        )

    def get_current(self, session: Session) -> bool:
        """Return True for the session of the token that made the request."""
        return str(session.pk) == self.context.get("current_session")

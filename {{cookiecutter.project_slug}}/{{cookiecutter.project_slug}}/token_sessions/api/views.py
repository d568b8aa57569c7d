"""The caller's sessions: list them, end one, end them all."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.api.schema import UNAUTHENTICATED

from ..lifecycle import end_sessions
from ..models import SESSION_CLAIM, Session
from .serializers import SessionSerializer


def live_sessions_of(request: Request) -> QuerySet[Session]:
    """Return the live sessions of the user making ``request``, newest first."""
    return Session.objects.filter(
        user=request.user, ended_at=None, expires_at__gt=timezone.now()
    ).order_by("-created_at")


@extend_schema(
    tags=["sessions"],
    responses={200: SessionSerializer(many=True), 401: UNAUTHENTICATED},
)
class SessionListView(ListAPIView):
    """List the caller's live sessions; ``current`` marks the one of this token."""

    permission_classes = (IsAuthenticated,)
    serializer_class = SessionSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Session]:
        return live_sessions_of(self.request)

    def get_serializer_context(self) -> dict[str, object]:
        context = super().get_serializer_context()
        context["current_session"] = self.request.auth.get(SESSION_CLAIM)
        return context


class SessionDetailView(APIView):
    """End one of the caller's sessions: its tokens are refused from then on."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(
        tags=["sessions"],
        responses={
            204: None,
            401: UNAUTHENTICATED,
            404: OpenApiResponse(description="No live session of yours has this id."),
        },
    )
    def delete(self, request: Request, session_id: str) -> Response:
        session = get_object_or_404(live_sessions_of(request), pk=session_id)
        end_sessions(Session.objects.filter(pk=session.pk), reason="ended")
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    """End every session of the caller, this one included."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(
        tags=["sessions"],
        request=None,
        responses={
            200: inline_serializer(
                "LoggedOutEverywhere", {"ended": serializers.IntegerField()}
            ),
            401: UNAUTHENTICATED,
        },
    )
    def post(self, request: Request) -> Response:
        ended = end_sessions(
            Session.objects.filter(user=request.user), reason="logout-all"
        )
        return Response({"ended": ended})

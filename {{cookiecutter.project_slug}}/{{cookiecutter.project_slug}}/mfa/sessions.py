"""End a user's other sessions when their second factor changes."""

from rest_framework.request import Request
from rest_framework_simplejwt.tokens import Token

from {{ cookiecutter.project_slug }}.token_sessions.lifecycle import end_sessions
from {{ cookiecutter.project_slug }}.token_sessions.models import (
    SESSION_CLAIM,
    Session,
)
from {{ cookiecutter.project_slug }}.users.models import User


def end_other_sessions(user: User, request: Request, reason: str) -> int:
    """End every live session of ``user`` but the request's own; return how many."""
    token = request.auth
    current = token.get(SESSION_CLAIM) if isinstance(token, Token) else None
    others = Session.objects.filter(user=user)
    if current is not None:
        others = others.exclude(pk=current)
    return end_sessions(others, reason=reason, request=request)

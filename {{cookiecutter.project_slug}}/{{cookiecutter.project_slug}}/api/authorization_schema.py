"""The OpenAPI schema names what each view's token permissions need.

drf-spectacular knows who may call an operation (its security schemes), not
what the caller's token must carry. For every permission of
``jwt_auth/permissions.py`` on a view, the operation gets a sentence in its
description, the list ``x-token-requirements`` (e.g. ``scope: orders:read``)
and its 403 answer says why.
"""

from typing import Any

from {{ cookiecutter.project_slug }}.jwt_auth.permissions import TokenPermission

from .schema import AutoSchema

REQUIREMENTS_EXTENSION = "x-token-requirements"
FORBIDDEN_DESCRIPTION = "The access token lacks a role or scope this needs."


class AuthorizationAutoSchema(AutoSchema):
    """The project's AutoSchema (schema.py), with what the token must carry."""

    def token_requirements(self) -> list[str]:
        """Return what the view's token permissions need, in words."""
        return [
            permission.requirement()
            for permission in self.view.get_permissions()
            if isinstance(permission, TokenPermission)
        ]

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        requirements = self.token_requirements()
        if operation is None or not requirements:
            return operation
        needs = f"Needs an access token with {'; '.join(requirements)}."
        description = operation.get("description", "")
        operation["description"] = f"{description}\n\n{needs}".strip()
        operation[REQUIREMENTS_EXTENSION] = requirements
        return operation

    def error_answers(
        self, operation: dict[str, Any]
    ) -> dict[str, tuple[str, dict[str, Any]]]:
        answers = super().error_answers(operation)
        if self.token_requirements():
            answers["403"] = (FORBIDDEN_DESCRIPTION, {})
        return answers

"""Small helpers shared by the tests."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient
from rest_framework_simplejwt.settings import api_settings

if TYPE_CHECKING:
    # The test client's answer: a Response with json() and the request made.
    from rest_framework.response import _MonkeyPatchedResponse as Response

    from {{ cookiecutter.project_slug }}.users.models import User

PASSWORD = "correct horse battery staple"
WRONG_PASSWORD = "not the password"
# What users log in with: the body field of /api/token/.
LOGIN_FIELD = get_user_model().USERNAME_FIELD
# The low rates the throttling tests set (the low_rates fixture).
OBTAIN_PER_CLIENT = 4
OBTAIN_PER_USERNAME = 3
REFRESH_PER_CLIENT = 2


def run_python(code: str, **variables: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a new interpreter in the project root, with ``variables`` set."""
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=os.environ | variables,
        capture_output=True,
        text=True,
        check=False,
    )


def create_user(name: str, **fields: Any) -> User:
    """Create a user called ``name``, with PASSWORD and the address ``name@example.com``.

    ``name`` is the username, unless users log in with their address.
    """
    fields = {"email": f"{name}@example.com", "password": PASSWORD, **fields}
    if LOGIN_FIELD != "email":
        fields[LOGIN_FIELD] = name
    return get_user_model().objects.create_user(**fields)


def credentials(user: User, password: str = PASSWORD) -> dict[str, str]:
    """Return the body of /api/token/ that logs ``user`` in with ``password``."""
    return {LOGIN_FIELD: user.get_username(), "password": password}


def authorization_header(token: str, header_type: str | None = None) -> str:
    """Return the Authorization header value that carries ``token``."""
    return f"{header_type or api_settings.AUTH_HEADER_TYPES[0]} {token}"


def token_part(token: str, index: int) -> dict:
    """Return the decoded JSON of a token's header (0) or payload (1), unverified."""
    segment = token.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def refresh(client: APIClient, token: str) -> Response:
    """Ask the refresh endpoint for new tokens in exchange for ``token``."""
    return client.post("/api/token/refresh/", {"refresh": token}, format="json")


def verify(client: APIClient, token: str) -> Response:
    """Ask the verify endpoint whether ``token`` is accepted."""
    return client.post("/api/token/verify/", {"token": token}, format="json")


def logout(client: APIClient, token: str) -> Response:
    """Blacklist the refresh token ``token`` through the logout endpoint."""
    return client.post("/api/token/blacklist/", {"refresh": token}, format="json")


def counter_files(directory):
    """Return the files of the throttle counters under ``directory``."""
    return [path for path in directory.rglob("*") if path.is_file()]


ADMIN_LOGIN = "/admin/login/"


def admin_login(client, username, password=WRONG_PASSWORD, address="192.0.2.1"):
    return client.post(
        ADMIN_LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def assert_throttled_form(response, field="password"):
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 24 * 60 * 60
    page = response.content.decode()
    assert f"Too many attempts. Try again in {response['Retry-After']} s." in page
    assert f'name="{field}"' in page  # The form again.


ADMIN_PASSWORD_CHANGE = "/admin/password_change/"
NEW_PASSWORD = "a new password nobody guesses"


def change_password(client, old_password=WRONG_PASSWORD, address="192.0.2.1"):
    return client.post(
        ADMIN_PASSWORD_CHANGE,
        {
            "old_password": old_password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        REMOTE_ADDR=address,
    )
{%- if cookiecutter.token_transport == "cookie" %}


class BodyTokensClient(APIClient):
    """An APIClient that speaks the header transport's bodies to the cookie transport.

    Most of this suite specifies the token endpoints with refresh tokens in
    JSON bodies. This client carries a body's ``refresh`` to refresh and
    logout in the refresh cookie instead (and no refresh cookie otherwise),
    and copies a refresh cookie the answer sets into its JSON, so those
    specifications run against the cookie views. Like Django's test client it
    does not check CSRF; ``issuer/tests/cookie_transport/`` tests the transport
    itself, CSRF included, with a plain client.
    """

    cookie_paths = ("/api/token/refresh/", "/api/token/blacklist/")

    # The stubs' APIClient.post already differs from Django's Client.post: no
    # signature fits both.
    def post(self, path: str, data: Any = None, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        name = settings.REFRESH_COOKIE_NAME
        if path in self.cookie_paths:
            self.cookies.pop(name, None)
            if isinstance(data, dict) and isinstance(data.get("refresh"), str):
                self.cookies[name] = data["refresh"]
        response = super().post(path, data, *args, **kwargs)
        if path in self.cookie_paths:
            self.cookies.pop(name, None)
        cookie = response.cookies.get(name)
        if cookie is not None and cookie.value:
            body = {**response.json(), "refresh": cookie.value}
            # The test client gives each response its json(); this one's differs.
            response.json = lambda: body  # type: ignore[method-assign]
        return response
{%- endif %}


def documented_body(
    schema: dict[str, Any], path: str, method: str, status: int
) -> dict[str, Any]:
    """Return the JSON schema the OpenAPI ``schema`` gives the answer ``status``."""
    response = schema["paths"][path][method]["responses"][str(status)]
    return resolve(schema, response["content"]["application/json"]["schema"])


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Return ``node``, or the component its ``$ref`` names."""
    reference = node.get("$ref")
    if reference is None:
        return node
    return schema["components"]["schemas"][reference.rsplit("/", 1)[1]]


def undocumented(
    schema: dict[str, Any], documented: dict[str, Any], body: dict[str, Any]
) -> list[str]:
    """Return what of the JSON object ``body`` its ``documented`` schema does not say.

    A key it does not list, a required key missing, a null where the
    property is not nullable: what breaks a client generated from the schema.
    A ``oneOf`` documents ``body`` when one of its schemas does.
    """
    if "oneOf" in documented:
        return min(
            (
                undocumented(schema, resolve(schema, each), body)
                for each in documented["oneOf"]
            ),
            key=len,
        )
    properties = documented.get("properties", {})
    problems = [f"{key} is not documented" for key in body if key not in properties]
    problems += [
        f"{key} is missing" for key in documented.get("required", []) if key not in body
    ]
    problems += [
        f"{key} is null, documented as not nullable"
        for key, value in body.items()
        if value is None
        and not resolve(schema, properties.get(key, {})).get("nullable")
    ]
    return problems

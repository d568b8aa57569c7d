"""Service clients: created once, granted access tokens (RFC 6749, 4.4), revoked everywhere."""

import base64
import io
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from rest_framework.settings import api_settings
from rest_framework.test import APIClient, APIRequestFactory

from {{ cookiecutter.project_slug }}.jwt_auth.service_clients import REVOKED_KEY
from {{ cookiecutter.project_slug }}.jwt_auth.tests.protected_views import URLS
from {{ cookiecutter.project_slug }}.jwt_auth.workers import clear_worker_caches
from {{ cookiecutter.project_slug }}.service_clients.models import ServiceClient

from tests.helpers import authorization_header, token_part

pytestmark = pytest.mark.django_db

GRANT = "/api/token/client/"


def create(name: str = "orders-worker", *scopes: str) -> tuple[str, str]:
    """Return the client id and secret create_service_client prints."""
    out = io.StringIO()
    arguments = [f"--scope={scope}" for scope in scopes or ("orders:read",)]
    call_command(
        "create_service_client", name, *arguments, stdout=out, stderr=io.StringIO()
    )
    printed = dict(line.split("=", 1) for line in out.getvalue().split())
    return printed["client_id"], printed["client_secret"]


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def grant(api_client: APIClient, client_id: str, secret: str, **body: Any) -> Any:
    return api_client.post(
        GRANT,
        {"grant_type": "client_credentials", **body},
        format="json",
        HTTP_AUTHORIZATION=basic(client_id, secret),
    )


@pytest.fixture
def client_credentials() -> tuple[str, str]:
    return create("orders-worker", "orders:read", "orders:write")


def test_the_secret_is_printed_once_and_stored_as_a_keyed_hash(client_credentials):
    client_id, secret = client_credentials
    client = ServiceClient.objects.get(client_id=client_id)

    assert len(secret) >= 40
    assert secret not in {client.secret_hash, client.name, client.scope}
    assert len(client.secret_hash) == 64


def test_a_client_gets_an_access_token_only_for_its_credentials(
    api_client, client_credentials, settings
):
    client_id, secret = client_credentials

    response = grant(api_client, client_id, secret)

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "scope"}
    assert response["Cache-Control"] == "no-store"
    assert body["scope"] == "orders:read orders:write"
    claims = token_part(body["access_token"], 1)
    assert claims["sub"] == f"client:{client_id}"
    assert claims["client_id"] == client_id
    assert claims["scope"] == "orders:read orders:write"
    assert claims["token_type"] == "access"
    assert token_part(body["access_token"], 0)["typ"] == "at+jwt"


def test_credentials_in_the_body_work_too(api_client, client_credentials):
    client_id, secret = client_credentials

    response = api_client.post(
        GRANT,
        {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            "scope": "orders:read",
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["scope"] == "orders:read"


def test_the_form_encoding_of_rfc_6749_works_too(api_client, client_credentials):
    client_id, secret = client_credentials

    response = api_client.post(
        GRANT,
        "grant_type=client_credentials&scope=orders%3Awrite",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=basic(client_id, secret),
    )

    assert response.status_code == 200, response.content
    assert response.json()["scope"] == "orders:write"


def test_the_schema_documents_the_grant_and_its_errors(schema):
    operation = schema["paths"][GRANT]["post"]

    assert set(operation["requestBody"]["content"]) == {
        "application/json",
        "application/x-www-form-urlencoded",
    }
    assert {"200", "400", "401", "429"} <= set(operation["responses"])


def test_a_scope_beyond_the_clients_is_refused(api_client, client_credentials):
    response = grant(api_client, *client_credentials, scope="orders:read admin")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_another_grant_type_is_refused(api_client, client_credentials):
    response = api_client.post(
        GRANT,
        {"grant_type": "password"},
        format="json",
        HTTP_AUTHORIZATION=basic(*client_credentials),
    )

    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_a_body_that_does_not_parse_is_an_invalid_request(
    api_client, client_credentials
):
    response = api_client.post(
        GRANT,
        '{"grant_type": ',
        content_type="application/json",
        HTTP_AUTHORIZATION=basic(*client_credentials),
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_a_wrong_secret_and_an_unknown_client_answer_alike(
    api_client, client_credentials
):
    client_id, secret = client_credentials

    wrong_secret = grant(api_client, client_id, secret[:-1] + "x")
    unknown = grant(api_client, "0" * 24, secret)

    for response in (wrong_secret, unknown):
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Basic")
    assert wrong_secret.json() == unknown.json()
    assert wrong_secret.json()["error"] == "invalid_client"


def test_a_service_token_opens_views_by_scope_and_is_never_a_user(
    api_client, client_credentials, settings
):
    token = grant(api_client, *client_credentials, scope="orders:read").json()[
        "access_token"
    ]
    header = authorization_header(token)

    me = api_client.get("/api/me/", HTTP_AUTHORIZATION=header)
    assert me.status_code == 403
    assert me.json()["code"] == "not_a_user"

    settings.ROOT_URLCONF = URLS
    assert api_client.get("/orders/", HTTP_AUTHORIZATION=header).status_code == 200
    refused = api_client.get("/orders/write/", HTTP_AUTHORIZATION=header)
    assert refused.status_code == 403
    assert 'error="insufficient_scope"' in refused["WWW-Authenticate"]
    assert api_client.get("/editors/", HTTP_AUTHORIZATION=header).status_code == 403


@pytest.mark.parametrize("revoke", ["disable", "delete"])
def test_a_revoked_clients_tokens_are_refused_by_every_worker(
    api_client, client_credentials, settings, django_capture_on_commit_callbacks, revoke
):
    client_id, secret = client_credentials
    header = authorization_header(
        grant(api_client, client_id, secret).json()["access_token"]
    )
    settings.ROOT_URLCONF = URLS
    assert api_client.get("/orders/", HTTP_AUTHORIZATION=header).status_code == 200

    client = ServiceClient.objects.get(client_id=client_id)
    with django_capture_on_commit_callbacks(execute=True):
        if revoke == "disable":
            client.is_active = False
            client.save()
        else:
            client.delete()

    # This worker at once; another one (nothing remembered) from the shared cache.
    assert api_client.get("/orders/", HTTP_AUTHORIZATION=header).status_code == 401
    clear_worker_caches()
    assert client_id in cache.get(REVOKED_KEY)
    assert api_client.get("/orders/", HTTP_AUTHORIZATION=header).status_code == 401
    settings.ROOT_URLCONF = "config.urls"
    assert grant(api_client, client_id, secret).status_code == 401


def test_a_disabled_client_is_refused_here_even_when_the_cache_forgot(
    api_client, client_credentials, settings
):
    client_id, secret = client_credentials
    header = authorization_header(
        grant(api_client, client_id, secret).json()["access_token"]
    )
    ServiceClient.objects.filter(client_id=client_id).update(is_active=False)
    cache.clear()
    clear_worker_caches()
    settings.ROOT_URLCONF = URLS

    assert api_client.get("/orders/", HTTP_AUTHORIZATION=header).status_code == 401


def test_a_rotated_secret_replaces_the_old_one(api_client, client_credentials):
    client_id, old_secret = client_credentials
    out = io.StringIO()

    call_command("rotate_service_client_secret", client_id, stdout=out)

    new_secret = dict(line.split("=", 1) for line in out.getvalue().split())[
        "client_secret"
    ]
    assert grant(api_client, client_id, old_secret).status_code == 401
    assert grant(api_client, client_id, new_secret).status_code == 200


def test_grants_are_throttled_per_client_id(api_client, client_credentials, settings):
    client_id, secret = client_credentials
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        | {"token_client_per_client_id": "3/day"}
    }
    cache.clear()

    answers = [
        api_client.post(
            GRANT,
            {"grant_type": "client_credentials"},
            format="json",
            HTTP_AUTHORIZATION=basic(client_id, secret),
            REMOTE_ADDR=f"192.0.2.{number}",
        ).status_code
        for number in range(4)
    ]

    assert answers == [200, 200, 200, 429]


def test_commands_list_and_disable_clients(
    api_client, client_credentials, django_capture_on_commit_callbacks
):
    client_id, secret = client_credentials
    listed = io.StringIO()
    call_command("list_service_clients", stdout=listed)
    assert f"{client_id}\torders-worker\tactive\torders:read orders:write" in (
        listed.getvalue()
    )

    with django_capture_on_commit_callbacks(execute=True):
        call_command("disable_service_client", client_id, stdout=io.StringIO())

    assert grant(api_client, client_id, secret).status_code == 401
    assert client_id in cache.get(REVOKED_KEY)
    call_command("disable_service_client", client_id, "--enable", stdout=io.StringIO())
    assert grant(api_client, client_id, secret).status_code == 200


def test_commands_refuse_an_unknown_client_and_a_bad_scope():
    with pytest.raises(CommandError, match="No service client"):
        call_command("disable_service_client", "nobody", stdout=io.StringIO())
    with pytest.raises(CommandError, match="is not a scope"):
        call_command("create_service_client", "x", "--scope", 'a"b')


def test_request_user_says_whether_it_is_a_service_client(
    api_client, client_credentials, user
):
    token = grant(api_client, *client_credentials).json()["access_token"]
    # The project's authentication, as every view runs it.
    classes: Any = api_settings.DEFAULT_AUTHENTICATION_CLASSES
    header = authorization_header(token)
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=header)

    principal, _ = classes[0]().authenticate(request)

    assert principal.is_service_client
    assert principal.client_id == client_credentials[0]
    assert principal.scopes == {"orders:read", "orders:write"}
    assert (principal.pk, principal.is_authenticated) == (None, True)
    assert user.is_service_client is False

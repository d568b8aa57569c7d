"""The OpenAPI schema at /api/schema/ and Swagger UI at /api/docs/."""

from django.conf import settings
from django.core.management import call_command
from rest_framework_simplejwt.settings import api_settings

BODY_METHODS = {"post", "put", "patch"}
# Operations that take no body: the access token says everything.
BODILESS = {("post", "/api/token/logout-all/")}
SCHEMA_COMMAND = ("spectacular", "--validate", "--fail-on-warn")
SWAGGER_UI_FILES = "/static/drf_spectacular_sidecar/swagger-ui-dist/"


def operations(schema):
    """Yield ``(path, method, operation)`` for every operation of ``schema``."""
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_the_committed_schema_is_the_one_served(tmp_path):
    # --fail-on-warn turns every endpoint drf-spectacular cannot describe into an error.
    call_command(*SCHEMA_COMMAND, "--file", tmp_path / "openapi.yaml")
    served = (tmp_path / "openapi.yaml").read_text()
    committed = settings.BASE_DIR / "openapi.yaml"
    update = f"run: python manage.py {' '.join(SCHEMA_COMMAND)} --file openapi.yaml"

    assert served.startswith("openapi: 3")
    assert committed.exists(), f"openapi.yaml is missing: {update}"
    assert committed.read_text() == served, f"openapi.yaml is out of date: {update}"


def success(operation):
    """Return the documented success answer of ``operation`` (200, or 202 for a queued job)."""
    responses = operation["responses"]
    return responses.get("200") or responses["202"]


def test_every_operation_documents_its_success_response_body(schema):
    undocumented = [
        f"{method.upper()} {path}"
        for path, method, operation in operations(schema)
        if method != "delete"
        and "schema" not in success(operation)["content"]["application/json"]
    ]

    assert undocumented == []


def test_every_operation_that_takes_a_body_documents_it_and_its_errors(schema):
    for path, method, operation in operations(schema):
{%- if cookiecutter.token_transport == "cookie" %}
        if "refreshCookie" in str(operation.get("security")):
            continue  # No body: the refresh cookie (issuer/tests/cookie_transport/).
{%- endif %}
        if method in BODY_METHODS and (method, path) not in BODILESS:
            body = operation["requestBody"]["content"]["application/json"]
            assert body["schema"], path
            assert "400" in operation["responses"], path
            # Operations open to anybody (sign-in, accounts) read no token.
            if operation.get("security") != [{}]:
                assert "401" in operation["responses"], path


def test_every_answer_but_no_content_has_a_json_body(schema):
    bodiless = [
        f"{method.upper()} {path} {status}"
        for path, method, operation in operations(schema)
        for status, response in operation["responses"].items()
        if status != "204" and list(response.get("content", {})) != ["application/json"]
    ]

    assert bodiless == []


def test_every_operation_documents_the_errors_of_any_request(schema):
    for path, method, operation in operations(schema):
        assert {"405", "406"} <= set(operation["responses"]), (method, path)
        if "{" in path:
            assert "404" in operation["responses"], (method, path)


def test_an_unacceptable_accept_header_gets_the_documented_json_406(api_client):
    response = api_client.get("/api/health/", HTTP_ACCEPT="text/html")

    assert response.status_code == 406
    assert set(response.json()) == {"detail"}


def test_every_protected_operation_documents_401(schema):
    protected = [
        (path, operation)
        for path, _method, operation in operations(schema)
        if {"jwtAuth": []} in operation.get("security", [])
    ]

    assert {path for path, _ in protected} >= {"/api/", "/api/me/"}
    for path, operation in protected:
        assert "401" in operation["responses"], path


def test_security_scheme_sends_the_first_configured_header_type(schema):
    scheme = schema["components"]["securitySchemes"]["jwtAuth"]
    header_type = api_settings.AUTH_HEADER_TYPES[0]

    if header_type == "Bearer":
        assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    else:
        assert scheme["type"] == "apiKey"
        assert scheme["name"] == "Authorization"
        assert f'"{header_type} <token>"' in scheme["description"]
    for other_type in api_settings.AUTH_HEADER_TYPES[1:]:
        assert f'"{other_type}"' in scheme["description"]


def test_swagger_ui_is_served_by_this_service_not_a_cdn(api_client):
    response = api_client.get("/api/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assert f"{SWAGGER_UI_FILES}swagger-ui-bundle.js" in page
    assert "cdn." not in page


def test_me_documents_the_user_id_as_a_string_like_sub(schema):
    response = schema["paths"]["/api/me/"]["get"]["responses"]["200"]
    reference = response["content"]["application/json"]["schema"]["$ref"]
    user = schema["components"]["schemas"][reference.rsplit("/", 1)[-1]]

    assert user["properties"]["id"]["type"] == "string"


def test_every_operation_that_may_query_documents_the_database_outage(schema):
    for path, method, operation in operations(schema):
        if path == "/api/health/":
            assert "503" not in operation["responses"], path
            continue
        unavailable = operation["responses"]["503"]
        # The readiness probe answers its own 503, a report of each check.
        if path != "/api/ready/":
            assert "Retry-After" in unavailable["headers"], (method, path)

"""The token endpoints in the OpenAPI schema at /api/schema/."""
{%- if cookiecutter.token_transport == "header" %}

from rest_framework_simplejwt.settings import api_settings
{%- endif %}

from tests.helpers import LOGIN_FIELD


def test_token_endpoints_document_their_request_fields(schema):
    components = schema["components"]["schemas"]

    def request_fields(path):
        body = schema["paths"][path]["post"]["requestBody"]["content"]
        name = body["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        properties = components[name]["properties"]
        return {key for key, value in properties.items() if not value.get("readOnly")}

    assert request_fields("/api/token/") == {LOGIN_FIELD, "password"}
{%- if cookiecutter.token_transport == "header" %}
    assert request_fields("/api/token/refresh/") == {"refresh"}
{%- endif %}
    assert request_fields("/api/token/verify/") == {"token"}
{%- if cookiecutter.token_transport == "header" %}


def test_refresh_response_has_a_refresh_token_only_with_rotation(schema):
    refresh = schema["components"]["schemas"]["TokenRefresh"]["properties"]["refresh"]

    in_response = not refresh.get("writeOnly", False)
    assert in_response == api_settings.ROTATE_REFRESH_TOKENS
{%- endif %}

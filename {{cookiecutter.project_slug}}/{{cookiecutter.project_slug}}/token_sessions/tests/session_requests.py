"""Requests of a client with sessions: log in, list them, call the API."""

from tests.helpers import authorization_header, credentials, token_part


def login(client, user, **headers):
    response = client.post("/api/token/", credentials(user), format="json", **headers)
    assert response.status_code == 200, response.content
    return response.json()


def bearer(tokens):
    return {"HTTP_AUTHORIZATION": authorization_header(tokens["access"])}


def sessions(client, tokens):
    response = client.get("/api/sessions/", **bearer(tokens))
    assert response.status_code == 200, response.content
    return response.json()


def hello(client, tokens):
    return client.get("/api/", **bearer(tokens))


def sid(token):
    return token_part(token, 1)["sid"]

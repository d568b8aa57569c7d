"""Roles and scopes across a served issuer and verifier (ES256) sharing one Redis.

The generated suites prove each rule in one process; this module proves what
needs two services: the claims hook's roles reaching a verifier and following
group changes at refresh, a failing hook stopping logins, and service clients
(RFC 6749, 4.4) authorized by scope on the verifier and revoked on both within
about a second through the shared Redis.
"""

import base64
import json
import shutil
import statistics
import time

import pytest

from tests.support.baking import SUPERUSER_PASSWORD
from tests.support.commands import manage, project_env
from tests.support.databases import require_redis
from tests.support.serving import GENEROUS_THROTTLE_RATES, free_port, http, served

ISSUER = "https://auth.example.com"
AUDIENCE = "https://services.example.com"
# A database of its own: the revoked clients' key is shared by whoever uses it.
REDIS_URL = "redis://127.0.0.1:6379/7"
# One poll of the shared cache (a second), on two loaded cores.
BOUND_SECONDS = 2.5
SCOPED_VIEWS = """
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from {package}.jwt_auth.permissions import HasScope


class Orders(APIView):
    def get(self, request):
        return Response({{"client": request.user.client_id}})


urlpatterns = [
    path("api/orders/", Orders.as_view(permission_classes=(HasScope("orders:read"),))),
    path(
        "api/orders/write/",
        Orders.as_view(permission_classes=(HasScope("orders:write"),)),
    ),
]
"""

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("issuer-ES256")]


def claims_of(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def basic(client_id, secret):
    return {
        "Authorization": "Basic "
        + base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    }


def shell(project, code, env):
    """Run ``code`` in the project's Django shell (its ORM, its signals)."""
    return manage(project, "shell", "-c", code, env=env).stdout


@pytest.fixture(scope="module")
def services(bake, tmp_path_factory):
    """Serve a copy of an ES256 issuer and a verifier with a scope-protected view."""
    require_redis()
    folder = tmp_path_factory.mktemp("authorization")
    issuer = folder / "issuer"
    shutil.copytree(bake(jwt_algorithm="ES256").project_path, issuer)
    verifier = folder / "verifier"
    shutil.copytree(
        bake(jwt_algorithm="ES256", service_role="verifier").project_path, verifier
    )
    package = next(verifier.glob("*/jwt_auth")).parent.name
    (verifier / "scoped_views.py").write_text(SCOPED_VIEWS.format(package=package))
    with (verifier / "config/urls.py").open("a") as urls:
        urls.write(
            "\nfrom scoped_views import urlpatterns as scoped\n\nurlpatterns += scoped\n"
        )

    issuer_port = free_port()
    claims = {"JWT_ISSUER": ISSUER, "JWT_AUDIENCE": AUDIENCE, "REDIS_URL": REDIS_URL}
    issuer_env = project_env(**GENEROUS_THROTTLE_RATES, **claims)
    verifier_env = project_env(
        JWT_JWKS_URL=f"http://127.0.0.1:{issuer_port}/.well-known/jwks.json", **claims
    )
    with (
        served(issuer, env=dict(issuer_env), port=issuer_port) as issuer_url,
        served(verifier, env=verifier_env) as verifier_url,
    ):
        yield issuer, issuer_url, issuer_env, verifier_url


def login(issuer_url):
    status, _, body = http(
        "POST",
        f"{issuer_url}/api/token/",
        {"username": "admin", "password": SUPERUSER_PASSWORD},
    )
    assert status == 200, body
    return body


def test_roles_follow_group_changes_at_the_next_refresh(services):
    issuer, issuer_url, issuer_env, verifier_url = services
    shell(
        issuer,
        "from django.contrib.auth.models import Group; "
        "from django.contrib.auth import get_user_model; "
        "get_user_model().objects.get(username='admin').groups.add("
        "Group.objects.get_or_create(name='auditors')[0])",
        issuer_env,
    )
    tokens = login(issuer_url)
    assert claims_of(tokens["access"])["roles"] == ["auditors"]
    assert "roles" not in claims_of(tokens["refresh"])
    status, _, me = http(
        "GET", f"{verifier_url}/api/me/", headers=bearer(tokens["access"])
    )
    assert (status, me["roles"]) == (200, ["auditors"])

    shell(
        issuer,
        "from django.contrib.auth import get_user_model; "
        "get_user_model().objects.get(username='admin').groups.clear()",
        issuer_env,
    )
    status, _, refreshed = http(
        "POST", f"{issuer_url}/api/token/refresh/", {"refresh": tokens["refresh"]}
    )
    assert status == 200, refreshed
    assert claims_of(refreshed["access"])["roles"] == []
    status, _, me = http(
        "GET", f"{verifier_url}/api/me/", headers=bearer(refreshed["access"])
    )
    assert (status, me["roles"]) == (200, [])


def test_a_hook_that_raises_stops_logins_with_503(services):
    issuer, _, issuer_env, _ = services
    # json.loads(user) raises TypeError: a hook that fails.
    failing = issuer_env | {"JWT_CLAIMS_HOOK": "json.loads"}
    with served(issuer, env=failing) as url:
        status, _, body = http(
            "POST",
            f"{url}/api/token/",
            {"username": "admin", "password": SUPERUSER_PASSWORD},
        )
    assert status == 503
    assert body["code"] == "claims_unavailable"
    assert "access" not in body


def test_a_service_client_is_authorized_by_scope_and_revoked_on_both_within_a_second(
    services,
):
    issuer, issuer_url, issuer_env, verifier_url = services
    printed = manage(
        issuer,
        "create_service_client",
        f"reports-{time.monotonic_ns()}",
        "--scope",
        "orders:read",
        env=issuer_env,
    ).stdout
    credentials = dict(line.split("=", 1) for line in printed.split())
    client_id, secret = credentials["client_id"], credentials["client_secret"]

    status, _, granted = http(
        "POST",
        f"{issuer_url}/api/token/client/",
        {"grant_type": "client_credentials"},
        headers=basic(client_id, secret),
    )
    assert status == 200, granted
    token = granted["access_token"]
    assert claims_of(token)["sub"] == f"client:{client_id}"
    assert claims_of(token)["aud"] == AUDIENCE

    status, _, body = http("GET", f"{verifier_url}/api/orders/", headers=bearer(token))
    assert (status, body) == (200, {"client": client_id})
    status, headers, body = http(
        "GET", f"{verifier_url}/api/orders/write/", headers=bearer(token)
    )
    assert status == 403
    assert 'error="insufficient_scope"' in headers["WWW-Authenticate"]
    status, _, body = http("GET", f"{verifier_url}/api/me/", headers=bearer(token))
    assert (status, body["code"]) == (403, "not_a_user")
    assert http("GET", f"{issuer_url}/api/", headers=bearer(token))[0] == 200

    shell(
        issuer,
        "from {package}.service_clients.models import ServiceClient; "
        "client = ServiceClient.objects.get(client_id={client_id!r}); "
        "client.is_active = False; client.save()".format(
            package=next(issuer.glob("*/service_clients")).parent.name,
            client_id=client_id,
        ),
        issuer_env,
    )
    disabled_at = time.monotonic()
    for url, path in ((issuer_url, "/api/"), (verifier_url, "/api/orders/")):
        while http("GET", f"{url}{path}", headers=bearer(token))[0] != 401:
            assert time.monotonic() - disabled_at < BOUND_SECONDS, url
            time.sleep(0.05)


def test_a_wrong_secret_and_an_unknown_client_answer_alike(services):
    issuer, issuer_url, issuer_env, _ = services
    printed = manage(
        issuer,
        "create_service_client",
        f"billing-{time.monotonic_ns()}",
        env=issuer_env,
    ).stdout
    client_id = dict(line.split("=", 1) for line in printed.split())["client_id"]

    def attempt(candidate):
        started = time.perf_counter()
        status, headers, body = http(
            "POST",
            f"{issuer_url}/api/token/client/",
            {"grant_type": "client_credentials"},
            headers=basic(candidate, "not-the-secret"),
        )
        return time.perf_counter() - started, status, headers["WWW-Authenticate"], body

    wrong_secret = [attempt(client_id) for _ in range(15)]
    unknown = [attempt("0" * 24) for _ in range(15)]

    assert {answer[1:3] for answer in wrong_secret + unknown} == {
        (401, 'Basic realm="api"')
    }
    assert wrong_secret[0][3] == unknown[0][3]
    times = [
        statistics.median(answer[0] for answer in run)
        for run in (wrong_secret, unknown)
    ]
    assert abs(times[0] - times[1]) < 0.05, times

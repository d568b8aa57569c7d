"""The authentication cache of a baked project, across the workers of a real server.

Each worker remembers users; these tests change users from another process
(``manage.py shell``) and check that every worker of a gunicorn server refuses
their tokens: within the announcement's poll (about a second) for changes
made with save()/delete(), and at once for any change with
JWT_USER_CACHE_SECONDS=0. Tokens are minted in a shell, not obtained over
HTTP, so the obtain endpoint's throttling stays out of the way.
"""

import json
import time
import uuid

import pytest

from tests.support.commands import manage, project_env
from tests.support.serving import http, served

# The same worker as the default variant's checks: the bake is shared.
pytestmark = pytest.mark.xdist_group("default")

# Long enough for a loaded CI machine; the announcement is read every second.
REFUSAL_DEADLINE_SECONDS = 15
# Consecutive requests that must all be refused: enough to reach every worker.
REQUESTS_PER_CHECK = 20

CREATE_USERS = """
import json
from django.contrib.auth import get_user_model
from PACKAGE.issuer.tokens import AccessToken

tokens = {}
for name in NAMES:
    user = get_user_model().objects.create_user(name, password="a long password 8213")
    tokens[name] = str(AccessToken.for_user(user))
print(json.dumps(tokens))
"""

CHANGES = {
    "deactivated": "user.is_active = False\nuser.save()",
    "deleted": "user.delete()",
    "password changed": "user.set_password('another long password 7723')\nuser.save()",
    "deactivated by QuerySet.update()": (
        "type(user).objects.filter(pk=user.pk).update(is_active=False)"
    ),
}


@pytest.fixture
def project(bake):
    return bake().project_path


def users_with_tokens(project, changes):
    """Create a user per change; return ``{change: (username, access token)}``."""
    names = {change: f"cache-{uuid.uuid4().hex[:8]}" for change in changes}
    script = CREATE_USERS.replace("NAMES", repr(list(names.values())))
    # The issuer's own token class: the access-token profile the API requires.
    script = script.replace("PACKAGE", project.name)
    output = manage(project, "shell", "--no-imports", "-c", script).stdout
    tokens = json.loads(output.strip().splitlines()[-1])
    return {change: (name, tokens[name]) for change, name in names.items()}


def change_users(project, users):
    """Apply each change to its user, from a process of its own."""
    script = "from django.contrib.auth import get_user_model\n"
    for change, (name, _token) in users.items():
        script += f"user = get_user_model().objects.get(username={name!r})\n"
        script += f"{CHANGES[change]}\n"
    manage(project, "shell", "--no-imports", "-c", script)


def statuses(base_url, users, count=REQUESTS_PER_CHECK):
    """Return, per change, the statuses of ``count`` calls with its user's token."""
    result = {}
    for change, (_name, token) in users.items():
        headers = {"Authorization": f"Bearer {token}"}
        calls = (
            http("GET", f"{base_url}/api/", headers=headers)[0] for _ in range(count)
        )
        result[change] = set(calls)
    return result


def only(users, status):
    """Return what ``statuses`` returns when every call answered ``status``."""
    return {change: {status} for change in users}


def test_users_changed_in_another_process_are_refused_by_every_worker(project):
    users = users_with_tokens(project, ["deactivated", "deleted", "password changed"])
    with served(project, workers=2) as base_url:
        assert statuses(base_url, users) == only(users, 200)

        change_users(project, users)

        deadline = time.monotonic() + REFUSAL_DEADLINE_SECONDS
        while (seen := statuses(base_url, users)) != {
            change: {401} for change in users
        }:
            assert time.monotonic() < deadline, f"still accepted: {seen}"
            time.sleep(0.2)


def test_with_no_delay_every_worker_refuses_at_once(project):
    users = users_with_tokens(project, ["deactivated by QuerySet.update()", "deleted"])
    env = project_env(JWT_USER_CACHE_SECONDS=0)
    with served(project, workers=2, env=env) as base_url:
        assert statuses(base_url, users) == only(users, 200)

        change_users(project, users)

        assert statuses(base_url, users) == only(users, 401)

"""Refresh rotation with blacklist under concurrency, on a real multi-worker server.

Each INSERT of the rotation commits on its own (a short SQLite write lock),
so the one-time use of a refresh token rests on the blacklist's unique
constraint alone: of many simultaneous refreshes of one token, exactly one
may succeed, whichever worker and thread serves it.
"""

import threading
from collections import Counter

import pytest

from tests.serving import GENEROUS_THROTTLE_RATES, http, served
from tests.support import SUPERUSER_PASSWORD, project_env

VARIANT = {"rotate_refresh_tokens": "yes", "blacklist_after_rotation": "yes"}
# The same worker as the variant's other checks: the bake is shared.
pytestmark = pytest.mark.xdist_group("rotation-blacklist")

SIMULTANEOUS_REFRESHES = 12


def refresh_all_at_once(base_url, token):
    """POST ``token`` to the refresh endpoint from many threads at once."""
    answers = []
    start = threading.Barrier(SIMULTANEOUS_REFRESHES)

    def refresh():
        start.wait()
        answers.append(
            http("POST", f"{base_url}/api/token/refresh/", {"refresh": token})
        )

    threads = [threading.Thread(target=refresh) for _ in range(SIMULTANEOUS_REFRESHES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_a_refresh_token_rotates_once_however_many_ask_at_the_same_time(bake):
    project = bake(**VARIANT).project_path
    env = project_env(GUNICORN_CMD_ARGS="--threads 4", **GENEROUS_THROTTLE_RATES)
    with served(project, workers=2, env=env) as base_url:
        credentials = {"username": "admin", "password": SUPERUSER_PASSWORD}
        token = http("POST", f"{base_url}/api/token/", credentials)[2]["refresh"]

        for _ in range(3):
            answers = refresh_all_at_once(base_url, token)

            assert Counter(status for status, _, _ in answers) == {
                200: 1,
                401: SIMULTANEOUS_REFRESHES - 1,
            }
            (token,) = (body["refresh"] for status, _, body in answers if status == 200)

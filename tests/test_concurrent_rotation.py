"""One refresh token, used by many requests at once on a served project: one wins.

With rotation and blacklisting on, refreshing a token and logging out with it
both claim the token through the blacklist's unique constraint (one INSERT,
committed with the rotation's other records). Of any mix of simultaneous refreshes and logouts of
one token, exactly one may succeed, whichever worker, thread and database:
otherwise a logout answered 200 can leave a live rotated token behind, or two
clients hold two valid descendants of one token. (Refreshes from the client
that won may be answered with the winner's token: the grace rule of the
generated README's "Sessions".) simplejwt 5.5.1 alone lets 2
to 4 of 16 refreshes through, and lets a logout and a refresh both succeed.

Only the template's suite can show this: it needs several worker processes
serving one database. The generated project's own suite proves the
single-request rules (a rotated token is refused, a logged-out token cannot
be rotated).
"""

import pytest

from tests.support.baking import SUPERUSER_PASSWORD
from tests.support.commands import project_env
from tests.support.serving import GENEROUS_THROTTLE_RATES, concurrently, http, served
from tests.support.variants import VARIANTS, variants

RACE_VARIANTS = {
    "rotation-blacklist": VARIANTS["rotation-blacklist"],
    "rotation-blacklist-postgresql": VARIANTS["rotation-blacklist"]
    | {"database": "postgresql"},
}
# (refreshes, logouts) sent at once in each round, all with one fresh token.
MIXES = [(8, 0), (0, 8), (4, 4), (1, 7), (7, 1), (4, 4), (4, 4), (4, 4)]


@pytest.fixture
def project(bake, variant):
    return bake(**RACE_VARIANTS[variant]).project_path


def post(url, path, body):
    return http("POST", f"{url}{path}", body, timeout=30)


def race(url, token, refreshes, logouts):
    """Send ``refreshes`` refreshes and ``logouts`` logouts of ``token`` at once.

    Return ``(what, status, body)`` for each request.
    """

    def send(index):
        if index < refreshes:
            return ("refresh", *post(url, "/api/token/refresh/", {"refresh": token}))
        return ("logout", *post(url, "/api/token/blacklist/", {"refresh": token}))

    return [
        (what, status, body)
        for what, status, _, body in concurrently(refreshes + logouts, send)
    ]


@variants("rotation-blacklist", "rotation-blacklist-postgresql")
def test_of_simultaneous_refreshes_and_logouts_of_one_token_exactly_one_wins(
    project,
):
    problems = []
    env = project_env(GUNICORN_CMD_ARGS="--threads 2", **GENEROUS_THROTTLE_RATES)
    with served(project, workers=4, env=env) as url:
        for refreshes, logouts in MIXES:
            credentials = {"username": "admin", "password": SUPERUSER_PASSWORD}
            token = post(url, "/api/token/", credentials)[2]["refresh"]

            answers = race(url, token, refreshes, logouts)

            winners = [(what, body) for what, status, body in answers if status == 200]
            losers = {
                (status, body.get("code"))
                for _, status, body in answers
                if status != 200
            }
            kinds = {what for what, _ in winners}
            rotated = {body["refresh"] for what, body in winners if what == "refresh"}
            # One logout, or one rotation: refreshes that lost the race may
            # get its very token (the grace a client retrying its own refresh
            # gets, README "Sessions"), never a second descendant.
            one_winner = (kinds == {"logout"} and len(winners) == 1) or (
                kinds == {"refresh"} and len(rotated) == 1
            )
            if not one_winner or not losers <= {(401, "token_not_valid")}:
                won = sorted(what for what, _ in winners)
                problems.append(
                    f"{refreshes} refreshes + {logouts} logouts: {won} won, the others got {losers}"
                )
            if kinds == {"logout"}:
                # The logout ended the session: nothing of it refreshes.
                assert post(url, "/api/token/refresh/", {"refresh": token})[0] == 401
            for newest in rotated:
                assert post(url, "/api/token/refresh/", {"refresh": newest})[0] == 200

    assert problems == []

"""Schemathesis with every check it has, against the three shapes of service.

``test_openapi.py`` asks for no server error and no undocumented answer;
here Schemathesis also checks status codes, content types and headers
against the schema, that invalid data is refused and valid data accepted,
that authentication is not ignored, and that unsupported methods answer 405
with ``Allow``. Throttles are raised out of reach by environment variables
for the run; the 429 they answer stays documented (the generated suites
check it too). Bounded in examples and in time.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.api_services import SERVICES, serve_service
from tests.support.serving import http, obtain_access_token

MAX_EXAMPLES = 25
# The whole run's bound: --max-time would repeat fuzzing until it is spent.
TIMEOUT_SECONDS = 300
SEED = 20260101


# Operations whose schema-valid body can still be refused with 400 by their
# contract: a secret the schema cannot know (a current password, a link's
# uid and token) is wrong, and the contract answers 400 for that.
# Schemathesis's positive_data_acceptance check is kept for them, with 400
# among the answers it expects.
CONFIG = """
[[operations]]
include-path-regex = "^/api/account/(password/change|password/reset/confirm|email/verify)/$"
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409", "429"]
"""


def run_schemathesis(service, report_dir):
    """Run ``schemathesis run --checks all`` against ``service``; return the completed run."""
    access = obtain_access_token(service.issuer_url)
    config = report_dir.parent / "schemathesis.toml"
    config.write_text(CONFIG)
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "--config-file",
            str(config),
            "run",
            f"{service.base_url}/api/schema/?format=json",
            "--header",
            f"Authorization: Bearer {access}",
            "--checks",
            "all",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--request-timeout",
            "10",
            "--seed",
            str(SEED),
            "--generation-database",
            "none",
            "--warnings",
            "off",
            "--no-color",
            "--report-dir",
            str(report_dir),
        ],
        # Not the shared bake: Schemathesis leaves its cache (.schemathesis/)
        # in its working directory.
        cwd=report_dir.parent,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xdist_group(shape["variant"]), id=name)
        for name, shape in SERVICES.items()
    ],
)
def test_schemathesis_with_every_check_finds_nothing(bake, name, tmp_path):
    with serve_service(bake, name) as service:
        _, _, schema = http("GET", f"{service.base_url}/api/schema/?format=json")
        result = run_schemathesis(service, tmp_path / "report")

    if not service.is_verifier:
        # Out of reach for this run, yet still documented for every client.
        too_many = schema["paths"]["/api/token/"]["post"]["responses"]["429"]
        assert "Retry-After" in too_many["headers"], too_many

    if result.returncode != 0:
        pytest.fail(result.stdout + result.stderr, pytrace=False)
    assert re.search(r"Tested: +[1-9]", result.stdout), result.stdout

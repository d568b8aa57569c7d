"""The OpenAPI docs of baked projects, served as in production.

A real browser (Debian's headless Chromium, driven by Selenium through
Debian's chromedriver) opens Swagger UI, authorizes with a token and calls
``GET /api/me/``; Schemathesis throws generated requests at every endpoint of
the schema and fails on any 500 or any answer the schema does not describe.
"""

import os
import re
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.commands import in_ci
from tests.support.serving import http, obtain_access_token, production_server
from tests.support.variants import VARIANTS, variants

# Debian's chromium and chromium-driver, unless the environment names others.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
# Without the background-networking flags Chromium dials out at start, and on a
# closed network its own connections get refused.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1600",
)
SWAGGER_UI_TIMEOUT = 30


def header_type(variant):
    """Return the first header type the variant's tokens are sent with."""
    return VARIANTS[variant].get("auth_header_types", "Bearer").split(",")[0].strip()


@pytest.fixture
def served_project(bake, variant):
    """Yield ``(project, base URL)`` of the variant, served with production settings."""
    project = bake(**VARIANTS[variant]).project_path
    with production_server(project) as base_url:
        yield project, base_url


@contextmanager
def headless_chromium(profile_dir, *flags):
    """Yield a Selenium driver of a headless Chromium with a fresh profile and ``flags``."""
    from selenium import webdriver  # noqa: PLC0415 - only the browser tests need it
    from selenium.webdriver.chrome.service import Service  # noqa: PLC0415

    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        message = f"{CHROMIUM} and {CHROMEDRIVER} are needed (apt-get install chromium chromium-driver)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile_dir}", *flags):
        options.add_argument(flag)
    driver = webdriver.Chrome(
        options=options, service=Service(executable_path=CHROMEDRIVER)
    )
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def browser(tmp_path):
    """Yield a Selenium driver of a headless Chromium with a fresh profile."""
    with headless_chromium(tmp_path / "profile") as driver:
        yield driver


def authorize_and_execute(driver, docs_url, credentials, operation):
    """In Swagger UI at ``docs_url``, authorize with ``credentials``, run ``operation``.

    Every step is a click or a keystroke a person would make. Returns the
    HTTP status Swagger UI shows for the response.
    """
    from selenium.webdriver.common.by import By  # noqa: PLC0415
    from selenium.webdriver.support import expected_conditions  # noqa: PLC0415
    from selenium.webdriver.support.ui import WebDriverWait  # noqa: PLC0415

    wait = WebDriverWait(driver, SWAGGER_UI_TIMEOUT)

    def click(selector):
        wait.until(
            expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, selector))
        ).click()

    driver.get(docs_url)
    click(".scheme-container button.authorize")
    field = wait.until(
        expected_conditions.visibility_of_element_located(
            (By.CSS_SELECTOR, ".auth-container input")
        )
    )
    field.send_keys(credentials)
    click(".auth-container button.authorize")
    click(".auth-container button.btn-done")
    block = f"#{operation}"
    click(f"{block} .opblock-summary-control")
    click(f"{block} button.try-out__btn")
    click(f"{block} button.execute")
    status = wait.until(
        expected_conditions.visibility_of_element_located(
            (
                By.CSS_SELECTOR,
                f"{block} .live-responses-table tr.response .response-col_status",
            )
        )
    )
    return status.text.strip()


@pytest.mark.slow
@variants("default", "header-jwt")
def test_swagger_ui_authorizes_with_a_token_and_calls_me(
    served_project, browser, variant
):
    _project, base_url = served_project
    prefix = header_type(variant)
    access = obtain_access_token(base_url)
    # "Bearer" is an HTTP bearer scheme: Swagger UI adds the prefix. Any other
    # header type is an API key: the person types the prefix with the token.
    credentials = access if prefix == "Bearer" else f"{prefix} {access}"

    status = authorize_and_execute(
        browser, f"{base_url}/api/docs/", credentials, "operations-me-me_retrieve"
    )

    assert status == "200"
    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map(entry => entry.name)"
    )
    assert loaded, "Swagger UI loaded no files"
    assert [url for url in loaded if not url.startswith(base_url)] == []


@variants("default")
def test_swagger_ui_files_are_served_compressed_and_cacheable_in_production(
    served_project,
):
    _project, base_url = served_project
    status, _, page = http("GET", f"{base_url}/api/docs/")
    assert status == 200
    bundle = re.search(
        r'src="(/static/[^"]+/swagger-ui-bundle\.[0-9a-f]{12}\.js)"', page
    )
    assert bundle, "the docs page does not reference a content-hashed Swagger UI bundle"

    status, headers, _ = http(
        "GET", f"{base_url}{bundle[1]}", headers={"Accept-Encoding": "gzip"}
    )

    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]


@variants("default", "postgresql", "rotation-blacklist")
def test_schemathesis_finds_no_server_error_and_no_undocumented_answer(
    served_project, variant
):
    _, base_url = served_project
    access = obtain_access_token(base_url)
    with tempfile.TemporaryDirectory() as report_dir:
        result = subprocess.run(
            [
                str(Path(sys.executable).parent / "schemathesis"),
                "run",
                f"{base_url}/api/schema/?format=json",
                "--header",
                f"Authorization: {header_type(variant)} {access}",
                "--checks",
                "not_a_server_error,response_schema_conformance",
                "--max-examples",
                "50",
                "--seed",
                "20260101",
                "--generation-database",
                "none",
                "--warnings",
                "off",
                "--no-color",
                "--report-dir",
                report_dir,
            ],
            # Not the shared bake: Schemathesis leaves its cache (.schemathesis/)
            # in its working directory.
            cwd=report_dir,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"Tested: +[1-9]", result.stdout), result.stdout

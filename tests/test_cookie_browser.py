"""The cookie transport in a real browser, from a single-page app on another origin.

A baked ``token_transport=cookie`` project is served by gunicorn; a static
page of a few lines of JavaScript (``SPA_PAGE``) is served from a second
origin, a port of its own, which ``DJANGO_CORS_ALLOWED_ORIGINS`` allows.
Headless Chromium (Selenium, as in ``test_openapi.py``) logs in through the
page, which keeps the access token in memory only, and the browser keeps the
refresh token in its cookie jar where the page's scripts cannot reach it.

The page is served under ``/api/token/``, the refresh cookie's path, so that
``document.cookie`` would show the refresh cookie if it were not HttpOnly.
"""

import functools
import http.server
import threading
from contextlib import contextmanager

import pytest

from tests.support.baking import SUPERUSER_PASSWORD
from tests.support.commands import project_env
from tests.support.serving import GENEROUS_THROTTLE_RATES, served
from tests.support.variants import VARIANTS, variants
from tests.test_openapi import browser  # noqa: F401 - the headless Chromium fixture

REFRESH_COOKIE = "refresh_token"
SPA_PATH = "/api/token/spa/index.html"
# The app: the access token lives in a variable, gone with every reload; the
# refresh token is only ever in the cookie the browser sends by itself.
SPA_PAGE = """<!doctype html>
<meta charset="utf-8">
<title>Single-page app</title>
<script>
const api = new URLSearchParams(location.search).get("api");
let access = null;

function csrfToken() {
  const match = document.cookie.match(/(?:^|; )csrftoken=([^;]*)/);
  return match ? match[1] : "";
}

async function call(path, options) {
  try {
    const response = await fetch(api + path, {credentials: "include", ...options});
    const text = await response.text();
    return {status: response.status, body: text ? JSON.parse(text) : null};
  } catch (error) {
    return {status: 0, error: String(error)};
  }
}

window.app = {
  async login(username, password) {
    const answer = await call("/api/token/", {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({username, password}),
    });
    if (answer.status === 200) access = answer.body.access;
    return answer;
  },
  async refresh() {
    const answer = await call("/api/token/refresh/", {
      method: "POST", headers: {"X-CSRFToken": csrfToken()},
    });
    if (answer.status === 200) access = answer.body.access;
    return answer;
  },
  me() {
    return call("/api/me/", {headers: access ? {Authorization: "Bearer " + access} : {}});
  },
  async logout() {
    const answer = await call("/api/token/blacklist/", {
      method: "POST", headers: {"X-CSRFToken": csrfToken()},
    });
    access = null;
    return answer;
  },
};
</script>
"""


@contextmanager
def static_site(root):
    """Serve the folder ``root`` on a free local port; yield its origin."""
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(root)
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def spa_root(tmp_path):
    page = tmp_path / SPA_PATH.lstrip("/")
    page.parent.mkdir(parents=True)
    page.write_text(SPA_PAGE)
    return tmp_path


def in_page(driver, call):
    """Run ``call`` (a JavaScript expression giving a promise) in the page; return its result."""
    return driver.execute_async_script(
        f"const done = arguments[arguments.length - 1]; ({call}).then(done);"
    )


@pytest.mark.slow
@variants("cookie")
def test_a_single_page_app_on_an_allowed_origin_logs_in_refreshes_and_logs_out(
    bake,
    variant,
    spa_root,
    browser,  # noqa: F811
):
    project = bake(**VARIANTS[variant]).project_path
    login = f"app.login('admin', '{SUPERUSER_PASSWORD}')"
    with (
        static_site(spa_root) as app_origin,
        static_site(spa_root) as other_origin,
        served(
            project,
            env=project_env(
                **GENEROUS_THROTTLE_RATES, DJANGO_CORS_ALLOWED_ORIGINS=app_origin
            ),
        ) as api,
    ):
        browser.get(f"{app_origin}{SPA_PATH}?api={api}")

        logged_in = in_page(browser, login)
        assert logged_in["status"] == 200, logged_in
        assert list(logged_in["body"]) == ["access"]
        me = in_page(browser, "app.me()")
        assert (me["status"], me["body"]["username"]) == (200, "admin")
        scripts_see = browser.execute_script("return document.cookie")
        assert "csrftoken=" in scripts_see
        assert REFRESH_COOKIE not in scripts_see
        jar = {cookie["name"]: cookie for cookie in browser.get_cookies()}
        assert jar[REFRESH_COOKIE]["httpOnly"] is True

        browser.refresh()  # The access token was in memory only: gone.
        assert in_page(browser, "app.me()")["status"] == 401
        assert in_page(browser, "app.refresh()")["status"] == 200
        assert in_page(browser, "app.me()")["status"] == 200

        assert in_page(browser, "app.logout()")["status"] == 200
        assert in_page(browser, "app.refresh()")["status"] == 401
        assert in_page(browser, "app.me()")["status"] == 401

        browser.get(f"{other_origin}{SPA_PATH}?api={api}")
        refused = in_page(browser, login)
        assert refused["status"] == 0, refused  # CORS: the answer is not the page's.
        assert "Failed to fetch" in refused["error"]

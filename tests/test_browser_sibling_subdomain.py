"""A front end on a sibling subdomain, over HTTPS, with the cookie transport.

The app at ``https://app.example.test`` calls the API at
``https://api.example.test``: same site, other origin. Both are served here
with a certificate the test makes (gunicorn serves the API as in production,
a static server the page of ``test_cookie_browser.py``), and headless
Chromium maps both names to 127.0.0.1 and trusts that certificate only. The
project is configured by environment variables only: the API's host, the
app's origin (CORS and CSRF), and the CSRF cookie's domain, so that the
app's script can read the CSRF token that refresh and logout need.
"""

import functools
import http.server
import ssl
import threading
from contextlib import contextmanager

import pytest

from tests.support.baking import SUPERUSER_PASSWORD
from tests.support.commands import manage
from tests.support.serving import (
    GENEROUS_THROTTLE_RATES,
    PRODUCTION_SETTINGS,
    free_port,
    production_environment,
    served,
)
from tests.support.tls import make_certificate
from tests.support.variants import VARIANTS, variants
from tests.test_cookie_browser import REFRESH_COOKIE, SPA_PAGE, SPA_PATH, in_page
from tests.test_openapi import headless_chromium

SITE = "example.test"
API_HOST = f"api.{SITE}"
APP_HOST = f"app.{SITE}"


@pytest.fixture
def certificate(tmp_path):
    return make_certificate(tmp_path, API_HOST, APP_HOST)


@contextmanager
def https_static_site(root, cert_file, key_file):
    """Serve the folder ``root`` over HTTPS on a free local port; yield the port."""
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(root)
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def site_browser(tmp_path, certificate):
    """Yield a headless Chromium resolving ``*.example.test`` locally, trusting the test's certificate."""
    with headless_chromium(
        tmp_path / "profile",
        f"--host-resolver-rules=MAP *.{SITE} 127.0.0.1",
        f"--ignore-certificate-errors-spki-list={certificate.spki_sha256}",
    ) as driver:
        yield driver


@pytest.mark.slow
@variants("cookie")
def test_an_app_on_a_sibling_subdomain_logs_in_refreshes_and_logs_out_over_https(
    bake, variant, tmp_path, certificate, site_browser
):
    project = bake(**VARIANTS[variant]).project_path
    page = tmp_path / "site" / SPA_PATH.lstrip("/")
    page.parent.mkdir(parents=True)
    page.write_text(SPA_PAGE)
    cert_file, key_file = certificate.cert_file, certificate.key_file
    context = ssl.create_default_context(cafile=str(cert_file))
    api_port = free_port()
    with https_static_site(tmp_path / "site", cert_file, key_file) as app_port:
        app_origin = f"https://{APP_HOST}:{app_port}"
        env = production_environment(
            project,
            DJANGO_ALLOWED_HOSTS=f"{API_HOST},127.0.0.1",
            DJANGO_CORS_ALLOWED_ORIGINS=app_origin,
            DJANGO_CSRF_COOKIE_DOMAIN=f".{SITE}",
            **GENEROUS_THROTTLE_RATES,
        )
        if not (project / "staticfiles" / "staticfiles.json").exists():
            manage(
                project,
                "collectstatic",
                "--noinput",
                settings=PRODUCTION_SETTINGS,
                env=env,
            )
        with served(
            project,
            settings=PRODUCTION_SETTINGS,
            env=env,
            port=api_port,
            tls=(cert_file, key_file, context),
        ):
            api = f"https://{API_HOST}:{api_port}"
            site_browser.get(f"{app_origin}{SPA_PATH}?api={api}")

            logged_in = in_page(
                site_browser, f"app.login('admin', '{SUPERUSER_PASSWORD}')"
            )
            assert logged_in["status"] == 200, logged_in
            me = in_page(site_browser, "app.me()")
            assert (me["status"], me["body"]["username"]) == (200, "admin"), me
            scripts_see = site_browser.execute_script("return document.cookie")
            assert "csrftoken=" in scripts_see, scripts_see
            assert REFRESH_COOKIE not in scripts_see

            site_browser.refresh()  # The access token was in memory only.
            assert in_page(site_browser, "app.me()")["status"] == 401
            refreshed = in_page(site_browser, "app.refresh()")
            assert refreshed["status"] == 200, refreshed
            assert in_page(site_browser, "app.me()")["status"] == 200

            logged_out = in_page(site_browser, "app.logout()")
            assert logged_out["status"] == 200, logged_out
            assert in_page(site_browser, "app.refresh()")["status"] == 401

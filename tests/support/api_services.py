"""Baked services served as in production, for clients that only know their schema.

Three shapes of service answer the same questions differently: an issuer
with header transport and rotation, an issuer with cookie transport, and a
verifier (next to the issuer whose keys it trusts). Tests of generated
clients and of the schema take them by name from ``SERVICES``.
"""

import ssl
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.baking import read_dotenv
from tests.support.commands import manage
from tests.support.serving import (
    GENEROUS_THROTTLE_RATES,
    PRODUCTION_SETTINGS,
    free_port,
    production_environment,
    served,
)
from tests.support.variants import VARIANTS

# The variant of each service, and for a verifier the variant of its issuer.
SERVICES = {
    "header-rotation": {"variant": "rotation"},
    "cookie": {"variant": "cookie"},
    "verifier": {"variant": "verifier", "issuer": "es256"},
}


@dataclass(frozen=True)
class Service:
    """A served bake: where its files are, where it answers, who signs its tokens."""

    name: str
    project: Path
    base_url: str
    issuer_url: str

    @property
    def is_verifier(self):
        return self.base_url != self.issuer_url

    @property
    def transport(self):
        return VARIANTS[SERVICES[self.name]["variant"]].get("token_transport", "header")


def _collected(project, env):
    if not (project / "staticfiles" / "staticfiles.json").exists():
        manage(
            project, "collectstatic", "--noinput", settings=PRODUCTION_SETTINGS, env=env
        )


def _production(project, **overrides):
    """Production variables over plain HTTP on loopback, every throttle out of reach."""
    return production_environment(
        project,
        DJANGO_SECURE_SSL_REDIRECT="false",
        **GENEROUS_THROTTLE_RATES,
        **overrides,
    )


@contextmanager
def serve_service(bake, name, tls=None, **overrides):
    """Serve the service ``name`` of ``SERVICES`` in production; yield a ``Service``.

    ``overrides`` are environment variables of the served service; ``tls``
    (a ``tests.support.tls.Certificate``) serves it over HTTPS. A verifier is
    served with its issuer, whose tokens carry the claims the verifier's
    ``.env`` requires.
    """
    gunicorn_tls = tls and (
        tls.cert_file,
        tls.key_file,
        ssl.create_default_context(cafile=str(tls.cert_file)),
    )
    shape = SERVICES[name]
    project = Path(bake(**VARIANTS[shape["variant"]]).project_path)
    if "issuer" not in shape:
        env = _production(project, **overrides)
        _collected(project, env)
        with served(
            project, settings=PRODUCTION_SETTINGS, env=env, tls=gunicorn_tls
        ) as base_url:
            yield Service(name, project, base_url, base_url)
        return
    issuer = Path(bake(**VARIANTS[shape["issuer"]]).project_path)
    claims = {key: read_dotenv(project)[key] for key in ("JWT_ISSUER", "JWT_AUDIENCE")}
    issuer_url = f"http://127.0.0.1:{free_port()}"
    issuer_env = _production(issuer, **claims)
    verifier_env = _production(
        project,
        JWT_JWKS_URL=f"{issuer_url}/.well-known/jwks.json",
        **claims,
        **overrides,
    )
    _collected(project, verifier_env)
    with (
        served(
            issuer,
            settings=PRODUCTION_SETTINGS,
            env=issuer_env,
            port=int(issuer_url.rpartition(":")[2]),
        ),
        served(
            project, settings=PRODUCTION_SETTINGS, env=verifier_env, tls=gunicorn_tls
        ) as base_url,
    ):
        yield Service(name, project, base_url, issuer_url)

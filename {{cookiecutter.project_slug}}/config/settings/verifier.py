"""Settings of a verifier: it accepts the tokens of its issuer."""

from .environment import env

# This service signs no token: it verifies those of its issuer with the public
# keys the issuer publishes there (verifier/remote_keys.py).
JWT_JWKS_URL = env.str("JWT_JWKS_URL", default="")

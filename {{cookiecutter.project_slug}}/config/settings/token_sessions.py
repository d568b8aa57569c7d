"""Settings of the sessions users can list and end (README, "Sessions")."""

from .environment import env

# Seconds after a rotation during which the same client may retry the rotated
# token and get the same new one back.
JWT_REFRESH_GRACE_SECONDS = env.int("JWT_REFRESH_GRACE_SECONDS", default=5)
# Declares that "manage.py prune_tokens" is scheduled where this service runs
# (its deploy check warns otherwise).
JWT_TOKEN_CLEANUP_SCHEDULED = env.bool("JWT_TOKEN_CLEANUP_SCHEDULED", default=False)

"""Settings of the security-event log (README, "Security events")."""

from .environment import env

# Days a security event is kept; the cleanup deletes older ones.
SECURITY_EVENT_RETENTION_DAYS = env.int("SECURITY_EVENT_RETENTION_DAYS", default=90)

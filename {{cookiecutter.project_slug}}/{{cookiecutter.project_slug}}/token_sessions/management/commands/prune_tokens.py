"""``manage.py prune_tokens``: delete expired tokens, finished sessions, old security events."""

from {{ cookiecutter.project_slug }}.database.batches import Pacing
from {{ cookiecutter.project_slug }}.database.cleanup_command import CleanupCommand
from {{ cookiecutter.project_slug }}.token_sessions.cleanup import delete_expired


class Command(CleanupCommand):
    help = (
        "Delete expired outstanding tokens (with their blacklist entries), "
        "finished sessions and security events past their retention, in "
        "batches. Schedule it (compose's cleanup service, cron or a "
        "Kubernetes CronJob; see the README)."
    )

    def delete(self, batch_size: int, pacing: Pacing) -> dict[str, int]:
        return delete_expired(batch_size, pacing)

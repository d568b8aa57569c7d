"""``manage.py prune_security_events``: delete security events past their retention."""

from {{ cookiecutter.project_slug }}.database.batches import Pacing
from {{ cookiecutter.project_slug }}.database.cleanup_command import CleanupCommand
from {{ cookiecutter.project_slug }}.security_events.cleanup import delete_old_events


class Command(CleanupCommand):
    help = (
        "Delete the security events older than SECURITY_EVENT_RETENTION_DAYS, "
        "in batches. Schedule it (compose's cleanup service, cron or a "
        "Kubernetes CronJob; see the README)."
    )

    def delete(self, batch_size: int, pacing: Pacing) -> dict[str, int]:
        return {"security events": delete_old_events(batch_size, pacing)}

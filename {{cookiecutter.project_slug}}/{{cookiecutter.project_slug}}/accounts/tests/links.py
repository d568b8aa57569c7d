"""Reading the emailed links, as a front end would."""

import re
from urllib.parse import parse_qs, urlsplit

from django.core import mail


def link_values(page):
    """Return ``{uid, token}`` of the last emailed link to ``page``."""
    for message in reversed(mail.outbox):
        found = re.search(rf"\S+/{page}\?\S+", str(message.body))
        if found:
            query = parse_qs(urlsplit(found.group()).query)
            return {"uid": query["uid"][0], "token": query["token"][0]}
    raise AssertionError(f"no email links to {page}")

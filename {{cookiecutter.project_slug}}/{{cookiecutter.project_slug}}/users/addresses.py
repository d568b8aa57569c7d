"""One spelling per email address, so that an address is one account and one counter."""

import unicodedata


def normalize_email_address(address: str) -> str:
    """Return ``address`` trimmed, NFKC-normalized and lower-cased.

    NFKC first: it can turn a character into an upper-case letter (the
    black-letter capital H, U+210C, becomes H), which lower-casing then catches. Mail providers treat
    the local part case-insensitively in practice; one account per mailbox
    matters more than RFC 5321's case-sensitive local part.
    """
    return unicodedata.normalize("NFKC", str(address).strip()).lower()

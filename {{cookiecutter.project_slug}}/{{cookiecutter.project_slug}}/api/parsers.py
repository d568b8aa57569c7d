"""A JSON parser that refuses deeply nested bodies with 400 instead of failing with 500.

Python's JSON decoder recurses once per level of nesting, so a body of a few
kilobytes such as ``[[[[...]]]]`` nested a thousand levels deep raises
``RecursionError``, which DRF does not expect from a parser: the client gets
a 500, and a worker spent its stack on it. This parser measures the nesting
before decoding, on the raw bytes, and refuses bodies nested deeper than any
request of this API needs (OWASP API4:2023, unrestricted resource consumption).
"""

import io
import re
from collections.abc import Mapping
from typing import IO, Any, ClassVar

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# A JSON string, skipped whole so that brackets inside it do not count. An
# unterminated string runs to the end of the body, and the quantifiers are
# possessive (never give back what they took), so every byte is read once: a
# pattern that had to find the closing quote would retry from each quote of
# ``"\"\"\"...`` and take time quadratic in the body size.
JSON_STRING = re.compile(rb'"(?:[^"\\]++|\\.?)*+(?:"|\Z)', re.DOTALL)
NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
OPENERS = frozenset(b"[{")


class BoundedJSONParser(JSONParser):
    """DRF's ``JSONParser``, refusing bodies nested deeper than ``max_depth``."""

    max_depth: ClassVar[int] = 64

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Return the decoded body; raise ``ParseError`` (400) if it nests too deep."""
        body = stream.read() if stream is not None else b""
        if nests_deeper(body, self.max_depth):
            message = f"JSON parse error - nested deeper than {self.max_depth} levels"
            raise ParseError(message)
        return super().parse(io.BytesIO(body), media_type, parser_context)


def nests_deeper(body: bytes, limit: int) -> bool:
    """Return True if arrays and objects nest deeper than ``limit`` in JSON ``body``.

    Malformed text gets an answer too; the decoder refuses it afterwards. The
    work, linear in the size of the body, is done by the regular expression
    engine and ``bytes.translate``; Python only walks the brackets of a body
    that has more than ``limit``.
    """
    brackets = JSON_STRING.sub(b"", body).translate(None, NOT_BRACKETS)
    if brackets.count(b"[") + brackets.count(b"{") <= limit:
        return False
    depth = 0
    for byte in brackets:
        depth += 1 if byte in OPENERS else -1
        if depth > limit:
            return True
    return False

"""DRF's content negotiation, answering at once the requests almost every client sends.

For each request DRF's negotiation builds the request's header mapping and
its query parameters, then parses the Accept header into media types, to
find that a client accepting anything (``*/*``, or no Accept header) gets
the first renderer: 3 % of a token refresh, on every request. This answers
that case, and a client asking for exactly the first renderer's type, from
the raw header; any other request (another Accept header, a query string
that may hold ``?format=``, a format suffix) is DRF's to negotiate.
"""

from collections.abc import Iterable

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

ANY_MEDIA_TYPE = "*/*"


class ContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, with the answer for a client that accepts anything given at once."""

    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        renderers = list(renderers)
        meta = request.META
        accept = meta.get("HTTP_ACCEPT", ANY_MEDIA_TYPE)
        plain = not format_suffix and not meta.get("QUERY_STRING")
        if plain and renderers and accept in (ANY_MEDIA_TYPE, renderers[0].media_type):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)

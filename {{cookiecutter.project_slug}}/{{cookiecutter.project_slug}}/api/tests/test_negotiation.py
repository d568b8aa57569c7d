"""The content negotiation answers every request as DRF's own does (api/negotiation.py)."""

from django.http import Http404
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import BaseContentNegotiation, DefaultContentNegotiation
from rest_framework.renderers import (
    BaseRenderer,
    BrowsableAPIRenderer,
    JSONRenderer,
    TemplateHTMLRenderer,
)
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from {{ cookiecutter.project_slug }}.api.negotiation import ContentNegotiation

ACCEPT_HEADERS = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "*/*",
            "",
            "application/json",
            "application/json; indent=4",
            "application/*",
            "text/html",
            "text/html, */*;q=0.8",
            "application/xml",
        ]
    ),
    st.text(alphabet="*/;=,. abcjsontxml", max_size=40),
)
QUERIES = st.sampled_from(["", "format=json", "format=api", "format=xml", "page=2"])
FORMAT_SUFFIXES = st.sampled_from([None, "json", "api", "xml"])
RENDERER_LISTS = st.sampled_from(
    [
        [JSONRenderer],
        [JSONRenderer, BrowsableAPIRenderer],
        [BrowsableAPIRenderer, JSONRenderer],
        [TemplateHTMLRenderer],
    ]
)


def negotiated(
    negotiation: BaseContentNegotiation,
    accept: str | None,
    query: str,
    suffix: str | None,
    renderer_classes: list[type[BaseRenderer]],
) -> tuple[object, str | None]:
    """Return the class of the renderer chosen and the media type, or the refusal's class."""
    received = APIRequestFactory().get(f"/api/?{query}")
    if accept is not None:
        received.META["HTTP_ACCEPT"] = accept
    request = Request(received)
    renderers = [renderer() for renderer in renderer_classes]
    try:
        renderer, media_type = negotiation.select_renderer(request, renderers, suffix)
    except (Http404, NotAcceptable) as refusal:
        return type(refusal), None
    return type(renderer), media_type


@given(
    accept=ACCEPT_HEADERS,
    query=QUERIES,
    suffix=FORMAT_SUFFIXES,
    renderer_classes=RENDERER_LISTS,
)
def test_every_request_gets_the_answer_of_drfs_negotiation(
    accept, query, suffix, renderer_classes
):
    request = (accept, query, suffix, renderer_classes)
    ours = negotiated(ContentNegotiation(), *request)
    assert ours == negotiated(DefaultContentNegotiation(), *request)


def test_a_client_accepting_anything_gets_json():
    assert negotiated(ContentNegotiation(), None, "", None, [JSONRenderer]) == (
        JSONRenderer,
        "application/json",
    )

"""The JSON parser refuses bodies nested deeper than it can read, and only those."""

import io
import json

import pytest
from rest_framework.exceptions import ParseError

from {{ cookiecutter.project_slug }}.api.parsers import JSON_STRING, BoundedJSONParser


def nested(depth, opener="[", closer="]"):
    return opener * depth + closer * depth


def parse(text):
    return BoundedJSONParser().parse(io.BytesIO(text.encode()))


def test_the_json_parser_reads_bodies_nested_up_to_its_limit():
    limit = BoundedJSONParser.max_depth

    assert parse(nested(limit)) == json.loads(nested(limit))
    with pytest.raises(ParseError):
        parse(nested(limit + 1))


def test_the_json_parser_does_not_count_brackets_inside_strings():
    text = json.dumps({"password": nested(500) + '\\"' + nested(500, "{", "}")})

    assert parse(text) == json.loads(text)


# An opening quote then escaped quotes and no end: the string pattern of the
# nesting guard once retried from every quote, 30 s of a worker for 120 KB.
@pytest.mark.parametrize(
    "string",
    [
        pytest.param(b'"' + b'\\"' * 60_000, id="escaped-quotes"),
        pytest.param(
            b'"' + b'\\"' * 60_000 + b"\\", id="escaped-quotes-then-backslash"
        ),
        pytest.param(b'"' + b"[" * 120_000, id="brackets"),
    ],
)
def test_the_nesting_guard_reads_an_unterminated_string_once(string):
    # One match from the opening quote to the end of the body: no quote inside
    # it is tried again as the start of another string, so the scan is linear.
    match = JSON_STRING.match(string)
    assert match is not None
    assert match.end() == len(string)

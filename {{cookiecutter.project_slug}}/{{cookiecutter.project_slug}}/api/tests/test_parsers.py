"""The JSON parser refuses bodies nested deeper than it can read, and only those."""

import io
import json

import pytest
from rest_framework.exceptions import ParseError

from {{ cookiecutter.project_slug }}.api.parsers import BoundedJSONParser


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

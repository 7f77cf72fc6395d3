"""The JSON body guard's limits (shop/body_guard.py), at their edges."""

from __future__ import annotations

import pytest

from shop.body_guard import (
    MAX_DEPTH,
    MAX_NUMBER_LENGTH,
    BodyRefused,
    is_json_content_type,
    parse_json_body,
)


def nested(depth: int) -> bytes:
    return ('{"a": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}").encode()


def test_nesting_up_to_the_limit_is_parsed_and_beyond_it_refused():
    assert parse_json_body(nested(MAX_DEPTH))["a"] is not None
    with pytest.raises(BodyRefused):
        parse_json_body(nested(MAX_DEPTH + 1))
    with pytest.raises(BodyRefused):
        parse_json_body(b"[" * 100_000 + b"]" * 100_000)


@pytest.mark.parametrize(
    "text",
    [
        '{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}',  # brackets inside a string
        '{"a": "\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}',  # after an escaped quote
        '{"a\\\\": "{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{"}',  # after an escaped backslash
    ],
)
def test_brackets_inside_strings_do_not_count_as_nesting(text):
    assert parse_json_body(text.encode())


def test_unpaired_brackets_are_refused_before_parsing():
    with pytest.raises(BodyRefused):
        parse_json_body(b'{"a": ' + b"[" * 50_000 + b"}")


def test_numbers_up_to_the_limit_are_parsed_and_longer_or_infinite_ones_refused():
    ok = "9" * MAX_NUMBER_LENGTH
    assert parse_json_body(f'{{"n": {ok}}}'.encode())["n"] == int(ok)
    for number in ("9" * (MAX_NUMBER_LENGTH + 1), "1" * 5000, "1e999", "-1e999", "0." + "1" * 200):
        with pytest.raises(BodyRefused):
            parse_json_body(f'{{"n": {number}}}'.encode())
    for constant in ("NaN", "Infinity", "-Infinity"):
        with pytest.raises(BodyRefused):
            parse_json_body(f'{{"n": {constant}}}'.encode())


@pytest.mark.parametrize(
    "text",
    ['{"a": "x\\u0000"}', '{"a\\u0000": 1}', '{"a": ["\\ud800"]}', '{"a": {"b": "\\udfff"}}'],
)
def test_nul_and_lone_surrogates_are_refused_anywhere(text):
    with pytest.raises(BodyRefused) as refused:
        parse_json_body(text.encode())
    assert refused.value.code == "invalid_character"


def test_a_surrogate_pair_is_an_ordinary_character():
    assert parse_json_body(b'{"a": "\\ud83d\\uded2"}') == {"a": "🛒"}


def test_not_utf8_and_not_an_object_are_refused():
    with pytest.raises(BodyRefused):
        parse_json_body(b'{"a": "\xff"}')
    with pytest.raises(BodyRefused):
        parse_json_body(b'{"a": "\xed\xa0\x80"}')  # an encoded surrogate
    with pytest.raises(BodyRefused):
        parse_json_body(b"[1]")
    assert parse_json_body(b"[1]", object_only=False) == [1]


def test_json_content_types():
    assert is_json_content_type("application/json")
    assert is_json_content_type("application/merge-patch+json")
    for other in ("text/plain", "multipart/form-data", "application/x-www-form-urlencoded", ""):
        assert not is_json_content_type(other)

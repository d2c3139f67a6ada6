from pathlib import Path

import pytest

from routes.errors import DataFileError
from routes.jsonfile import Locator, decode, parse, parse_strict


def test_locator_finds_lines_of_nested_values():
    text = '{\n "features": [\n  {"id": "a",\n   "properties": {"status": "x"}}\n ]\n}'
    locator = Locator(text)
    assert locator.line(("features", 0, "properties", "status")) == 4
    assert locator.line(("features", 0, "id")) == 3
    assert locator.line(("features", 0, "missing", "deeper")) == 3


def test_locator_reports_repeated_keys():
    locator = Locator('{"a": 1,\n "a": 2}')
    assert locator.repeated_keys == [((), "a", 2)]


def test_byte_order_mark_is_accepted():
    assert decode(b'\xef\xbb\xbf{"a": 1}', Path("x")) == '{"a": 1}'


def test_syntax_error_gives_line_and_column():
    with pytest.raises(DataFileError) as info:
        parse('{\n  "a": 1,\n}', Path("f.geojson"))
    assert info.value.line == 3
    assert "line 3, column 1" in str(info.value)
    assert str(info.value).startswith("f.geojson:3: ")


@pytest.mark.parametrize("text", [
    '{"odd": "\\ud800"}',  # a lone surrogate escape: orjson refuses it, the json module takes it
    '{"a": [1.5, -0, 2e-7, "\\u00e9", 18446744073709551615, -9223372036854775808], "b": {"c": null, "d": true}}',
])
def test_quick_and_strict_parsing_agree(text):
    quick, quick_repeats = parse(text, Path("f.json"))
    strict = parse_strict(text, Path("f.json"))
    assert quick == strict.doc
    assert quick_repeats is strict.repeated is False
    assert strict.quick_exact


@pytest.mark.parametrize("number", ["123456789012345678901234567890", "18446744073709551616", "-9223372036854775809"])
def test_strict_parsing_notices_integers_a_quick_parse_would_round(number):
    parsed = parse_strict(f'{{"big": {number}}}', Path("f.json"))
    assert parsed.doc == {"big": int(number)}
    assert not parsed.quick_exact


@pytest.mark.parametrize(("text", "words"), [
    ('{"a": NaN}', "GeoJSON numbers must be finite"),
    ('{"a": [1, 2,]}', "not valid JSON: Expecting value (line 1, column 13)"),
    ("[" * 5000 + "]" * 5000, "nested too deeply"),
])
def test_quick_parsing_words_errors_as_the_json_module_does(text, words):
    with pytest.raises(DataFileError) as info:
        parse(text, Path("f.json"))
    assert words in str(info.value)

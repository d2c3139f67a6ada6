from pathlib import Path

import pytest

from routes.errors import DataFileError
from routes.jsonfile import Locator, decode, parse


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

"""The quick paths of validation (the compiled schema gate, plain geometries) accept only what the schema accepts."""

from __future__ import annotations

import copy
import json

import pytest
from fastjsonschema import JsonSchemaException

from conftest import PLACES, SOURCES, WEAPONS, make_route, place_feature
from routes import schema
from routes.validate import _plain_geometry

# Values tried at every place of a valid instance: each of them breaks some member or other.
VALUES = [None, "", "x", "2009", "2009-12", "2009-13", "December 2009", "Bad Id!", "sea", "supports", "confirmed",
          "https://example.org", "javascript:alert(1)", "IRN", "Feature", "LineString", 0, 1, 6, 7, -1, 2009, 1700,
          2009.0, 2.5, 250.0, -95.0, True, False, [], [1], [1.0, 2.0], [1.0, 2.0, 3.0], [1.0, 2.0, 3.0, 4.0],
          ["x"], [True, 1.0], {}, {"place": "x"}, {"start": 2009, "end": None}, "x" * 2001]


def _places_in(node, path=()):
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _places_in(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _places_in(value, path + (index,))


def _changed(instance, path, change):
    variant = copy.deepcopy(instance)
    target = variant
    for key in path[:-1]:
        target = target[key]
    change(target, path[-1])
    return variant


def _variants(instance):
    """The instance with each of its members set to each of VALUES in turn, or deleted; and with one more member."""
    for path, node in _places_in(instance):
        if path:
            for value in VALUES:
                yield _changed(instance, path,
                               lambda target, key, value=value: target.__setitem__(key, copy.deepcopy(value)))
            yield _changed(instance, path, lambda target, key: target.__delitem__(key))
        if isinstance(node, dict):
            yield _changed(instance, path + ("extra",), lambda target, key: target.__setitem__(key, 1))


def _route():
    route = make_route("fx-route", ("fx-nampo", "fx-bandar-abbas"), interdicted={"place": "fx-rafah", "date": "2011-03", "note": None},
                       outcome="interdicted", notes=None, intended_waypoints=["fx-gaza"])
    route["properties"]["legs"][0].update(status="reported", note="n", geometry="sea-lane", passages=["suez"])
    route["properties"]["evidence"][0].update(quote=None, said_by="x", legs=[0])
    return route


EXAMPLES = {
    "route": _route(),
    "source": copy.deepcopy(SOURCES["fx-news"]),
    "weapon": copy.deepcopy(WEAPONS[0]),
    "place": place_feature(*PLACES[0]),
    "unplaced": {"id": "fx-deal", "supplier": "unknown supplier(s)", "recipient": "NATO", "weapons": ["fx-rpg"],
                 "period": {"start": {"year": 2007, "approximate": True}, "end": None}, "reason": "r",
                 "source": "fx-news", "sipri": {"designation": "X"}},
}


def _passes(gate, instance) -> bool:
    try:
        gate(instance)
    except JsonSchemaException:
        return False
    return True


@pytest.mark.parametrize("definition", sorted(EXAMPLES))
def test_compiled_gate_agrees_with_the_schema(definition):
    gate, full = schema._compiled(definition), schema.validator(definition)
    trusting = schema._compiled(definition, ("geometry",)) if definition == "route" else None
    for variant in _variants(EXAMPLES[definition]):
        valid = full.is_valid(variant)
        assert _passes(gate, variant) == valid, json.dumps(variant)
        # validation trusts the geometry of a route only where it is null or plain
        if trusting is not None and (variant.get("geometry") is None or _plain_geometry(variant["geometry"])):
            assert _passes(trusting, variant) == valid, json.dumps(variant)


def test_gate_is_compiled_without_references_or_nullable_one_of():
    gate = schema._gate_schema("route", ("geometry",))
    text = json.dumps({key: value for key, value in gate.items() if key != "$defs"})
    assert "$ref" not in text and "oneOf" not in text
    assert gate["properties"]["geometry"] == {}
    published = schema._gate_schema("source")["properties"]["published"]
    assert published["type"] == ["string", "null"] and published["pattern"].startswith("^[0-9]{4}")


def test_trusted_members_are_left_unchecked_by_both_validators():
    route = _route()
    route["geometry"] = "not a geometry"
    route["properties"]["status"] = "rumoured"
    errors = schema.errors("route", route, trusted=("geometry",))
    assert [list(e.absolute_path) for e in errors] == [["properties", "status"]]


GEOMETRIES = [
    {"type": "LineString", "coordinates": [[1, 2], [3.5, 4]]},
    {"type": "LineString", "coordinates": [[1, 2, 3], [3.5, 4]]},
    {"type": "LineString", "coordinates": [[-180, -90], [180, 90]]},
    {"type": "MultiLineString", "coordinates": [[[1, 2], [3, 4]], [[5, 6], [7, 8, 9]]]},
    {"type": "LineString", "coordinates": [[1, 2]]},
    {"type": "LineString", "coordinates": [[1, 2], [3]]},
    {"type": "LineString", "coordinates": [[1, 2], [3, 4, 5, 6]]},
    {"type": "LineString", "coordinates": [[1, 2], [181, 4]]},
    {"type": "LineString", "coordinates": [[1, 2], [3, -90.5]]},
    {"type": "LineString", "coordinates": [[1, 2], [3, 4, 10000]]},
    {"type": "LineString", "coordinates": [[1, 2], [True, 4]]},
    {"type": "LineString", "coordinates": [[1, 2], ["3", 4]]},
    {"type": "LineString", "coordinates": [[1, 2], [3, None]]},
    {"type": "LineString", "coordinates": [[1, 2], [3, 4, "z"]]},
    {"type": "LineString", "coordinates": [[1, 2], (3, 4)]},
    {"type": "LineString", "coordinates": [[[1, 2], [3, 4]]]},
    {"type": "LineString"},
    {"type": "MultiLineString", "coordinates": []},
    {"type": "MultiLineString", "coordinates": [[1, 2], [3, 4]]},
    {"type": "MultiLineString", "coordinates": [[[1, 2], [3, 4]], [[5, 6]]]},
    {"type": "Point", "coordinates": [1, 2]},
    {"coordinates": [[1, 2], [3, 4]]},
    [[1, 2], [3, 4]],
]


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=range(len(GEOMETRIES)))
def test_plain_geometry_only_for_geometries_the_schema_accepts(geometry):
    valid = not list(schema.validator("geometry").iter_errors(geometry))
    assert _plain_geometry(geometry) == valid

"""Canonical formatting: key order, layout, rounding, idempotence, unknown fields, safe writes, rebuilds."""

from __future__ import annotations

import json
import os

import pytest

from conftest import make_collection, make_route
from routes import dataset, fmt
from routes.errors import DataFileError, RoutesError, UsageError, WriteConflict


def messy_collection():
    """A valid collection written in an odd key order, with unknown fields everywhere and long decimals."""
    route = make_route("fx-b")
    route["properties"]["legs"] = [{"note": "by ship", "mode": "sea", "x-leg": [3, 2, 1]}, {"mode": "sea"}]
    route["properties"]["x-confidence"] = {"z": 1, "a": 2}
    route["properties"]["evidence"][0] = {"credibility": 3, "stance": "supports", "claim": "A fixture claim.",
                                          "source": "fx-news", "x-page": 12}
    route["geometry"]["coordinates"][0] = [125.395049999, 38.73000001]
    route = {"geometry": route["geometry"], "x-first": "kept", "properties": route["properties"], "id": route["id"],
             "x-feature-member": True, "type": "Feature"}
    second = make_route("fx-a", waypoints=("fx-damascus", "fx-beirut"))
    collection = make_collection([route, second])
    collection["sources"]["fx-news"] = {"x-src": "s", **dict(reversed(list(collection["sources"]["fx-news"].items())))}
    return {"features": collection["features"], "x-project": {"b": 1, "a": [1, 2]}, "places": collection["places"],
            "weapons": collection["weapons"], "sources": collection["sources"], "type": "FeatureCollection",
            "name": "Fixture → routes"}


def test_keys_follow_the_data_model_and_unknown_keys_keep_their_order():
    text = fmt.dumps(messy_collection())
    doc = json.loads(text)
    assert list(doc) == ["type", "name", "x-project", "sources", "weapons", "places", "features"]
    feature = doc["features"][0]
    assert list(feature) == ["type", "id", "properties", "geometry", "x-first", "x-feature-member"]
    props = feature["properties"]
    assert list(props)[:4] == ["name", "kind", "waypoints", "legs"] and list(props)[-1] == "x-confidence"
    assert list(props["legs"][0]) == ["mode", "note", "x-leg"]
    assert list(props["evidence"][0]) == ["source", "claim", "stance", "credibility", "x-page"]
    assert list(doc["sources"]["fx-news"])[:2] == ["title", "author"] and list(doc["sources"]["fx-news"])[-1] == "x-src"
    assert [f["id"] for f in doc["features"]] == ["fx-b", "fx-a"]  # features are never reordered


def test_every_value_survives_formatting():
    original = messy_collection()
    doc = json.loads(fmt.dumps(original))
    assert doc["x-project"] == {"b": 1, "a": [1, 2]} and list(doc["x-project"]) == ["b", "a"]
    assert doc["features"][0]["properties"]["x-confidence"] == {"z": 1, "a": 2}
    assert doc["features"][0]["properties"]["legs"][0]["x-leg"] == [3, 2, 1]
    assert doc["features"][0]["x-feature-member"] is True and doc["features"][0]["x-first"] == "kept"
    original["features"][0]["geometry"]["coordinates"][0] = [125.395, 38.73]
    assert doc == original  # equal as data: only key order and the rounding differ


def test_coordinates_are_rounded_to_four_decimals_and_only_coordinates():
    doc = make_collection()
    doc["features"][0]["geometry"]["coordinates"][0] = [125.395049999, -0.000001]
    doc["features"][0]["properties"]["x-ratio"] = 0.123456789
    out = json.loads(fmt.dumps(doc))
    assert out["features"][0]["geometry"]["coordinates"][0] == [125.395, 0.0]
    assert out["features"][0]["properties"]["x-ratio"] == 0.123456789


def test_layout_one_feature_per_block_coordinates_on_one_line_utf8_and_a_trailing_newline():
    text = fmt.dumps(messy_collection())
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert '"name": "Fixture → routes"' in text
    assert '      "coordinates": [[125.395, 38.73], [56.28, 27.18], [37.2164, 19.6158]]\n' in text
    assert '\n    {\n      "type": "Feature",\n      "id": "fx-b",\n' in text
    assert '"period": {"start": 2009, "end": 2014}' in text


def test_multilinestring_parts_go_one_per_line():
    doc = make_collection()
    doc["features"][0]["geometry"] = {"type": "MultiLineString", "coordinates": [[[170, 1], [180, 2]], [[-180, 2], [-170, 3]]]}
    assert '"coordinates": [\n          [[170, 1], [180, 2]],\n          [[-180, 2], [-170, 3]]\n        ]' in fmt.dumps(doc)


def test_formatting_is_idempotent():
    once = fmt.dumps(messy_collection())
    assert fmt.dumps(json.loads(once)) == once
    for doc in ([1, 2, {"b": 1, "a": 2}], {"type": "Feature", "properties": {}}, "text", {}):
        assert fmt.dumps(json.loads(fmt.dumps(doc))) == fmt.dumps(doc)


# -- files --------------------------------------------------------------------------------------------
def test_format_file_rewrites_and_check_does_not(write_dataset):
    path = write_dataset(messy_collection())
    before = path.read_bytes()
    assert fmt.format_file(path, check=True).changed is True
    assert path.read_bytes() == before
    assert fmt.format_file(path).changed is True
    assert path.read_text(encoding="utf-8") == fmt.dumps(messy_collection())
    assert fmt.format_file(path).changed is False
    assert fmt.format_file(path, check=True).changed is False


def test_a_file_with_a_repeated_key_is_refused_and_left_alone(write_dataset):
    path = write_dataset('{"type": "FeatureCollection", "features": [], "features": []}\n')
    before = path.read_bytes()
    with pytest.raises(DataFileError, match="repeats a key"):
        fmt.format_file(path)
    assert path.read_bytes() == before


def test_unparseable_json_is_refused(write_dataset):
    path = write_dataset('{"type": "FeatureCollection",\n "features": [\n')
    with pytest.raises(DataFileError, match="not valid JSON"):
        fmt.format_file(path)


def test_a_failure_in_the_middle_of_the_write_leaves_the_original_intact(write_dataset, monkeypatch):
    path = write_dataset(messy_collection())
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(RoutesError, match="No space left on device"):
        fmt.format_file(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_an_interrupted_write_leaves_the_original_intact(write_dataset, monkeypatch):
    path = write_dataset(messy_collection())
    before = path.read_bytes()

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fmt.format_file(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_a_file_changed_by_someone_else_meanwhile_is_not_overwritten(write_dataset, monkeypatch):
    path = write_dataset(messy_collection())
    real_dumps = fmt.geojson_text

    def dumps_while_someone_edits(doc):
        path.write_text('{"type": "FeatureCollection", "features": []}\n', encoding="utf-8")
        return real_dumps(doc)

    monkeypatch.setattr(fmt, "geojson_text", dumps_while_someone_edits)
    with pytest.raises(WriteConflict, match="changed on disk"):
        fmt.format_file(path)
    assert path.read_text(encoding="utf-8") == '{"type": "FeatureCollection", "features": []}\n'


def test_check_and_rebuild_do_not_combine_and_force_needs_rebuild(write_dataset):
    path = write_dataset()
    with pytest.raises(UsageError):
        fmt.format_file(path, check=True, rebuild=True)
    with pytest.raises(UsageError):
        fmt.format_files([path], force=True)


# -- rebuilding geometry ----------------------------------------------------------------------------
def rebuild_fixture():
    null = make_route("fx-null", waypoints=("fx-bandar-abbas", "fx-port-sudan"))
    null["geometry"] = None
    drawn = make_route("fx-drawn", waypoints=("fx-bandar-abbas", "fx-port-sudan"),
                       legs=[{"mode": "sea", "geometry": "hand-drawn"}])
    unmarked = make_route("fx-unmarked", waypoints=("fx-bandar-abbas", "fx-port-sudan"))
    return make_collection([null, drawn, unmarked])


def test_rebuild_fills_null_geometry_and_keeps_drawn_lines(write_dataset):
    path = write_dataset(rebuild_fixture())
    result = fmt.format_file(path, rebuild=True)
    assert result.built == ["fx-null"] and result.kept == ["fx-drawn", "fx-unmarked"]
    doc = json.loads(path.read_text(encoding="utf-8"))
    null, drawn, unmarked = doc["features"]
    assert null["properties"]["legs"] == [{"mode": "sea", "geometry": "sea-lane",
                                           "passages": ["Strait of Hormuz", "Bab-el-Mandeb"]}]
    assert len(null["geometry"]["coordinates"]) > 10
    assert drawn["geometry"]["coordinates"] == [[56.28, 27.18], [37.2164, 19.6158]]
    assert unmarked["geometry"]["coordinates"] == [[56.28, 27.18], [37.2164, 19.6158]]
    assert dataset.load_dataset([path]).route("fx-null") is not None  # it validates

    again = fmt.format_file(path, rebuild=True)  # a built line is rebuilt to the same line
    assert again.changed is False and again.built == ["fx-null"]


def test_rebuild_with_force_replaces_drawn_lines(write_dataset):
    path = write_dataset(rebuild_fixture())
    result = fmt.format_file(path, rebuild=True, force=True)
    assert result.built == ["fx-null", "fx-drawn", "fx-unmarked"] and result.kept == []
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert all(f["properties"]["legs"][0]["geometry"] == "sea-lane" for f in doc["features"])


def test_rebuild_with_an_unknown_waypoint_writes_nothing(write_dataset):
    collection = rebuild_fixture()
    collection["features"][0]["properties"]["waypoints"][1] = "nowhere"
    path = write_dataset(collection)
    before = path.read_bytes()
    with pytest.raises(RoutesError, match="fx-null: waypoints\\[1\\]: unknown place 'nowhere'"):
        fmt.format_file(path, rebuild=True)
    assert path.read_bytes() == before


# -- the fields of honest uncertainty ------------------------------------------------------------------------
def uncertain_messy_route():
    """A route with every new field written in an odd key order, with unknown keys."""
    route = make_route(
        "fx-uncertain",
        legs=[{"note": "by ship", "path": "documented", "x-leg": 1, "mode": "sea"}, {"path": "schematic", "mode": "unknown"}],
        period={"end": {"note": "SIPRI: 2014?", "approximate": True, "year": 2014, "x-b": 1}, "start": 2009},
        interdicted={"date": "2014", "precision": "country", "stands_for": "Sudan", "stand_in": True,
                     "place": "fx-port-sudan", "x-i": 0},
        evidence=[{"note": "only account", "dispute": None, "weapons": ["fx-rpg"], "said_by": "A", "legs": [0],
                   "credibility": 3, "stance": "supports", "claim": "By sea.", "source": "fx-news"},
                  {"dispute": "denial", "source": "fx-analysis", "claim": "Denied.", "stance": "disputes",
                   "credibility": 6, "said_by": "KCNA"}])
    del route["properties"]["evidence"][0]["dispute"]
    route["properties"]["waypoints"] = [
        {"precision": "country", "x-w": True, "stands_for": "North Korea", "note": "no port named", "stand_in": True,
         "place": "fx-nampo"},
        "fx-bandar-abbas", {"precision": "area", "place": "fx-port-sudan"}]
    route["properties"]["intended_waypoints"] = [{"stands_for": "Hamas", "stand_in": True, "place": "fx-gaza"}]
    return route


def uncertain_messy_collection():
    collection = make_collection([uncertain_messy_route()])
    collection["sources"]["fx-news"] = {"note": "display date", **collection["sources"]["fx-news"]}
    collection["places"][0]["properties"] = {"precision": "site", **collection["places"][0]["properties"]}
    return collection


def test_the_new_fields_take_their_documented_key_order_and_unknown_keys_stay_after_them():
    doc = json.loads(fmt.dumps(uncertain_messy_collection()))
    props = doc["features"][0]["properties"]
    assert list(props["waypoints"][0]) == ["place", "stand_in", "stands_for", "precision", "note", "x-w"]
    assert props["waypoints"][1] == "fx-bandar-abbas"
    assert list(props["waypoints"][2]) == ["place", "precision"]
    assert list(props["intended_waypoints"][0]) == ["place", "stand_in", "stands_for"]
    assert list(props["legs"][0]) == ["mode", "path", "note", "x-leg"]
    assert list(props["period"]) == ["start", "end"]
    assert list(props["period"]["end"]) == ["year", "approximate", "note", "x-b"]
    assert list(props["interdicted"]) == ["place", "stand_in", "stands_for", "precision", "date", "x-i"]
    assert list(props["evidence"][0]) == ["source", "claim", "stance", "credibility", "legs", "weapons", "said_by",
                                          "note"]
    assert list(props["evidence"][1]) == ["source", "claim", "stance", "credibility", "said_by", "dispute"]
    assert list(doc["sources"]["fx-news"])[-1] == "note"
    assert list(doc["places"][0]["properties"]) == ["name", "aliases", "country", "kind", "precision"]
    assert doc == json.loads(json.dumps(uncertain_messy_collection()))  # every value kept: only the order differs


def test_formatting_the_new_fields_is_idempotent_and_waypoint_objects_stay_on_one_line():
    once = fmt.dumps(uncertain_messy_collection())
    assert fmt.dumps(json.loads(once)) == once
    assert '{"place": "fx-port-sudan", "precision": "area"}' in once
    assert '"end": {"year": 2014, "approximate": true, "note": "SIPRI: 2014?", "x-b": 1}' in once


def test_rebuild_builds_the_line_of_a_route_with_waypoint_objects(write_dataset):
    collection = uncertain_messy_collection()
    route = collection["features"][0]
    route["geometry"] = None
    for leg in route["properties"]["legs"]:
        leg.pop("geometry", None)
    path = write_dataset(collection)
    result = fmt.format_file(path, rebuild=True)
    assert result.built == ["fx-uncertain"]
    doc = json.loads(path.read_text(encoding="utf-8"))
    props = doc["features"][0]["properties"]
    assert props["waypoints"][0]["stand_in"] is True  # the objects are kept as they were
    assert [leg["geometry"] for leg in props["legs"]] == ["sea-lane", "great-circle"]
    assert [leg["path"] for leg in props["legs"]] == ["documented", "schematic"]
    coordinates = doc["features"][0]["geometry"]["coordinates"]
    assert coordinates[0] == [125.395, 38.73] and coordinates[-1] == [37.2164, 19.6158]
    assert dataset.load_dataset([path]).route("fx-uncertain") is not None  # it validates


def test_a_places_within_comes_after_its_precision_and_before_unknown_keys_on_one_line():
    collection = make_collection()
    collection["places"][0]["properties"] = {"note": "n", "within": ["fx-nampo"], "kind": "city", "name": "P",
                                             "precision": "area", "country": "PRK", "aliases": []}
    out = fmt.canonical(collection)
    assert list(out["places"][0]["properties"]) == ["name", "aliases", "country", "kind", "precision", "within", "note"]
    assert '"within": ["fx-nampo"]' in fmt.dumps(out)


# -- the one GeoJSON writer ------------------------------------------------------------------------------
@pytest.mark.parametrize("layout", fmt.LAYOUTS)
def test_every_layout_of_the_one_writer_writes_text_the_same_way(layout):
    collection = make_collection([make_route("fx-a", notes="Sanaʽa – “quoted” \ud800 end")])
    text = fmt.geojson_text(collection, layout)
    assert text.endswith("}\n") and "Sanaʽa – “quoted”" in text  # UTF-8 as it is, not \u escapes
    assert "\\ud800" in text and text.encode("utf-8")  # the one character no file can hold, escaped
    assert json.loads(text)["features"][0]["properties"]["notes"] == "Sanaʽa – “quoted” \ud800 end"
    collection["features"][0]["properties"]["bad"] = float("nan")
    with pytest.raises(ValueError):
        fmt.geojson_text(collection, layout)  # never NaN, which is not JSON


def test_the_lines_layout_keeps_the_document_as_it_is_one_item_per_line():
    collection = make_collection([make_route("fx-a"), make_route("fx-b")])
    collection["features"][0]["properties"] = dict(reversed(collection["features"][0]["properties"].items()))
    text = fmt.geojson_text(collection, "lines")
    assert json.loads(text) == collection and list(json.loads(text)["features"][0]["properties"]) == list(
        collection["features"][0]["properties"])  # not put in canonical order
    lines = text.splitlines()
    for member in ("features", "places", "weapons"):
        for item in collection[member]:
            assert f"    {json.dumps(item, ensure_ascii=False, separators=(',', ':'))}" in {
                line.rstrip(",") for line in lines}
    with pytest.raises(ValueError, match="unknown layout"):
        fmt.geojson_text(collection, "pretty")


def test_export_import_sipri_fmt_and_add_write_through_the_one_writer(write_dataset, tmp_path, runner):
    from cli import app
    from routes import export
    from routes.dataset import load_dataset

    path = write_dataset(make_collection([make_route("fx-a")]))
    out = tmp_path / "out.geojson"
    assert runner.invoke(app, ["export", "-d", str(path), "-o", str(out)]).exit_code == 0
    collection = export.geojson_collection(load_dataset([path]))
    assert out.read_text(encoding="utf-8") == fmt.geojson_text(collection, "lines")
    assert runner.invoke(app, ["fmt", str(path)]).exit_code == 0
    assert path.read_text(encoding="utf-8") == fmt.geojson_text(json.loads(path.read_text(encoding="utf-8")))

"""routes.export: GeoJSON that validates on its own, CSV safe for spreadsheets, KML and GeoPackage read back by GDAL."""

from __future__ import annotations

import copy
import csv
import io
import json
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from conftest import COORDS, make_collection, make_route, place_feature
from routes import export
from routes.dataset import load_dataset
from routes.errors import RoutesError, UsageError

# Mirrors the official GeoJSON JSON Schema (https://geojson.org/schema/FeatureCollection.json) for the
# geometry types we emit: LineString, MultiLineString and null. Foreign members are allowed, as there.
_POSITION = {"type": "array", "minItems": 2, "maxItems": 3, "items": {"type": "number"}}
_BBOX = {"type": "array", "minItems": 4, "items": {"type": "number"}}
GEOJSON_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "bbox": _BBOX,
        "features": {"type": "array", "items": {
            "type": "object",
            "required": ["type", "properties", "geometry"],
            "properties": {
                "type": {"type": "string", "enum": ["Feature"]},
                "id": {"oneOf": [{"type": "number"}, {"type": "string"}]},
                "properties": {"oneOf": [{"type": "null"}, {"type": "object"}]},
                "bbox": _BBOX,
                "geometry": {"oneOf": [
                    {"type": "null"},
                    {"type": "object", "required": ["type", "coordinates"], "properties": {
                        "type": {"type": "string", "enum": ["LineString"]},
                        "coordinates": {"type": "array", "minItems": 2, "items": _POSITION},
                        "bbox": _BBOX}},
                    {"type": "object", "required": ["type", "coordinates"], "properties": {
                        "type": {"type": "string", "enum": ["MultiLineString"]},
                        "coordinates": {"type": "array", "items": {"type": "array", "minItems": 2, "items": _POSITION}},
                        "bbox": _BBOX}},
                ]},
            },
        }},
    },
}

CARACAS = place_feature("fx-caracas", "Fixture Caracas", "VEN", "city", -66.9, 10.5, [])
HOSTILE = "=HYPERLINK(\"http://evil.example\",\"click\")"


def routes_for_export():
    plain = make_route("fx-plain", **{"x-analyst-note": "keep me"})
    built = make_route("fx-built", waypoints=("fx-pyongyang", "fx-damascus", "fx-beirut"), weapons=["fx-rocket"],
                       evidence=[{"source": "fx-derived", "claim": HOSTILE, "stance": "supports", "credibility": 3},
                                 {"source": "fx-analysis", "claim": "Denied | *loudly*", "stance": "disputes",
                                  "credibility": 4, "said_by": "-Spokesman", "quote": "No."}])
    built["geometry"] = None
    pacific = make_route("fx-pacific", waypoints=("fx-nampo", "fx-caracas"), status="alleged")
    pacific["geometry"] = None
    return [plain, built, pacific]


def collection_for_export():
    sources = copy.deepcopy(make_collection()["sources"])
    sources["fx-derived"] = {"title": "Fixture Repeat", "author": None, "publisher": "Echo", "published": "2024",
                             "url": None, "kind": "news", "reliability": "C", "derived_from": ["fx-wire"]}
    sources["fx-wire"] = {"title": "Fixture Wire", "author": None, "publisher": "Wire", "published": "2024",
                          "url": None, "kind": "news", "reliability": "B", "derived_from": []}
    sources["fx-uncited"] = {"title": "Never cited", "author": None, "publisher": None, "published": None,
                             "url": None, "kind": "other", "reliability": "F", "derived_from": []}
    collection = make_collection(routes_for_export(), sources=sources)
    collection["places"].append(CARACAS)
    return collection


@pytest.fixture
def dataset(write_dataset):
    return load_dataset([write_dataset(collection_for_export())])


def test_geojson_matches_the_official_schema_for_our_geometry_types(dataset):
    collection = export.geojson_collection(dataset)
    jsonschema.validate(collection, GEOJSON_SCHEMA)
    assert "crs" not in collection
    for feature in collection["features"]:
        assert "crs" not in feature
        lines = ([feature["geometry"]["coordinates"]] if feature["geometry"]["type"] == "LineString"
                 else feature["geometry"]["coordinates"])
        for line in lines:
            for lon, lat in line:
                assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_the_schema_in_this_file_rejects_what_rfc_7946_rejects(dataset):
    collection = export.geojson_collection(dataset)
    bad_line = copy.deepcopy(collection)
    bad_line["features"][0]["geometry"]["coordinates"] = [[1.0, 2.0]]
    bad_position = copy.deepcopy(collection)
    bad_position["features"][0]["geometry"]["coordinates"][0] = [1.0, 2.0, 3.0, 4.0]
    no_geometry = copy.deepcopy(collection)
    del no_geometry["features"][0]["geometry"]
    for broken in (bad_line, bad_position, no_geometry):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, GEOJSON_SCHEMA)


def test_routes_are_copied_as_written_and_unknown_properties_survive(dataset):
    features = {f["id"]: f for f in export.geojson_collection(dataset)["features"]}
    assert list(features) == ["fx-plain", "fx-built", "fx-pacific"]
    assert features["fx-plain"] == dataset.route("fx-plain")
    assert features["fx-plain"]["properties"]["x-analyst-note"] == "keep me"


def test_a_null_geometry_is_built_from_the_waypoints(dataset):
    geometry = export.geojson_collection(dataset)["features"][1]["geometry"]
    assert geometry["type"] == "LineString"
    assert geometry["coordinates"][0] == COORDS["fx-pyongyang"]
    assert geometry["coordinates"][-1] == COORDS["fx-beirut"]
    assert len(geometry["coordinates"]) > 3
    assert dataset.route("fx-built")["geometry"] is None, "the dataset itself is not changed"


def test_a_line_across_the_pacific_is_cut_at_the_antimeridian(dataset):
    geometry = export.geojson_collection(dataset)["features"][2]["geometry"]
    assert geometry["type"] == "MultiLineString"
    first, second = geometry["coordinates"]
    assert first[0] == COORDS["fx-nampo"] and second[-1] == [-66.9, 10.5]
    assert abs(first[-1][0]) == 180 and second[0][0] == -first[-1][0] and second[0][1] == first[-1][1]


def test_sources_are_the_cited_ones_and_what_they_repeat(dataset):
    sources = export.geojson_collection(dataset)["sources"]
    assert set(sources) == {"fx-news", "fx-analysis", "fx-derived", "fx-wire"}


def test_weapons_and_places_travel_with_the_routes_that_use_them(dataset):
    collection = export.geojson_collection(dataset.with_routes([dataset.route("fx-built")]))
    assert [w["id"] for w in collection["weapons"]] == ["fx-rocket"]
    assert [p["id"] for p in collection["places"]] == ["fx-pyongyang", "fx-damascus", "fx-beirut"]
    assert collection["places"][0]["geometry"]["coordinates"] == COORDS["fx-pyongyang"]


def test_exported_geojson_loads_as_the_same_routes(dataset, tmp_path):
    out = tmp_path / "out.geojson"
    assert export.export_routes(dataset, out) == 3
    again = load_dataset([out])
    assert [r["id"] for r in again.routes] == ["fx-plain", "fx-built", "fx-pacific"]
    assert again.route("fx-built")["properties"] == dataset.route("fx-built")["properties"]


def test_exported_geojson_has_one_route_per_line(dataset, tmp_path):
    out = tmp_path / "out.geojson"
    export.export_routes(dataset, out)
    text = out.read_text(encoding="utf-8")
    features = json.loads(text)["features"]
    lines = text.splitlines()
    for feature in features:
        found = [line for line in lines if f'"id":"{feature["id"]}"' in line]
        assert len(found) == 1
        assert json.loads(found[0].strip().rstrip(",")) == feature


def test_csv_has_one_row_per_route_with_the_promised_columns(dataset, tmp_path):
    out = tmp_path / "routes.csv"
    assert export.export_routes(dataset, out) == 3
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == export.ROUTE_FIELDS
    assert [r["id"] for r in rows] == ["fx-plain", "fx-built", "fx-pacific"]
    built = rows[1]
    assert built["waypoints"] == "fx-pyongyang; fx-damascus; fx-beirut"
    assert built["countries"] == "PRK; SYR; LBN"
    assert built["categories"] == "artillery-rockets"
    assert (built["period_start"], built["period_end"]) == ("2009", "2014")
    assert (built["disputed"], built["evidence_count"], built["independent_sources"]) == ("yes", "2", "1")


def test_csv_with_evidence_has_one_row_per_item_and_no_formulas(dataset, tmp_path):
    out = tmp_path / "evidence.csv"
    assert export.export_routes(dataset, out, evidence=True) == 4
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == export.EVIDENCE_FIELDS
    assert [(r["route_id"], r["item"]) for r in rows] == [
        ("fx-plain", "1"), ("fx-built", "1"), ("fx-built", "2"), ("fx-pacific", "1")]
    hostile, disputing = rows[1], rows[2]
    assert hostile["claim"] == "'" + HOSTILE
    assert hostile["source_title"] == "Fixture Repeat" and hostile["grade"] == "C3"
    assert disputing["stance"] == "disputes" and disputing["said_by"] == "'-Spokesman"
    assert disputing["claim"] == "Denied | *loudly*" and disputing["quote"] == "No."
    assert rows[0]["url"] == "https://example.org/report"


def test_geopackage_reads_back_with_gdal(dataset, tmp_path):
    pyogrio = pytest.importorskip("pyogrio")
    out = tmp_path / "routes.gpkg"
    assert export.export_routes(dataset, out) == 3
    assert [tuple(layer) for layer in pyogrio.list_layers(out)] == [("routes", "MultiLineString"), ("evidence", None)]
    routes = pyogrio.read_dataframe(out, layer="routes")
    assert list(routes["id"]) == ["fx-plain", "fx-built", "fx-pacific"]
    assert routes.crs.to_epsg() == 4326
    assert routes.loc[1, "weapons"] == "fx-rocket" and routes.loc[1, "disputed"] == "yes"
    assert routes.loc[0, "period_start"] == 2009
    assert routes.geometry.notna().all()
    evidence = pyogrio.read_dataframe(out, layer="evidence")
    assert list(evidence["route_id"]) == ["fx-plain", "fx-built", "fx-built", "fx-pacific"]


def test_geopackage_is_replaced_not_appended_to(dataset, tmp_path):
    pyogrio = pytest.importorskip("pyogrio")
    out = tmp_path / "routes.gpkg"
    export.export_routes(dataset, out)
    export.export_routes(dataset.with_routes([dataset.route("fx-plain")]), out)
    assert list(pyogrio.read_dataframe(out, layer="routes")["id"]) == ["fx-plain"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["routes.geojson", "routes.gpkg"]


def test_kml_reads_back_with_gdal(dataset, tmp_path):
    pyogrio = pytest.importorskip("pyogrio")
    out = tmp_path / "routes.kml"
    assert export.export_routes(dataset, out) == 3
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<?xml") and "<kml" in text
    frame = pyogrio.read_dataframe(out)
    assert list(frame["id"]) == ["fx-plain", "fx-built", "fx-pacific"]
    assert list(frame["Name"]) == ["Route fx-plain", "Route fx-built", "Route fx-pacific"]
    assert frame["description"][0].startswith("Route fx-plain: North Korea → Iran → Hamas\n")
    assert "Status: reported (disputed); 1 independent supporting source(s); 2 evidence item(s)" in frame["description"][1]
    assert frame.loc[1, "weapons"] == "fx-rocket"
    assert frame.geometry.notna().all()
    # Google Earth draws each route in its weapon category's colour (aabbggrr): artillery-rockets is #f28e2b
    root = ET.fromstring(out.read_bytes())
    kml = "{http://www.opengis.net/kml/2.2}"
    colours = {p.get("id"): p.find(f"{kml}Style/{kml}LineStyle/{kml}color").text for p in root.iter(f"{kml}Placemark")}
    assert colours == {"fx-plain": "ff5957e1", "fx-built": "ff2b8ef2", "fx-pacific": "ff5957e1"}


def test_unknown_suffix_is_a_usage_error_listing_the_formats(dataset, tmp_path):
    with pytest.raises(UsageError) as raised:
        export.export_routes(dataset, tmp_path / "routes.xlsx")
    assert "routes.xlsx" in str(raised.value)
    for suffix in (".geojson", ".csv", ".kml", ".gpkg"):
        assert suffix in str(raised.value)
    assert not (tmp_path / "routes.xlsx").exists()


def test_evidence_rows_need_csv(dataset, tmp_path):
    with pytest.raises(UsageError, match="--evidence"):
        export.export_routes(dataset, tmp_path / "routes.kml", evidence=True)


@pytest.mark.parametrize("name", ["routes.gpkg", "routes.kml"])
def test_a_failed_gdal_write_leaves_nothing_behind(dataset, tmp_path, monkeypatch, name):
    pyogrio = pytest.importorskip("pyogrio")
    out = tmp_path / name
    out.write_bytes(b"old content")

    def half_write(frame, path, **kwargs):
        with open(path, "wb") as handle:
            handle.write(b"half")
        raise pyogrio.errors.DataSourceError("disk full")

    monkeypatch.setattr(pyogrio, "write_dataframe", half_write)
    with pytest.raises(RoutesError, match="disk full"):
        export.export_routes(dataset, out)
    assert out.read_bytes() == b"old content"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["routes.geojson", name])


def test_a_missing_folder_is_a_clear_error(dataset, tmp_path):
    for name in ("routes.gpkg", "routes.csv"):
        with pytest.raises(RoutesError, match="cannot write"):
            export.export_routes(dataset, tmp_path / "missing" / name)

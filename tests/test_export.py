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

KML = "{http://www.opengis.net/kml/2.2}"
GX = "{http://www.google.com/kml/ext/2.2}"
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
    assert [tuple(layer) for layer in pyogrio.list_layers(out)][:1] == [("routes", "Unknown")]
    frame = pyogrio.read_dataframe(out, layer="routes")
    assert list(frame["id"]) == ["fx-plain", "fx-built", "fx-pacific"]
    assert list(frame["Name"]) == ["Route fx-plain [reported]", "Route fx-built [reported; disputed]",
                                   "Route fx-pacific [alleged]"]
    assert frame["description"][0].startswith("Route fx-plain: North Korea → Iran → Hamas<br>\n")
    assert ("Status: reported (disputed: disputed by -Spokesman); 1 independent supporting source; "
            "2 evidence items") in frame["description"][1]
    assert frame.loc[1, "weapons"] == "fx-rocket" and frame.loc[1, "status"] == "reported"
    assert frame.loc[0, "period_start"] == 2009
    assert frame.geometry.notna().all()
    # Google Earth draws each route in its weapon category's colour (aabbggrr, from routes.style), as wide and as solid as its evidence is strong
    root = ET.fromstring(out.read_bytes())
    styles = {s.get("id"): s for s in root.iter(f"{KML}Style")}
    drawn = {}
    for placemark in root.find(f"{KML}Document/{KML}Folder[@id='routes']"):
        if placemark.tag == f"{KML}Placemark":
            line = styles[placemark.find(f"{KML}styleUrl").text[1:]].find(f"{KML}LineStyle")
            drawn[placemark.get("id")] = (line.find(f"{KML}color").text, line.find(f"{KML}width").text,
                                          line.find(f"{GX}labelVisibility") is not None)
    from routes.style import CATEGORY_COLOURS

    def bgr(category: str) -> str:
        rgb = CATEGORY_COLOURS[category].lstrip("#")
        return rgb[4:6] + rgb[2:4] + rgb[0:2]

    assert drawn == {"fx-plain": ("bf" + bgr("anti-tank"), "3", False),
                     "fx-built": ("bf" + bgr("artillery-rockets"), "3", True),
                     "fx-pacific": ("8c" + bgr("anti-tank"), "2", False)}


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


def test_a_failed_gdal_write_leaves_nothing_behind(dataset, tmp_path, monkeypatch):
    pyogrio = pytest.importorskip("pyogrio")
    name = "routes.gpkg"
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
    for name in ("routes.gpkg", "routes.csv", "routes.kml"):
        with pytest.raises(RoutesError, match="cannot (write|open the folder)"):
            export.export_routes(dataset, tmp_path / "missing" / name)


# -- honest uncertainty in every export -------------------------------------------------------------------
PAYLOAD = "<script>alert('x')</script><img src=x onerror=alert(1)>"
COUNTRY_PRK = place_feature("fx-prk", "Fixture North Korea", "PRK", "country", 127.0, 40.0, [])


def uncertain_collection():
    """A route through a stand-in, a coarse place and a documented leg, dated c. 2009 to an unknown end,
    disputed by a denial, with a hostile claim; and an undated route."""
    route = make_route(
        "fx-uncertain", legs=[{"mode": "sea", "path": "documented", "note": "by ship"}, {"mode": "unknown"}],
        period={"start": {"year": 2009, "approximate": True}, "end": None}, outcome="attempted",
        evidence=[{"source": "fx-news", "claim": f"Shipped by sea. {PAYLOAD} ]]> bell\x07 nul\x00.",
                   "stance": "supports", "credibility": 2, "legs": [0], "weapons": ["fx-rpg"],
                   "note": "the only account of the path"},
                  {"source": "fx-analysis", "claim": "Denied.", "stance": "disputes", "credibility": 6,
                   "said_by": "KCNA", "dispute": "denial"}])
    route["properties"]["waypoints"] = [
        {"place": "fx-nampo", "stand_in": True, "stands_for": "North Korea", "precision": "country"},
        "fx-bandar-abbas", {"place": "fx-prk", "precision": "country"}]
    route["geometry"] = None
    undated = make_route("fx-undated", waypoints=("fx-damascus", "fx-beirut"), period={"start": None, "end": None},
                         status="confirmed")
    collection = make_collection([route, undated])
    collection["places"].append(COUNTRY_PRK)
    collection["sources"]["fx-analysis"]["note"] = "The printed date may be the page's display date."
    return collection


@pytest.fixture
def uncertain(write_dataset):
    return load_dataset([write_dataset(uncertain_collection(), name="uncertain.geojson")])


def test_geojson_copies_the_new_fields_as_written_and_carries_the_places_of_waypoint_objects(uncertain):
    collection = export.geojson_collection(uncertain)
    feature = collection["features"][0]
    assert feature["properties"] == uncertain.route("fx-uncertain")["properties"]
    assert feature["properties"]["waypoints"][0]["stands_for"] == "North Korea"
    assert feature["geometry"]["type"] == "LineString"
    assert {"fx-nampo", "fx-prk"} <= {p["id"] for p in collection["places"]}
    assert collection["sources"]["fx-analysis"]["note"].startswith("The printed date")


def test_exported_geojson_with_the_new_fields_validates_on_its_own(uncertain, tmp_path):
    from routes.validate import validate_file

    out = tmp_path / "sel.geojson"
    export.export_routes(uncertain, out)
    report = validate_file(out)
    assert report.ok, [str(p) for p in report.errors]


def test_csv_rows_gain_the_period_as_written_stand_ins_and_leg_paths(uncertain, tmp_path):
    out = tmp_path / "routes.csv"
    export.export_routes(uncertain, out)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert tuple(rows[0])[:17] == export.ROUTE_FIELDS[:17]  # the old columns keep their places
    row = rows[0]
    assert (row["period_start"], row["period_end"], row["period"], row["period_approximate"]) == (
        "2009", "", "c. 2009–?", "start")
    assert row["waypoints"] == "fx-nampo; fx-bandar-abbas; fx-prk"
    assert row["stand_ins"] == "fx-nampo=North Korea"
    assert (row["leg_modes"], row["leg_paths"]) == ("sea; unknown", "documented; schematic")
    assert (row["outcome"], row["disputed"]) == ("attempted", "yes")
    assert (rows[1]["period"], rows[1]["stand_ins"]) == ("unknown", "")


def test_evidence_csv_gains_weapons_legs_dispute_and_notes(uncertain, tmp_path):
    out = tmp_path / "evidence.csv"
    export.export_routes(uncertain, out, evidence=True)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == export.EVIDENCE_FIELDS
    shipped, denied = rows[0], rows[1]
    assert (shipped["legs"], shipped["weapons"], shipped["note"]) == ("0", "fx-rpg", "the only account of the path")
    assert (denied["dispute"], denied["said_by"], denied["source_note"]) == (
        "denial", "KCNA", "The printed date may be the page's display date.")


def test_geopackage_holds_the_new_columns_and_the_route_in_words(uncertain, tmp_path):
    pyogrio = pytest.importorskip("pyogrio")
    out = tmp_path / "routes.gpkg"
    export.export_routes(uncertain, out)
    routes = pyogrio.read_dataframe(out, layer="routes")
    first = routes.iloc[0]
    assert (first["period_start"], first["period"], first["stand_ins"], first["leg_paths"]) == (
        2009, "c. 2009–?", "fx-nampo=North Korea", "documented; schematic")
    assert routes["period_end"].isna()[0]
    description = first["description"].splitlines()
    assert "Period: c. 2009–?" in description
    assert ("  1. ≈ North Korea — stand-in for North Korea: the sources name only the country "
            "(drawn at Fixture Nampo)") in description
    assert "    ↓ sea; path described by a source — by ship" in description
    assert "  3. Fixture North Korea: the sources name only the country; drawn at a representative point" in description
    evidence = pyogrio.read_dataframe(out, layer="evidence")
    assert list(evidence["route_id"]) == ["fx-uncertain", "fx-uncertain", "fx-undated"]
    assert list(evidence["weapons"]) == ["fx-rpg", "", ""]
    assert list(evidence["dispute"].fillna("")) == ["", "denial", ""]


def _kml(uncertain, tmp_path):
    out = tmp_path / "routes.kml"
    export.export_routes(uncertain, out)
    return out, ET.fromstring(out.read_bytes())


def test_kml_time_spans_follow_the_period_and_stay_open_where_it_is_unknown(uncertain, tmp_path):
    pyogrio = pytest.importorskip("pyogrio")
    out, root = _kml(uncertain, tmp_path)
    spans = {p.get("id"): p.find(f"{KML}TimeSpan") for p in root.iter(f"{KML}Placemark") if p.get("id")}
    assert [(c.tag.split("}")[1], c.text) for c in spans["fx-uncertain"]] == [("begin", "2009-01-01")]
    assert spans["fx-undated"] is None  # shown at every time of Google Earth's slider
    frame = pyogrio.read_dataframe(out, layer="routes")
    assert str(frame.loc[0, "begin"].date()) == "2009-01-01" and frame["end"].isna().all()


def test_kml_marks_stand_ins_by_what_they_stand_for(uncertain, tmp_path):
    pyogrio = pytest.importorskip("pyogrio")
    out, root = _kml(uncertain, tmp_path)
    waypoints = pyogrio.read_dataframe(out, layer="waypoints")
    shown = {(r["Name"], r["drawn_as"]) for _, r in waypoints.iterrows()}
    assert ("≈ North Korea", "stand-in") in shown and ("Fixture Nampo", "stand-in") not in shown
    assert ("Fixture Bandar Abbas", "site") in shown and ("Fixture North Korea", "area") in shown
    stand_in = waypoints[waypoints["Name"] == "≈ North Korea"].iloc[0]
    assert stand_in["description"].startswith(
        "stand-in for North Korea: the sources name only the country (drawn at Fixture Nampo)<br>")
    assert stand_in["routes"] == "fx-uncertain" and stand_in.geometry.x == COORDS["fx-nampo"][0]
    folder = root.find(f"{KML}Document/{KML}Folder[@id='waypoints']")
    styles = {p.find(f"{KML}name").text: p.find(f"{KML}styleUrl").text for p in folder.iter(f"{KML}Placemark")}
    assert styles["≈ North Korea"] == "#waypoint-stand-in" and styles["Fixture Bandar Abbas"] == "#waypoint-site"


def test_kml_descriptions_hold_claims_as_text_not_markup(uncertain, tmp_path):
    pyogrio = pytest.importorskip("pyogrio")
    out, root = _kml(uncertain, tmp_path)
    frame = pyogrio.read_dataframe(out, layer="routes")
    balloon = frame.loc[0, "description"]  # what a KML viewer renders as HTML
    assert "<script" not in balloon and "<img" not in balloon
    assert "Shipped by sea. &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; " \
           "]]&gt; bell\\x07 nul\\x00." in balloon
    assert "dispute: denied by KCNA" in balloon and "speaks to: leg 0 (≈ North Korea → Fixture Bandar Abbas)" in balloon
    assert "fx-analysis: The printed date may be the page&#x27;s display date." in balloon
    assert "Status: reported (disputed: denied by KCNA)" in balloon
    assert frame.loc[0, "Name"] == "Route fx-uncertain [reported; disputed]"
    # the balloon shows the description only (the data columns are not rendered as HTML)
    from routes.style import CATEGORY_COLOURS
    anti_tank = CATEGORY_COLOURS["anti-tank"].lstrip("#")
    # one line style per route, as its weakest leg: the unknown-mode leg is schematic, so the line is faint
    style = root.find(f"{KML}Document/{KML}Style[@id='route-{anti_tank}-reported-schematic-disputed']")
    assert style.find(f"{KML}BalloonStyle/{KML}text").text == "$[description]"
    opacity = int(style.find(f"{KML}LineStyle/{KML}color").text[:2], 16)
    assert opacity < int(export.KML_STATUS_OPACITY["reported"] * 255)


def test_kml_legend_explains_the_styles_in_words(uncertain, tmp_path):
    _, root = _kml(uncertain, tmp_path)
    legend = root.find(f"{KML}Document/{KML}description").text
    assert "Line width and opacity: the evidence status" in legend
    assert "confirmed: an official finding or physical evidence made public (width 5)" in legend
    assert "a diamond labelled “≈ …” for a stand-in" in legend


def test_exports_are_the_same_bytes_each_time(uncertain, tmp_path):
    for suffix in (".kml", ".csv", ".geojson"):
        first, second = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
        export.export_routes(uncertain, first)
        export.export_routes(uncertain, second)
        assert first.read_bytes() == second.read_bytes(), suffix

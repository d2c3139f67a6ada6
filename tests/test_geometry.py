"""Route geometry: great-circle arcs, sea lanes that stay at sea, passages, the antimeridian, rebuild rules."""

from __future__ import annotations

import json
import math

import pytest

from conftest import PLACES, ROOT, make_collection, make_route
from routes import geometry
from routes.errors import UnknownPlace
from routes.gazetteer import Gazetteer, Place
from routes.validate import validate_document
from routes.weapons import Taxonomy

FIXTURE_PLACES = Gazetteer(Place(pid, name, country, kind, lon, lat, tuple(aliases))
                           for pid, name, country, kind, lon, lat, aliases in PLACES)
BUSAN = Place("fx-busan", "Fixture Busan", "KOR", "port", 129.04, 35.1)
LONG_BEACH = Place("fx-long-beach", "Fixture Long Beach", "USA", "port", -118.2, 33.7)


@pytest.fixture(scope="module")
def land():
    """Every country of data/geo/countries.geojson as one shape, shrunk by ~2 km so a coastline graze is not land."""
    from shapely.geometry import shape
    from shapely.ops import unary_union

    doc = json.loads((ROOT / "data" / "geo" / "countries.geojson").read_text(encoding="utf-8"))
    return unary_union([shape(f["geometry"]) for f in doc["features"]]).buffer(-0.02)


def interior_points(line, ends, margin_km=30.0, step_km=10.0):
    """Points every `step_km` along a line as drawn, leaving out `margin_km` around its ends (ports sit on land)."""
    points = []
    for a, b in zip(line, line[1:]):
        n = max(1, int(geometry.distance_km(a, b) / step_km))
        for i in range(n):
            p = (a[0] + (b[0] - a[0]) * i / n, a[1] + (b[1] - a[1]) * i / n)
            if all(geometry.distance_km(p, e) > margin_km for e in ends):
                points.append(((p[0] + 180) % 360 - 180, p[1]))
    return points


def on_land(points, land):
    from shapely.geometry import Point

    return [p for p in points if land.contains(Point(p))]


def route(waypoints, modes, **extra):
    r = make_route("fx-built", waypoints=waypoints, legs=[{"mode": m} for m in modes], **extra)
    r["geometry"] = None
    return r


# -- great circles ----------------------------------------------------------------------------------
def test_great_circle_ends_exactly_at_the_places_and_curves():
    a, b = (125.395, 38.73), (56.28, 27.18)
    arc = geometry.great_circle(a, b)
    assert arc[0] == [125.395, 38.73] and arc[-1] == [56.28, 27.18]
    assert all(geometry.distance_km(p, q) <= geometry.ARC_STEP_KM + 1 for p, q in zip(arc, arc[1:]))
    middle = arc[len(arc) // 2]
    straight_lat = a[1] + (b[1] - a[1]) * (middle[0] - a[0]) / (b[0] - a[0])
    assert middle[1] > straight_lat + 3  # a great circle bows towards the pole on a Mercator map


def test_split_antimeridian_cuts_a_line_into_parts_that_meet_at_180():
    parts = geometry.split_antimeridian([[170.0, 10.0], [190.0, 20.0]])
    assert parts == [[[170.0, 10.0], [180.0, 15.0]], [[-180.0, 15.0], [-170.0, 20.0]]]
    assert geometry.split_antimeridian([[10.0, 0.0], [20.0, 1.0]]) == [[[10.0, 0.0], [20.0, 1.0]]]


def test_unwrap_makes_longitudes_continuous():
    assert geometry.unwrap([[179.0, 0.0], [-179.0, 1.0], [-178.0, 2.0]]) == [[179.0, 0.0], [181.0, 1.0], [182.0, 2.0]]
    assert geometry.unwrap([[-170.0, 0.0]], 175.0) == [[190.0, 0.0]]


# -- sea lanes ----------------------------------------------------------------------------------------
def test_a_sea_lane_starts_and_ends_exactly_at_its_waypoints():
    line, snap = geometry.sea_lane((125.395, 38.73), (56.28, 27.18))
    assert line[0] == [125.395, 38.73] and line[-1] == [56.28, 27.18]
    assert len(line) > 20
    assert snap < 50


def test_passages_are_found_in_the_order_a_line_crosses_them():
    line, _ = geometry.sea_lane((125.395, 38.73), (37.2164, 19.6158))  # Nampo to Port Sudan
    crossed = geometry.passages_crossed(line)
    assert crossed.index("Strait of Malacca") < crossed.index("Bab-el-Mandeb")
    assert "Suez Canal" not in crossed
    to_beirut, _ = geometry.sea_lane((37.2164, 19.6158), (35.5018, 33.8938))
    assert geometry.passages_crossed(to_beirut) == ["Suez Canal"]
    assert geometry.passages_crossed([[0.0, 0.0], [1.0, 1.0]]) == []


def test_a_multi_leg_route_with_sea_and_land_legs(land):
    r = route(["fx-nampo", "fx-bandar-abbas", "fx-port-sudan", "fx-gaza"], ["sea", "sea", "land"])
    built = geometry.build_route(r, FIXTURE_PLACES)

    assert [leg["geometry"] for leg in built.legs] == ["sea-lane", "sea-lane", "great-circle"]
    assert built.legs[0]["passages"][-2:] == ["Strait of Malacca", "Strait of Hormuz"]
    assert built.legs[1]["passages"] == ["Strait of Hormuz", "Bab-el-Mandeb"]
    assert "passages" not in built.legs[2]
    line = built.geometry["coordinates"]
    assert built.geometry["type"] == "LineString"
    assert line[0] == [125.395, 38.73] and line[-1] == [34.4667, 31.5]
    assert [56.28, 27.18] in line and [37.2164, 19.6158] in line  # the legs meet at their waypoints
    assert all(len(str(v).split(".")[-1]) <= 4 for p in line for v in p)

    r["geometry"], r["properties"]["legs"] = built.geometry, built.legs
    report = validate_document(make_collection([r]), ROOT / "fx.geojson", weapons=Taxonomy(), places=Gazetteer())
    assert report.ok, report.errors

    # the sea legs stay off land (checked along each leg, away from the ports at its ends)
    for a, b in (((125.395, 38.73), (56.28, 27.18)), ((56.28, 27.18), (37.2164, 19.6158))):
        i, j = line.index(list(a)), line.index(list(b))
        points = interior_points(line[i:j + 1], [a, b])
        assert len(points) > 300
        assert on_land(points, land) == []


def test_the_land_check_does_find_land(land):
    """The check above can fail: a straight arc from Nampo to Bandar Abbas crosses China and India."""
    arc = geometry.great_circle((125.395, 38.73), (56.28, 27.18))
    assert len(on_land(interior_points(arc, [arc[0], arc[-1]]), land)) > 100


def test_a_route_across_the_pacific_becomes_a_multilinestring_that_validates():
    places = FIXTURE_PLACES.copy().extend([BUSAN, LONG_BEACH])
    r = route(["fx-busan", "fx-long-beach"], ["sea"])
    built = geometry.build_route(r, places)
    assert built.geometry["type"] == "MultiLineString"
    parts = built.geometry["coordinates"]
    assert parts[0][0] == [129.04, 35.1] and parts[-1][-1] == [-118.2, 33.7]
    assert parts[0][-1][0] == 180.0 and parts[1][0][0] == -180.0 and parts[0][-1][1] == parts[1][0][1]
    assert all(-180 <= p[0] <= 180 for part in parts for p in part)
    r["geometry"], r["properties"]["legs"] = built.geometry, built.legs
    collection = make_collection([r])
    collection["places"] += [BUSAN.to_feature(), LONG_BEACH.to_feature()]
    report = validate_document(collection, ROOT / "fx.geojson", weapons=Taxonomy(), places=Gazetteer())
    assert report.ok, report.errors


def test_legs_other_than_sea_are_great_circles_and_missing_legs_are_unknown():
    r = route(["fx-pyongyang", "fx-damascus"], ["air"])
    assert geometry.build_route(r, FIXTURE_PLACES).legs == [{"mode": "air", "geometry": "great-circle"}]
    del r["properties"]["legs"]
    assert geometry.build_route(r, FIXTURE_PLACES).legs == [{"mode": "unknown", "geometry": "great-circle"}]


def test_a_leg_that_is_no_longer_at_sea_loses_the_passages_the_builder_recorded():
    r = route(["fx-nampo", "fx-bandar-abbas"], ["land"])
    r["properties"]["legs"] = [{"mode": "land", "geometry": "sea-lane", "passages": ["Strait of Malacca"], "x": 1}]
    assert geometry.build_route(r, FIXTURE_PLACES).legs == [{"mode": "land", "geometry": "great-circle", "x": 1}]


def test_an_unknown_waypoint_names_the_route_and_field():
    r = route(["fx-nampo", "nowhere"], ["sea"])
    with pytest.raises(UnknownPlace) as info:
        geometry.build_route(r, FIXTURE_PLACES)
    assert info.value.route_id == "fx-built" and info.value.field == "waypoints[1]"
    assert "'nowhere'" in str(info.value)


def test_a_sea_leg_from_far_inland_gets_a_note():
    inland = Place("fx-inland", "Fixture Inland", "SAU", "city", 45.0, 24.0)
    built = geometry.build_leg(inland, FIXTURE_PLACES.get("fx-port-sudan"), "sea")
    assert built.kind == "sea-lane"
    assert "km from one of its ends" in built.note


# -- what may be rebuilt ------------------------------------------------------------------------------
@pytest.mark.parametrize(("geom", "legs", "built"), [
    (None, [{"mode": "sea"}], True),
    ({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, [{"mode": "sea", "geometry": "sea-lane"}], True),
    ({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, [{"mode": "sea", "geometry": "hand-drawn"}], False),
    ({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, [{"mode": "sea"}], False),
    ({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, None, False),
])
def test_only_null_or_builder_made_geometry_counts_as_built(geom, legs, built):
    r = {"type": "Feature", "id": "x", "properties": {"legs": legs} if legs else {}, "geometry": geom}
    assert geometry.is_built(r) is built


# -- what the map draws -----------------------------------------------------------------------------
def test_route_lines_cut_a_drawn_line_where_it_jumps_across_the_antimeridian():
    r = {"geometry": {"type": "LineString", "coordinates": [[170.0, 0.0], [-170.0, 10.0]]}, "properties": {}}
    lines = geometry.route_lines(r, FIXTURE_PLACES)
    assert lines == [[[170.0, 0.0], [180.0, 5.0]], [[-180.0, 5.0], [-170.0, 10.0]]]


def test_route_lines_draw_great_circle_legs_when_geometry_is_null():
    r = route(["fx-nampo", "fx-bandar-abbas", "fx-port-sudan"], ["sea", "sea"])
    [line] = geometry.route_lines(r, FIXTURE_PLACES)
    assert line[0] == [125.395, 38.73] and line[-1] == [37.2164, 19.6158] and [56.28, 27.18] in line


def test_country_at_a_point():
    assert geometry.country_at(56.28, 27.18) == "IRN"
    assert geometry.country_at(65.0, 15.0) is None  # the Arabian Sea
    assert geometry.distance_to_country(27.18, 56.28, "IRN") > 1000  # lat and lon swapped
    assert geometry.distance_to_country(56.28, 27.18, "NOWHERE") is None
    assert math.isclose(geometry.distance_km((0, 0), (1, 0)), 111.2, abs_tol=0.1)

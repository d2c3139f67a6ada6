"""One great-circle function (routes.geometry.great_circles) with one vertex spacing: the map, the PNG/SVG,
exports, `fmt --rebuild-geometry` and import-sipri draw the same leg through the same vertices."""

from __future__ import annotations

import pytest

from conftest import make_collection, make_route
from routes import geometry
from routes.dataset import Dataset
from routes.gazetteer import Gazetteer, Place
from routes.render import image, lines
from routes.render.image import _prepare
from routes.weapons import Taxonomy

PLACES = [Place("fx-pyongyang", "Pyongyang", "PRK", "city", 125.7625, 39.0392),
          Place("fx-bandar-abbas", "Bandar Abbas", "IRN", "port", 56.28, 27.18),
          Place("fx-gaza", "Gaza", "PSE", "city", 34.4667, 31.5),
          Place("fx-kamchatka", "Kamchatka", "RUS", "city", 158.65, 53.02),
          Place("fx-anchorage", "Anchorage", "USA", "city", -149.9, 61.22)]


def dataset(*waypoint_lists) -> Dataset:
    routes = []
    for n, waypoints in enumerate(waypoint_lists):
        route = make_route(f"fx-{n}", waypoints=waypoints, legs=[{"mode": "air"} for _ in waypoints[1:]])
        route["geometry"] = None  # drawn as great circles between the waypoints
        routes.append(route)
    collection = make_collection(routes)
    return Dataset(routes, collection["sources"], Taxonomy(collection["weapons"]), Gazetteer(PLACES))


def map_vertices(data: Dataset, monkeypatch) -> list[list[list[float]]]:
    """The vertices the map payload carries for each leg of the first route, before any simplification."""
    monkeypatch.setattr(lines, "SIMPLIFY_DEG", 0.0)
    drawn, _ = lines.route_legs(data)
    return lines.decode([leg.coords for leg in drawn[0]])


def image_vertices(data: Dataset) -> list[list[list[float]]]:
    """The vertices the PNG/SVG draws for each leg of the first route (its pieces joined)."""
    drawn = _prepare(data)[0]
    stops = [(data.places.get(w).lon, data.places.get(w).lat) for w in data.routes[0]["properties"]["waypoints"]]
    legs = []
    spans, _ = image._legs(drawn.lines, stops)
    for _, pieces, _ in spans:
        leg: list[list[float]] = []
        for piece in pieces:
            for x, y in piece:
                point = [round(x, 4), round(y, 4)]
                if not leg or leg[-1] != point:
                    leg.append(point)
        legs.append(leg)
    return legs


def on_antimeridian(point) -> bool:
    return abs(point[0]) % 360 == 180


@pytest.mark.parametrize("waypoints", [
    ("fx-pyongyang", "fx-bandar-abbas", "fx-gaza"),   # 5,900 km and 2,300 km
    ("fx-kamchatka", "fx-anchorage"),                 # across the antimeridian
])
def test_the_map_and_the_image_draw_a_leg_through_the_same_vertices(monkeypatch, waypoints):
    data = dataset(waypoints)
    on_map, in_image = map_vertices(data, monkeypatch), image_vertices(data)
    assert len(on_map) == len(waypoints) - 1
    # (where a line is cut at ±180° the image adds the point it crosses at, on the line between two vertices)
    assert [[p for p in leg if not on_antimeridian(p) or p in shown] for leg, shown in zip(in_image, on_map)] == on_map
    # and both are the arcs of the one function, with its spacing
    places = {p.id: p for p in PLACES}
    for leg, (a, b) in zip(on_map, zip(waypoints, waypoints[1:])):
        arc = geometry.great_circle((places[a].lon, places[a].lat), (places[b].lon, places[b].lat))
        assert leg == geometry.unwrap(arc, leg[0][0])
        km = geometry.distance_km(arc[0], arc[-1])
        assert len(arc) - 1 == int(km / geometry.ARC_STEP_KM)


def test_exports_and_rebuilt_geometry_use_the_same_vertices():
    from routes.export import built_geometry

    data = dataset(("fx-pyongyang", "fx-bandar-abbas", "fx-gaza"))
    route = data.routes[0]
    exported = built_geometry(route, data.places)["coordinates"]
    rebuilt = geometry.build_route(route, data.places).geometry["coordinates"]
    drawn = [point for n, leg in enumerate(image_vertices(data)) for point in (leg if n == 0 else leg[1:])]
    assert exported == rebuilt == drawn


def test_import_sipri_draws_a_deal_with_the_same_arc():
    from routes import sipri

    a, b = (125.7625, 39.0392), (56.28, 27.18)
    assert sipri._line(a, b)["coordinates"] == geometry.great_circle(a, b)


def test_one_function_computes_many_arcs_as_it_computes_one():
    pairs = [((125.7625, 39.0392), (56.28, 27.18)), ((0.0, 0.0), (0.0, 0.0)), ((10.0, 10.0), (10.5, 10.0)),
             ((158.65, 53.02), (-149.9, 61.22)), ((0.0, 0.0), (180.0, 0.0))]
    vertices, counts = geometry.great_circles(pairs)
    assert counts.sum() == len(vertices)
    start = 0
    for (a, b), count in zip(pairs, counts.tolist()):
        arc = vertices[start:start + count].tolist()
        assert arc == geometry.great_circle(a, b)
        assert arc[0] == list(a) and arc[-1] == list(b)  # the ends exactly, never rounded
        start += count
    assert geometry.great_circle((0.0, 0.0), (0.0, 0.0)) == [[0.0, 0.0], [0.0, 0.0]]

"""The interactive map page as a file: what it carries, that it is deterministic, safe and fast enough.

What a reader sees in a browser is tested in test_browser_render.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time

import pytest

from conftest import make_collection, make_route
from routes import model, style
from routes.dataset import Dataset, load_dataset
from routes.errors import NoRoutesMatch, RoutesError, UsageError
from routes.gazetteer import Gazetteer, Place
from routes.render import render_map
from routes.render.html import LEAFLET_INTEGRITY, LEAFLET_VERSION, _leaflet_dir
from routes.render.lines import decode
from routes.render.payload import build_payload, join_cards, routes_of
from routes.select import Filters
from routes.weapons import Taxonomy

HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)"> {{ 7*7 }} {% raw %} </script> \u2028'


def drawn(route: dict, geometry=None) -> dict:
    """The route with another geometry (None: built from the waypoints as great-circle legs)."""
    route["geometry"] = geometry
    return route


def dataset_of(routes, sources=None, extra_places=()) -> Dataset:
    """A dataset built in memory, not validated: the renderer must stay safe even then."""
    collection = make_collection(routes, sources)
    places = Gazetteer(Place.from_feature(f) for f in collection["places"]).extend(extra_places)
    return Dataset(collection["features"], collection["sources"], Taxonomy(collection["weapons"]), places)


def payload_of(page: str) -> dict:
    """The page's payload: the map data, joined with the card data that travels in a block of its own."""
    blocks = re.findall(r'<script type="application/json" id="arms-routes-data-([0-9a-f]+)">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    [(digest, data)] = blocks
    cards = re.findall(rf'<script type="application/json" id="arms-routes-cards-{digest}">(.*?)</script>', page, re.S)
    assert len(cards) == 1
    assert page.index(f'id="arms-routes-cards-{digest}"') > page.index("window.armsRoutesDraw(")  # after the draw call
    return join_cards(json.loads(data), json.loads(cards[0]))


def render(tmp_path, dataset, name="map.html", **options) -> str:
    path = render_map(dataset, tmp_path / name, **options)
    assert path == tmp_path / name
    return path.read_text(encoding="utf-8")


def test_writes_one_page_with_title_data_and_script(tmp_path):
    page = render(tmp_path, dataset_of([make_route("fx-a"), make_route("fx-b", status="confirmed")]),
                  filters=Filters(weapons=("FX-7",)))
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Alleged arms-transfer routes — weapon Fixture RPG (2 routes)</title>" in page
    assert "window.armsRoutesDraw(" in page
    payload = payload_of(page)
    assert [r["id"] for r in routes_of(payload)] == ["fx-a", "fx-b"]
    assert payload["filter"] == "weapon Fixture RPG"
    assert payload["categories"] == [{"id": "anti-tank", "label": "Anti-tank weapons",
                                      "colour": style.category_colour("anti-tank"), "count": 2}]
    assert {s["id"]: s["dash"] for s in payload["statuses"]} == {
        s: style.status_dash(s) or "" for s in ("confirmed", "corroborated", "reported", "alleged")}


def test_title_option_replaces_the_default(tmp_path):
    page = render(tmp_path, dataset_of([make_route()]), title="Gaza rockets, 2014")
    assert "<title>Gaza rockets, 2014</title>" in page
    assert payload_of(page)["title"] == "Gaza rockets, 2014"


def test_the_same_input_gives_the_same_bytes_in_any_folder(tmp_path):
    routes = [make_route("fx-a"), drawn(make_route("fx-b", waypoints=("fx-damascus", "fx-beirut")))]
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    first = render(tmp_path / "one", dataset_of(routes), offline=True)
    second = render(tmp_path / "two", dataset_of(routes), offline=True)
    assert first == second
    online = render(tmp_path, dataset_of(routes))
    assert online == render(tmp_path, dataset_of(routes), name="again.html")
    # folium gives every element a random uuid unless told otherwise; none may leak into the page
    assert not re.search(r"[0-9a-f]{32}", online)
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}", online)


def test_different_data_gives_a_different_map_id(tmp_path):
    a = render(tmp_path, dataset_of([make_route("fx-a")]), name="a.html")
    b = render(tmp_path, dataset_of([make_route("fx-b")]), name="b.html")
    id_a = re.search(r'id="(map_arms_routes_[0-9a-f]+)"', a).group(1)
    id_b = re.search(r'id="(map_arms_routes_[0-9a-f]+)"', b).group(1)
    assert id_a != id_b


@pytest.mark.parametrize("name", ["map.pdf", "map.htm", "map"])
def test_other_suffixes_are_refused_and_nothing_is_written(tmp_path, name):
    with pytest.raises(UsageError, match=r"ending in \.html \(an interactive map\), \.png or \.svg"):
        render_map(dataset_of([make_route()]), tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_no_routes_writes_nothing(tmp_path):
    with pytest.raises(NoRoutesMatch, match="no routes to draw for weapon Fixture Rocket"):
        render_map(dataset_of([]), tmp_path / "map.html", filters=Filters(weapons=("FX-122",)))
    assert list(tmp_path.iterdir()) == []


def test_route_without_places_is_an_error_naming_it(tmp_path):
    route = drawn(make_route("fx-lost", waypoints=("fx-nampo", "nowhere")))
    with pytest.raises(RoutesError, match="nowhere") as raised:
        render_map(dataset_of([route]), tmp_path / "map.html")
    assert raised.value.route_id == "fx-lost"
    assert not (tmp_path / "map.html").exists()


def test_card_data_has_every_evidence_field_and_sources_once():
    evidence = [
        {"source": "fx-news", "claim": "Seen at the port.", "quote": "They were seen.", "stance": "supports",
         "credibility": 2, "said_by": "A harbour official", "legs": [1]},
        {"source": "fx-analysis", "claim": "Denied.", "stance": "disputes", "credibility": 4},
    ]
    payload = build_payload(dataset_of([make_route("fx-a", evidence=evidence), make_route("fx-b")]))
    route = routes_of(payload)[0]
    assert route["disputed"] is True and "disputed" not in routes_of(payload)[1]
    assert route["weapons"] == ["fx-rpg"]
    assert payload["weapons"]["fx-rpg"] == {"name": "Fixture RPG", "aliases": ["FX-7", "Fixture Rocket Grenade"],
                                            "category": "anti-tank"}
    assert route["path"] == ["Fixture Nampo", "Fixture Bandar Abbas", "Fixture Port Sudan"]
    assert route["independent"] == 1
    assert route["period"] == "2009–2014"
    first, second = route["evidence"]
    # "supports" and a grade the script works out (reliability B + credibility 2) are left out
    assert first == {"source": "fx-news", "claim": "Seen at the port.", "quote": "They were seen.",
                     "said_by": "A harbour official", "credibility": 2, "legs": [1]}
    # a disputing item says how, in words (`model.dispute_text`): here neither who nor how is given
    assert second == {"source": "fx-analysis", "claim": "Denied.", "stance": "disputes", "credibility": 4,
                      "dispute": "disputed"}
    assert payload["sources"]["fx-analysis"]["reliability"] == "C"  # so the card shows C4
    assert set(payload["sources"]) == {"fx-news", "fx-analysis"}  # shared by id, not repeated per route
    assert payload["sources"]["fx-news"]["url"] == "https://example.org/report"
    assert payload["sources"]["fx-analysis"]["url"] is None


def test_leg_with_its_own_status_is_drawn_with_it():
    legs = [{"mode": "sea", "status": "confirmed"}, {"mode": "sea"}]
    route = routes_of(build_payload(dataset_of([make_route(legs=legs)])))[0]
    assert route["status"] == "reported"
    assert [leg.get("status", route["status"]) for leg in route["legs"]] == ["confirmed", "reported"]
    assert "status" not in route["legs"][1]  # the route's own status is not repeated
    # the drawn line is cut at the middle waypoint (Bandar Abbas)
    first, second = decode([leg["coords"] for leg in route["legs"]])
    assert first[-1] == second[0] == [56.28, 27.18]


def test_lines_are_delta_encoded_integers():
    route = routes_of(build_payload(dataset_of([make_route(waypoints=("fx-damascus", "fx-beirut"))])))[0]
    assert route["legs"][0]["coords"] == [362913, 335138, 355018 - 362913, 338938 - 335138]
    assert decode([route["legs"][0]["coords"]]) == [[[36.2913, 33.5138], [35.5018, 33.8938]]]
    # a later leg starts from where the one before ended: its first step is 0, 0
    legs = routes_of(build_payload(dataset_of([make_route()])))[0]["legs"]
    assert [leg["coords"][:2] for leg in legs] == [[1253950, 387300], [0, 0]]
    assert decode([leg["coords"] for leg in legs]) == [[[125.395, 38.73], [56.28, 27.18]],
                                                       [[56.28, 27.18], [37.2164, 19.6158]]]


def test_a_repeated_evidence_text_travels_once(tmp_path):
    evidence = [{"source": "fx-news", "claim": "One long claim that two routes cite.", "quote": "The same quote.",
                 "said_by": "A harbour official", "stance": "supports", "credibility": 2}]
    routes = [make_route("fx-a", evidence=evidence), make_route("fx-b", evidence=evidence), make_route("fx-c")]
    page = render(tmp_path, dataset_of(routes))
    for text in ("One long claim that two routes cite.", "The same quote.", "A harbour official"):
        assert page.count(text) == 1
    payload = payload_of(page)
    assert payload["texts"] == ["One long claim that two routes cite.", "The same quote.", "A harbour official"]
    a, b, c = routes_of(payload)
    assert a["evidence"] == b["evidence"] == [{"source": "fx-news", "claim": "One long claim that two routes cite.",
                                               "quote": "The same quote.", "said_by": "A harbour official",
                                               "credibility": 2}]
    assert c["evidence"][0]["claim"] == "A fixture claim."  # said once: stays in its route


def test_routes_travel_as_rows_in_field_order():
    payload = build_payload(dataset_of([make_route("fx-a")]))
    [row] = payload["routes"]
    assert payload["route_fields"][:5] == ["id", "name", "kind", "category", "status"]
    # category and status by their position in the category boxes' and the legend's lists
    assert isinstance(row, list) and row[:5] == ["fx-a", "Route fx-a", "arms", 0, 2]
    assert payload["categories"][0]["id"] == "anti-tank" and payload["statuses"][2]["id"] == "reported"
    assert routes_of(payload)[0]["category"] == "anti-tank" and routes_of(payload)[0]["status"] == "reported"
    assert row[-1] is not None  # trailing empty fields are dropped


def test_a_grade_the_script_cannot_work_out_is_carried():
    """Unvalidated data with an out-of-range credibility: the card still shows the grade the model gives."""
    route = make_route(evidence=[{"source": "fx-news", "claim": "x", "stance": "supports", "credibility": 9}])
    [item] = routes_of(build_payload(dataset_of([route])))[0]["evidence"]
    assert item["grade"] == "B9" and "credibility" not in item


def test_many_routes_are_simplified_more():
    """A schematic line: the more routes, the coarser (but never past the cap); ends stay exact."""
    from routes.render import lines

    places = [Place("fx-far", "Far", "XXX", "city", 150.0, -30.0)]
    one = drawn(make_route("fx-long", waypoints=("fx-nampo", "fx-far")))
    few = routes_of(build_payload(dataset_of([one], extra_places=places)))[0]["legs"][0]["coords"]
    many_routes = [drawn(make_route(f"fx-r{i}", waypoints=("fx-nampo", "fx-far"))) for i in range(4000)]
    many = routes_of(build_payload(dataset_of(many_routes, extra_places=places)))[0]["legs"][0]["coords"]
    assert len(many) < len(few)
    [many], [few] = decode([many]), decode([few])
    assert many[0] == few[0] == [125.395, 38.73] and many[-1] == [150.0, -30.0]
    assert lines.SIMPLIFY_DEG < lines.SIMPLIFY_MAX_DEG <= 0.1


def test_route_without_geometry_gets_great_circle_legs():
    route = routes_of(build_payload(dataset_of([drawn(make_route())])))[0]
    assert len(route["legs"]) == 2
    first = decode([route["legs"][0]["coords"]])[0]
    assert first[0] == [125.395, 38.73] and first[-1] == [56.28, 27.18]
    assert len(first) > 2  # an arc, not a straight chord


def test_routes_sharing_a_leg_are_offset_to_either_side():
    routes = [make_route("fx-a"), make_route("fx-b"),
              make_route("fx-back", waypoints=("fx-port-sudan", "fx-bandar-abbas")),
              make_route("fx-alone", waypoints=("fx-damascus", "fx-beirut"))]
    by_id = {r["id"]: r for r in routes_of(build_payload(dataset_of(routes)))}
    a, b = by_id["fx-a"]["legs"], by_id["fx-b"]["legs"]
    assert a[0]["offset"] == -b[0]["offset"] != 0  # the Nampo - Bandar Abbas leg, shared by two
    # three routes on Bandar Abbas - Port Sudan, one going the other way: three different sides
    # (an offset of 0, the middle of the bundle, is left out of the data)
    shared = {a[1].get("offset", 0), b[1].get("offset", 0), -by_id["fx-back"]["legs"][0].get("offset", 0)}
    assert len(shared) == 3
    assert "offset" not in by_id["fx-alone"]["legs"][0]


ANTIMERIDIAN = [Place("fx-fiji", "Fixture Suva", "FJI", "port", 178.44, -18.14),
                Place("fx-samoa", "Fixture Apia", "WSM", "port", -171.76, -13.83)]


def test_route_across_the_antimeridian_does_not_streak_across_the_map():
    routes = [drawn(make_route("fx-pacific", waypoints=("fx-fiji", "fx-samoa"))),
              # a geometry already cut at ±180° (as `arms-routes fmt` writes it) is joined again
              drawn(make_route("fx-cut", waypoints=("fx-fiji", "fx-samoa")),
                    {"type": "MultiLineString", "coordinates": [
                        [[178.44, -18.14], [180.0, -17.0]], [[-180.0, -17.0], [-171.76, -13.83]]]})]
    payload = build_payload(dataset_of(routes, extra_places=ANTIMERIDIAN))
    for route in routes_of(payload):
        lons = [c[0] for line in decode([leg["coords"] for leg in route["legs"]]) for c in line]
        assert all(abs(b - a) < 10 for a, b in zip(lons, lons[1:])), route["id"]
        assert lons[0] == 178.44 and lons[-1] == pytest.approx(-171.76 + 360)
    assert len(routes_of(payload)[1]["legs"]) == 1


def test_interdictions_and_waypoint_roles():
    routes = [make_route("fx-a", interdicted={"place": "fx-port-sudan", "date": "2009-12", "note": "Seized."}),
              make_route("fx-b", waypoints=("fx-bandar-abbas", "fx-damascus"))]
    payload = build_payload(dataset_of(routes))
    markers = [dict(zip(payload["waypoint_fields"], row)) for row in payload["waypoints"]]
    roles = {w["label"]: w["roles"] for w in markers}
    assert roles == {"Fixture Nampo": ["origin"], "Fixture Bandar Abbas": ["origin", "transit"],
                     "Fixture Port Sudan": ["destination"], "Fixture Damascus": ["destination"]}
    assert {w["drawn_as"] for w in markers} == {"site"}
    [stop] = payload["interdictions"]
    assert stop["place"] == "Fixture Port Sudan" and stop["drawn_as"] == "site"
    assert stop["stops"] == [{"route": "fx-a", "name": "Route fx-a", "date": "2009-12", "note": "Seized."}]


def test_hostile_text_cannot_leave_the_data_block(tmp_path):
    sources = {"fx-news": {"title": HOSTILE, "publisher": HOSTILE, "url": "javascript:alert(3)",
                           "reliability": "B", "kind": "news"}}
    evil = Place("fx-evil", HOSTILE, "PSE", "city", 34.4, 31.5)
    route = drawn(make_route("fx-evil-route", waypoints=("fx-nampo", "fx-evil"), name=HOSTILE,
                       supplier=HOSTILE, notes=HOSTILE,
                       evidence=[{"source": "fx-news", "claim": HOSTILE, "quote": HOSTILE, "stance": "supports",
                                  "credibility": 3}]))
    page = render(tmp_path, dataset_of([route], sources, [evil]), title=HOSTILE, offline=True)
    blocks = re.findall(r'<script type="application/json" id="[^"]+">(.*?)</script>', page, re.S)
    assert len(blocks) == 2  # the map data and the card data
    outside = page
    for data in blocks:
        assert "<" not in data and ">" not in data and "\u2028" not in data
        outside = outside.replace(data, "")
    assert outside.count("<script>alert(1)") == 0 and "onerror=\"alert" not in outside
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;" in page
    payload = payload_of(page)
    assert payload["title"] == HOSTILE  # nothing lost: the text arrives whole, as text
    assert routes_of(payload)[0]["evidence"][0]["claim"] == HOSTILE
    assert routes_of(payload)[0]["path"] == ["Fixture Nampo", HOSTILE]
    source = payload["sources"]["fx-news"]
    assert source["url"] is None and source["url_text"] == "javascript:alert(3)"
    assert "7*7" in routes_of(payload)[0]["name"]  # not evaluated as a template


def test_offline_page_needs_no_network(tmp_path):
    page = render(tmp_path, dataset_of([make_route()]), offline=True)
    assert not re.search(r"""<(script|link|img|iframe)[^>]*(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "url(images/" not in page
    assert "L.tileLayer" not in page
    assert "Leaflet 1.9.4" in page  # inlined


def test_online_page_loads_leaflet_with_integrity_and_draws_tiles(tmp_path):
    page = render(tmp_path, dataset_of([make_route()]))
    assert re.search(r'<script src="https://unpkg.com/leaflet@1.9.4/dist/leaflet.js" integrity="sha256-', page)
    assert "tile.openstreetmap.org" in page
    assert "jquery" not in page.lower() and "bootstrap" not in page.lower()
    assert "L.tileLayer" not in render(tmp_path, dataset_of([make_route()]), name="plain.html", tiles="none")


def test_the_cdn_integrity_is_that_of_the_bundled_leaflet():
    folder = _leaflet_dir()
    assert "Leaflet " + LEAFLET_VERSION in (folder / "leaflet.js").read_text(encoding="utf-8")[:200]
    for name, integrity in LEAFLET_INTEGRITY.items():
        digest = base64.b64encode(hashlib.sha256((folder / name).read_bytes()).digest()).decode("ascii")
        assert integrity == f"sha256-{digest}"


def test_unknown_tile_set_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="unknown tile set 'OpenStreetMapp'; choose one of osm, carto-light, "
                                         "carto-dark, topo, satellite, none; did you mean: osm"):
        render_map(dataset_of([make_route()]), tmp_path / "map.html", tiles="OpenStreetMapp")
    assert not (tmp_path / "map.html").exists()


def test_validated_dataset_from_file(tmp_path, write_dataset):
    dataset = load_dataset([write_dataset(make_collection([make_route("fx-a"), make_route("fx-b")]))])
    payload = payload_of(render(tmp_path, dataset))
    assert len(routes_of(payload)) == 2
    assert payload["credit"].startswith("Data: routes.geojson · made with arms-routes ")


def test_many_routes_are_one_payload_not_one_object_each(tmp_path):
    places = [Place(f"fx-p{i}", f"Place {i}", "XXX", "city", -170 + i * 1.7, -50 + (i * 7) % 100) for i in range(200)]
    statuses = ("alleged", "reported", "corroborated", "confirmed")
    routes = [drawn(make_route(f"fx-r{i}", waypoints=(f"fx-p{i % 200}", f"fx-p{(i * 7 + 1) % 200}",
                                                      f"fx-p{(i * 13 + 5) % 200}"), status=statuses[i % 4]))
              for i in range(2000)]
    dataset = dataset_of(routes, extra_places=places)
    started = time.perf_counter()
    page = render(tmp_path, dataset, offline=True)
    elapsed = time.perf_counter() - started
    assert len(routes_of(payload_of(page))) == 2000
    assert "L.polyline(" not in page and "L.geoJson(" not in page
    assert elapsed < 20, f"2,000 routes took {elapsed:.1f} s"


# -- honest uncertainty in the payload -------------------------------------------------------------

STAND_IN = {"place": "fx-bandar-abbas", "stand_in": True, "stands_for": "Iran", "precision": "country"}


def through(route: dict, waypoints: list) -> dict:
    """The route through these waypoints (ids or objects), drawn as great-circle legs."""
    route["properties"]["waypoints"] = waypoints
    route["geometry"] = None
    return route


def markers_of(payload: dict) -> list[dict]:
    return [dict(zip(payload["waypoint_fields"], row)) for row in payload["waypoints"]]


def test_a_place_that_is_a_stand_in_on_one_route_and_exact_on_another_gets_both_markers():
    routes = [through(make_route("fx-a"), ["fx-nampo", STAND_IN, "fx-port-sudan"]),
              through(make_route("fx-b"), ["fx-bandar-abbas", "fx-damascus"]),
              through(make_route("fx-c"), [STAND_IN, "fx-beirut"])]
    payload = build_payload(dataset_of(routes))
    at_bandar_abbas = [m for m in markers_of(payload) if m["lon"] == 56.28]
    assert [(m["label"], m["drawn_as"], m["roles"], m["routes"]) for m in at_bandar_abbas] == [
        ("≈ Iran", "stand-in", ["origin", "transit"], 2), ("Fixture Bandar Abbas", "site", ["origin"], 1)]
    assert at_bandar_abbas[0]["describe"] == \
        "stand-in for Iran: the sources name only the country (drawn at Fixture Bandar Abbas)"
    assert "describe" not in at_bandar_abbas[1]  # an exact place needs no words
    a, b, c = routes_of(payload)
    assert a["path"] == ["Fixture Nampo", "≈ Iran", "Fixture Port Sudan"]  # what the card and tooltip say
    assert b["path"][0] == "Fixture Bandar Abbas"
    assert ["≈ Iran", "stand-in for Iran: the sources name only the country (drawn at Fixture Bandar Abbas)"] \
        in payload["places"]


def test_an_area_is_a_ring_and_an_interdiction_at_a_stand_in_says_so():
    region = Place("fx-region", "Fixture Strip", "PSE", "region", 34.4, 31.4)
    stop = {"place": "fx-port-sudan", "stand_in": True, "stands_for": "Sudan", "precision": "country",
            "date": "2016", "note": "Seized."}
    route = through(make_route("fx-a", interdicted=stop, intended_waypoints=["fx-region"]),
                    ["fx-nampo", "fx-region"])
    payload = build_payload(dataset_of([route], extra_places=[region]))
    [area] = [m for m in markers_of(payload) if m["label"] == "Fixture Strip"]
    assert area["drawn_as"] == "area" and "representative point" in area["describe"]
    [marker] = payload["interdictions"]
    assert marker["place"] == "≈ Sudan" and marker["drawn_as"] == "stand-in"
    assert marker["describe"].startswith("stand-in for Sudan: the sources name only the country")
    [card] = routes_of(payload)
    assert card["interdicted"] == {"place": "≈ Sudan", "describe": marker["describe"], "date": "2016", "note": "Seized."}
    assert card["intended"] == ["Fixture Strip"]


def test_each_leg_carries_its_path_and_the_card_its_mode_and_note():
    legs = [{"mode": "unknown", "note": "Nobody says how."}, {"mode": "sea"}, {"mode": "land", "path": "documented"}]
    route = through(make_route("fx-a", legs=legs), ["fx-nampo", "fx-bandar-abbas", "fx-damascus", "fx-beirut"])
    payload = build_payload(dataset_of([route]))
    [row] = payload["routes"]
    # rows, not objects: a leg is [coords, path, ...], its path left out where plausible
    drawn_legs = row[payload["route_fields"].index("legs")]
    assert all(isinstance(leg, list) for leg in drawn_legs)
    assert [leg[1] if len(leg) > 1 else None for leg in drawn_legs] == [2, None, 0]
    [route] = routes_of(payload)
    assert [leg["path"] for leg in route["legs"]] == ["schematic", "plausible", "documented"]
    assert route["leg_info"] == [{"mode": "unknown", "path": "schematic", "note": "Nobody says how."},
                                 {"mode": "sea", "path": "plausible"}, {"mode": "land", "path": "documented"}]
    assert {p["id"]: p["routes"] for p in payload["paths"]} == {"documented": 1, "plausible": 1, "schematic": 1}
    assert payload["paths"][2] == {"id": "schematic", "label": model.PATH_LABELS["schematic"],
                                   "opacity": style.PATH_OPACITY["schematic"],
                                   "extra": style.PATH_EXTRA_WIDTH["schematic"],
                                   "halo": style.halo_opacity("schematic"), "routes": 1}
    # the disputed halo fades with its leg: a schematic line's is fainter than a plausible one's
    assert style.halo_opacity("schematic") < style.halo_opacity("plausible") <= style.halo_opacity("documented")


def test_a_line_that_cannot_be_cut_into_legs_is_drawn_with_the_weakest_path_of_its_legs():
    # two parts with a gap between them: the line cannot be cut at the waypoints
    gap = {"type": "MultiLineString", "coordinates": [[[125.395, 38.73], [90.0, 30.0]], [[80.0, 29.0], [37.2164, 19.6158]]]}
    route = drawn(make_route("fx-a", legs=[{"mode": "sea"}, {"mode": "unknown"}]), gap)
    [route] = routes_of(build_payload(dataset_of([route])))
    assert len(route["legs"]) == 2  # the two parts as drawn, not the route's legs
    assert [leg["path"] for leg in route["legs"]] == ["schematic", "schematic"]
    assert [leg["path"] for leg in route["leg_info"]] == ["plausible", "schematic"]  # the card still tells each leg
    # and with the weakest status of its legs: a reported route with an alleged leg is drawn alleged throughout
    weak = drawn(make_route("fx-b", status="reported", legs=[{"mode": "sea"}, {"mode": "sea", "status": "alleged"}]), gap)
    [weak] = routes_of(build_payload(dataset_of([weak])))
    assert [leg.get("status", weak["status"]) for leg in weak["legs"]] == ["alleged", "alleged"]


def test_category_boxes_hold_every_category_of_a_route_and_colour_follows_the_filter():
    routes = [make_route("fx-both", weapons=["fx-rocket", "fx-rpg"]), make_route("fx-rpg", weapons=["fx-rpg"]),
              make_route("fx-pay", kind="payment", weapons=[]), make_route("fx-train", kind="training",
                                                                        weapons=["fx-rocket"])]
    payload = build_payload(dataset_of(routes))
    assert [(c["id"], c["count"]) for c in payload["categories"]] == [
        ("anti-tank", 2), ("artillery-rockets", 2), (None, 1)]
    assert payload["categories"][-1]["label"] == "No weapon system listed"
    by_id = {r["id"]: r for r in routes_of(payload)}
    assert by_id["fx-both"]["category"] == "artillery-rockets"  # its first weapon system
    assert by_id["fx-both"]["boxes"] == ["artillery-rockets", "anti-tank"]
    assert by_id["fx-rpg"]["boxes"] == ["anti-tank"]
    assert "category" not in by_id["fx-pay"] and by_id["fx-pay"]["boxes"] == [None]  # coloured by what moved
    assert "category" not in by_id["fx-train"] and by_id["fx-train"]["boxes"] == ["artillery-rockets"]
    assert [(k["id"], k["colour"], k["label"]) for k in payload["kinds"]] == [
        ("payment", style.KIND_COLOURS["payment"], style.KIND_LABELS["payment"]),
        ("training", style.KIND_COLOURS["training"], style.KIND_LABELS["training"])]
    for filters in (Filters(weapons=("FX-7",)), Filters(categories=("anti-tank",))):
        matched = {r["id"]: r for r in routes_of(build_payload(dataset_of(routes[:2]), filters=filters))}
        assert matched["fx-both"]["category"] == "anti-tank", filters


def test_statuses_say_what_the_cards_count_shows():
    """The legend's status words (style.STATUS_LABELS) never speak of "one source" beside a card that
    counts several independent ones."""
    payload = build_payload(dataset_of([make_route()]))
    assert {s["id"]: s["label"] for s in payload["statuses"]} == style.STATUS_LABELS
    assert "one credible underlying source" not in json.dumps(payload["statuses"])


def test_arrowheads_are_filled_only_for_a_reported_delivery():
    routes = [make_route("fx-delivered", outcome="delivered"), make_route("fx-attempted", outcome="attempted"),
              make_route("fx-unknown")]
    payload = build_payload(dataset_of(routes))
    assert [r.get("filled", False) for r in routes_of(payload)] == [True, False, False]
    assert [(a["filled"], a["label"], a["routes"]) for a in payload["arrows"]] == [
        (True, style.ARROW_FILLED_LABEL, 1), (False, style.ARROW_HOLLOW_LABEL, 2)]


def test_the_title_data_counts_routes_of_unknown_date_a_time_filter_let_through():
    routes = [make_route("fx-a"), make_route("fx-open", period={"start": 2008, "end": None}),
              make_route("fx-c", period={"start": {"year": 1999, "approximate": True}, "end": 2004})]
    dataset = dataset_of(routes)
    assert build_payload(dataset)["undated"] == 0
    payload = build_payload(dataset, filters=Filters(since=2010))
    assert payload["undated"] == 1
    # the filters given select the routes drawn, not only the words of the title
    assert [r["id"] for r in routes_of(payload)] == ["fx-a", "fx-open"]
    assert routes_of(build_payload(dataset))[2]["period"] == "c. 1999–2004"


def test_evidence_rows_carry_weapons_dispute_kinds_and_notes_and_sources_their_caveats():
    sources = {"fx-news": {"title": "News", "reliability": "B", "kind": "news", "note": "Display date only."}}
    evidence = [{"source": "fx-news", "claim": "RPGs seen.", "stance": "supports", "credibility": 3,
                 "weapons": ["fx-rpg"], "note": "Only RPGs."},
                {"source": "fx-news", "claim": "Denied.", "stance": "disputes", "credibility": 4,
                 "dispute": "denial", "said_by": "North Korea"},
                {"source": "fx-news", "claim": "Unconfirmed.", "stance": "disputes", "credibility": 4,
                 "dispute": "non-confirmation", "said_by": "John Kirby"}]
    payload = build_payload(dataset_of([make_route(weapons=["fx-rocket", "fx-rpg"], evidence=evidence)], sources))
    first, denial, doubt = routes_of(payload)[0]["evidence"]
    assert first["weapons"] == ["fx-rpg"] and first["note"] == "Only RPGs."
    assert denial["dispute"] == "denied by North Korea" and doubt["dispute"] == "not confirmed by John Kirby"
    assert payload["sources"]["fx-news"]["note"] == "Display date only."


def test_card_data_travels_apart_and_joins_again():
    from routes.render.payload import split_cards

    legs = [{"mode": "unknown", "note": "A leg note."}, {"mode": "sea"}]
    payload = build_payload(dataset_of([make_route("fx-a", legs=legs), make_route("fx-b")]))
    main, cards = split_cards(payload)
    assert set(cards) == {"evidence", "leg_info", "texts"}
    assert "A leg note." not in json.dumps(main) and "A leg note." in json.dumps(cards)
    assert join_cards(main, cards) == payload


def test_the_filter_panel_tables_carry_the_rules_inputs_once():
    """payload.panel_tables: what the map's filter panel tests, by position in shared tables."""
    area = Place("fx-strip", "Fixture Strip", "PSE", "region", 34.4, 31.4, ("The Strip",))
    inside = Place("fx-town", "Fixture Town", "PSE", "city", 34.3, 31.3, within=("fx-strip",))
    stand_in = {"place": "fx-bandar-abbas", "stand_in": True, "stands_for": "Iran", "precision": "country"}
    routes = [
        make_route("fx-a", waypoints=("fx-nampo", "fx-town"), period={"start": {"year": 2009, "approximate": True},
                                                                      "end": 2014}),
        make_route("fx-b", waypoints=(stand_in, "fx-strip"), supplier="Iran", recipient="hamas", intermediaries=[],
                   period={"start": None, "end": None},
                   evidence=[{"source": "fx-analysis", "claim": "A claim.", "stance": "supports", "credibility": 2},
                             {"source": "fx-news", "claim": "Another.", "stance": "supports", "credibility": 3}]),
    ]
    panel = build_payload(dataset_of(routes, extra_places=[area, inside]))["panel"]
    assert panel["years"] == [[2009, 2014, 1], None]
    # one key per name as the CLI compares them (Hamas = hamas), a spelling of each from the data
    assert panel["actors"] == {"keys": ["northkorea", "hamas", "iran"], "names": ["North Korea", "Hamas", "Iran"]}
    assert panel["route_actors"] == [[0, 1, 2], [2, 1]]
    # a stand-in is not a place a route passes through; an area matches the places inside it
    assert [p[0] for p in panel["places"]] == ["fx-nampo", "fx-town", "fx-strip"]
    assert panel["route_places"] == [[0, 1], [2]]
    assert panel["places"][2] == ["fx-strip", "Fixture Strip", "PSE", ["The Strip"], [1, 2]]
    assert panel["sources"] == ["fx-news", "fx-analysis"] and panel["route_sources"] == [[0], [1, 0]]
    weapons = panel["weapons"]
    assert weapons["ids"] == ["fx-rpg", "fx-rocket"]
    assert weapons["keys"]["fx7"] == 0 and weapons["keys"]["fixturerocketgrenade"] == 0 and weapons["keys"]["fx122"] == 1
    assert panel["ranks"] == dict(model.STATUS_RANK) and panel["window"] == [None, None]
    assert build_payload(dataset_of(routes, extra_places=[area, inside]), filters=Filters(until=2020))["panel"]["window"] \
        == [None, 2020]

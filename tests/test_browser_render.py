"""Rendered maps in a real browser (headless Debian Chromium, network blocked): what a reader sees and clicks."""

from __future__ import annotations

import copy
import io
import json
import math
from pathlib import Path

import pytest

from cli import app
from conftest import COORDS, SOURCES, api_eval, make_collection, make_route, serve_leaflet
from routes import model, style
from routes.dataset import Dataset, load_dataset
from routes.gazetteer import Gazetteer, Place
from routes.render import render_map
from routes.render.payload import COLOUR_RULE
from routes.weapons import Taxonomy

pytestmark = pytest.mark.browser

EVIDENCE = [
    {"source": "fx-news", "claim": "Crates were unloaded at the port.", "quote": "The crates were unloaded.",
     "stance": "supports", "credibility": 2, "said_by": "A port official"},
    {"source": "fx-analysis", "claim": "The analysis finds no trace of the shipment.", "stance": "disputes",
     "credibility": 4},
]


def routes_fixture() -> list[dict]:
    return [
        make_route("fx-gaza", name="Nampo to Port Sudan", evidence=EVIDENCE,
                   legs=[{"mode": "sea", "status": "confirmed"}, {"mode": "sea"}],
                   interdicted={"place": "fx-port-sudan", "date": "2009-12", "note": "Seized by customs."}),
        make_route("fx-twin", name="Second route on the same corridor"),
        make_route("fx-lebanon", name="Bandar Abbas to Beirut", waypoints=["fx-bandar-abbas", "fx-damascus", "fx-beirut"],
                   weapons=["fx-rocket"], recipient="Hezbollah", status="alleged"),
    ]


@pytest.fixture
def map_file(tmp_path, write_dataset):
    """A validated fixture dataset rendered offline (Leaflet inlined, no tiles): no request needed."""
    dataset = load_dataset([write_dataset(make_collection(routes_fixture()))])
    return render_map(dataset, tmp_path / "map.html", offline=True)


def open_map(page, path: Path) -> None:
    page.goto(path.resolve().as_uri())
    page.wait_for_function("window.armsRoutes && Object.keys(window.armsRoutes).length === 1")


def visible_routes(page) -> list[str]:
    """Route ids drawn on the map, counted from Leaflet's own layers (paths carrying a route feature)."""
    return page.evaluate("""() => {
        const api = Object.values(window.armsRoutes)[0], ids = new Set();
        api.map.eachLayer(l => { if (l instanceof L.Path && l.feature && l.feature.properties.id) ids.add(l.feature.properties.id); });
        return [...ids].sort();
    }""")


def route_point(page, route_id: str) -> dict:
    """Where the drawn line of a route is on the page, after panning it to the middle of the map."""
    point = page.evaluate("""(id) => {
        const api = Object.values(window.armsRoutes)[0];
        let p = api.routePoint(id);
        api.map.setView(api.map.containerPointToLatLng([p.x, p.y]), api.map.getZoom(), {animate: false});
        p = api.routePoint(id);
        const box = api.map.getContainer().getBoundingClientRect();
        return {x: box.left + p.x, y: box.top + p.y};
    }""", route_id)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return point


def hover(page, point: dict) -> None:
    """Move the mouse onto a point; twice, because Leaflet's canvas looks at the mouse at most every 32 ms."""
    page.mouse.move(point["x"] - 30, point["y"] - 30)
    page.wait_for_timeout(60)
    page.mouse.move(point["x"], point["y"])
    page.wait_for_timeout(60)
    page.mouse.move(point["x"] + 0.5, point["y"])


def click_route(page, route_id: str) -> None:
    """A real mouse click on the drawn line of a route (after closing any open card); waits for its card."""
    page.evaluate("() => { Object.values(window.armsRoutes)[0].map.closePopup(); }")
    page.wait_for_selector(".leaflet-popup", state="detached")  # a closed card fades out for 200 ms
    point = route_point(page, route_id)
    page.mouse.click(point["x"], point["y"])
    page.wait_for_selector(".leaflet-popup .arms-routes-card")


def test_every_selected_route_is_drawn_once(page, map_file):
    open_map(page, map_file)
    assert visible_routes(page) == ["fx-gaza", "fx-lebanon", "fx-twin"]
    counts = page.evaluate("""() => {
        const api = Object.values(window.armsRoutes)[0];
        return {routes: Object.keys(api.routeLayers).length, categories: api.categories.map(c => c.id),
                mixed: api.routeLayers['fx-gaza'].options.looks.map(l => l.status),
                plain: api.routeLayers['fx-twin'] instanceof L.Polyline,
                canvas: api.routeLayers['fx-twin'].options.renderer instanceof L.Canvas,
                grouped: Object.values(api.routeLayers).every(l => api.routes.hasLayer(l)),
                visible: api.visibleRoutes()};
    }""")
    # one line per route, each leg in its own look (here the first leg has a status of its own)
    assert counts == {"routes": 3, "categories": ["anti-tank", "artillery-rockets"], "mixed": ["confirmed", "reported"],
                      "plain": True,
                      "canvas": True, "grouped": True, "visible": ["fx-gaza", "fx-twin", "fx-lebanon"]}
    assert page.errors == [] and page.blocked == [] and page.dialogs == []


def test_clicking_a_route_shows_its_evidence_and_sources(page, map_file):
    open_map(page, map_file)
    click_route(page, "fx-gaza")
    card = page.locator(".leaflet-popup .arms-routes-card")
    text = card.inner_text()
    for expected in ["Nampo to Port Sudan", "Fixture RPG · anti-tank", "also: FX-7, Fixture Rocket Grenade",
                     "North Korea", "Iran",
                     "Hamas", "2009–2014", "reported", "⚠ disputed", "Crates were unloaded at the port.",
                     "“The crates were unloaded.”", "A port official", "B2", "C4", "Fixture News Report",
                     "Fixture Daily", "2023-10-17", "Fixture Analysis", "A. Analyst", "Fixture Institute",
                     "1 independent supporting source", "Seized by customs."]:
        assert expected in text, expected
    link = card.locator("a")
    assert link.count() == 1  # only the source with a URL is a link
    assert link.get_attribute("href") == "https://example.org/report"
    assert link.get_attribute("rel") == "noopener noreferrer" and link.get_attribute("target") == "_blank"
    disputing = card.locator(".arms-routes-disputes")
    assert disputing.count() == 1 and "✗ disputed" in disputing.inner_text()  # (who and how: not given here)
    colours = page.evaluate("""() => [...document.querySelectorAll('.arms-routes-evidence')]
        .map(e => getComputedStyle(e).borderLeftColor)""")
    assert colours[0] != colours[1]  # a disputing item looks different at a glance
    assert page.errors == []


def test_routes_sharing_a_corridor_can_each_be_clicked(page, map_file):
    open_map(page, map_file)
    offsets = page.evaluate("""() => {
        const api = Object.values(window.armsRoutes)[0];
        return [api.routePoint('fx-gaza'), api.routePoint('fx-twin')];
    }""")
    assert abs(offsets[0]["x"] - offsets[1]["x"]) + abs(offsets[0]["y"] - offsets[1]["y"]) >= 4
    click_route(page, "fx-twin")
    assert "Second route on the same corridor" in page.locator(".leaflet-popup .arms-routes-card h3").inner_text()


def test_disputed_route_is_marked_in_its_tooltip_and_style(page, map_file):
    open_map(page, map_file)
    disputed = page.evaluate("""() => {
        const api = Object.values(window.armsRoutes)[0];
        const flags = id => { const l = api.routeLayers[id]; const lines = l.getLayers ? l.getLayers() : [l];
                              return lines.every(x => x.options.disputed === true); };
        return [flags('fx-gaza'), flags('fx-twin')];
    }""")
    assert disputed == [True, False]
    point = route_point(page, "fx-gaza")
    hover(page, point)
    tip = page.locator(".leaflet-tooltip .arms-routes-tip")
    tip.wait_for()
    assert "Nampo to Port Sudan" in tip.inner_text()
    assert tip.locator(".arms-routes-disputed-text").inner_text() == "⚠ disputed"


def test_legend_layer_control_scale_and_title(page, map_file):
    open_map(page, map_file)
    legend = page.locator(".arms-routes-legend").inner_text()
    for expected in ["confirmed", "corroborated", "reported", "alleged", "disputed", style.ARROW_HOLLOW_LABEL,
                     "origin", "transit", "destination", "shipment stopped"]:
        assert expected in legend
    assert style.ARROW_FILLED_LABEL not in legend  # no route of the fixture is reported delivered
    control = page.locator(".leaflet-control-layers").inner_text()
    for expected in ["Anti-tank weapons (2)", "Artillery and rockets (1)", "Waypoints", "Interdictions"]:
        assert expected in control
    assert page.locator(".leaflet-control-layers input[type=checkbox]").count() == 4  # two categories, two overlays
    assert COLOUR_RULE in control  # the colour rule stands beside the category boxes
    assert page.locator(".leaflet-control-scale").count() == 1
    title = page.locator(".arms-routes-title").inner_text()
    # (the title box's title counts nothing, its filter line counts what is shown; the page's title counts the routes)
    assert title.startswith("Alleged arms-transfer routes\n") and "Filter: all routes · 3 of 3 routes shown" in title
    assert "Data: routes.geojson" in title
    assert page.title() == "Alleged arms-transfer routes (3 routes)"


def test_the_view_is_fitted_to_the_routes(page, map_file):
    open_map(page, map_file)
    inside = page.evaluate("""() => {
        const api = Object.values(window.armsRoutes)[0], view = api.map.getBounds();
        return Object.values(api.routeLayers).every(l => view.contains(l.getBounds()));
    }""")
    assert inside
    assert page.evaluate("() => Object.values(window.armsRoutes)[0].map.getZoom()") >= 3


def test_toggling_a_category_hides_its_routes(page, map_file):
    open_map(page, map_file)
    label = page.locator(".leaflet-control-layers label", has_text="Artillery and rockets")
    label.locator("input").click()
    assert visible_routes(page) == ["fx-gaza", "fx-twin"]
    page.locator(".leaflet-control-layers label", has_text="Anti-tank weapons").locator("input").click()
    assert visible_routes(page) == []
    label.locator("input").click()
    assert visible_routes(page) == ["fx-lebanon"]
    assert page.errors == []


def test_waypoints_and_interdictions(page, map_file):
    open_map(page, map_file)
    markers = page.evaluate("""() => {
        const api = Object.values(window.armsRoutes)[0];
        return {waypoints: api.waypoints.getLayers().filter(l => l instanceof L.CircleMarker).length,
                stops: api.interdictions.getLayers().length,
                labels: [...document.querySelectorAll('.arms-routes-label')].map(e => e.textContent).sort()};
    }""")
    assert markers["waypoints"] == 5 and markers["stops"] == 1
    assert "Fixture Damascus" in markers["labels"]
    point = page.evaluate("""() => {
        const api = Object.values(window.armsRoutes)[0];
        const marker = api.waypoints.getLayers().find(l => l instanceof L.CircleMarker && l.getLatLng().lng > 125);
        const p = api.map.latLngToContainerPoint(marker.getLatLng()), box = api.map.getContainer().getBoundingClientRect();
        return {x: box.left + p.x, y: box.top + p.y};
    }""")
    hover(page, point)
    tip = page.locator(".leaflet-tooltip .arms-routes-tip").first
    tip.wait_for()
    assert "Fixture Nampo" in tip.inner_text() and "PRK · origin" in tip.inner_text()


def test_a_large_selection_is_drawn_and_counted(page, tmp_path):
    places = [Place(f"fx-p{i}", f"Place {i}", "XXX", "city", -170 + i * 1.7, -50 + (i * 7) % 100) for i in range(200)]
    routes = []
    for i in range(1500):
        route = make_route(f"fx-r{i}", waypoints=(f"fx-p{i % 200}", f"fx-p{(i * 7 + 1) % 200}"),
                           weapons=["fx-rpg" if i % 3 else "fx-rocket"])
        route["geometry"] = None
        routes.append(route)
    collection = make_collection(routes)
    dataset = Dataset(routes, collection["sources"], Taxonomy(collection["weapons"]),
                      Gazetteer(Place.from_feature(f) for f in collection["places"]).extend(places))
    open_map(page, render_map(dataset, tmp_path / "big.html", offline=True))
    assert len(visible_routes(page)) == 1500
    assert page.errors == []


def test_a_crowded_view_is_drawn_thin_until_zoomed_in(page, tmp_path):
    """Over 2,000 route lines in view: thin, without arrows or halos, and the legend says so; zoomed in, full detail."""
    places = [Place(f"fx-p{i}", f"Place {i}", "XXX", "city", -170 + i * 1.7, -50 + (i * 7) % 100) for i in range(200)]
    routes = []
    for i in range(2100):
        route = make_route(f"fx-r{i}", waypoints=(f"fx-p{i % 200}", f"fx-p{(i * 7 + 1) % 200}"))
        route["geometry"] = None
        routes.append(route)
    collection = make_collection(routes)
    dataset = Dataset(routes, collection["sources"], Taxonomy(collection["weapons"]),
                      Gazetteer(Place.from_feature(f) for f in collection["places"]).extend(places))
    open_map(page, render_map(dataset, tmp_path / "crowded.html", offline=True))
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    note = page.locator(".arms-routes-overview-note")
    assert note.is_visible() and "More than 2,000 route lines in view" in note.inner_text()
    assert page.evaluate("() => Object.values(window.armsRoutes)[0].renderer.detail") is False
    page.evaluate("""() => { const api = Object.values(window.armsRoutes)[0];
                             api.map.setView([-50, -170], 9, {animate: false}); }""")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    assert page.evaluate("() => Object.values(window.armsRoutes)[0].renderer.detail") is True
    assert not note.is_visible()
    assert len(visible_routes(page)) == 2100 and page.errors == []


HOSTILE = '<script>alert(1)</script><img src=x onerror="window.pwned=1;alert(2)">'


def hostile_dataset() -> Dataset:
    """Not validated (validation would refuse the javascript: URL): the page must be safe anyway."""
    collection = make_collection([make_route("fx-evil", name=HOSTILE, supplier=HOSTILE, notes=HOSTILE,
                                             waypoints=("fx-nampo", "fx-evil-place"),
                                             interdicted={"place": "fx-evil-place", "date": HOSTILE, "note": HOSTILE},
                                             evidence=[{"source": "fx-news", "claim": HOSTILE, "quote": HOSTILE,
                                                        "said_by": HOSTILE, "stance": "disputes", "credibility": 3}])])
    collection["features"][0]["geometry"] = None
    source = collection["sources"]["fx-news"]
    source.update(title=HOSTILE, publisher=HOSTILE, url="javascript:window.pwned=1")
    weapons = Taxonomy([{"id": "fx-rpg", "name": HOSTILE, "aliases": [HOSTILE], "category": HOSTILE}])
    places = Gazetteer(Place.from_feature(f) for f in collection["places"]).extend(
        [Place("fx-evil-place", HOSTILE, HOSTILE, "city", 34.4, 31.5)])
    return Dataset(collection["features"], collection["sources"], weapons, places)


def test_a_hostile_dataset_runs_no_code(page, tmp_path):
    path = render_map(hostile_dataset(), tmp_path / "evil.html", title=HOSTILE, offline=True)
    open_map(page, path)
    click_route(page, "fx-evil")
    card = page.locator(".leaflet-popup .arms-routes-card")
    assert HOSTILE in card.inner_text()  # shown as text, whole
    assert "javascript:window.pwned=1" in card.inner_text()  # shown, not linked
    assert card.locator("a").count() == 0
    for selector in [".leaflet-tooltip", ".arms-routes-label", ".leaflet-control-layers", ".arms-routes-title"]:
        assert page.locator(selector).first.count() == 1
    injected = page.evaluate("""() => {
        Object.values(window.armsRoutes)[0].interdictions.getLayers()[0].openTooltip();
        return {elements: document.querySelectorAll('img, [onerror], a[href^="javascript"]').length,
                scripts: document.querySelectorAll('script').length};
    }""")
    assert injected == {"elements": 0, "scripts": path.read_text(encoding="utf-8").count("<script")}
    assert page.evaluate("() => window.pwned") is None
    assert HOSTILE in page.title()
    assert page.dialogs == [] and page.errors == []


def test_a_hostile_title_through_the_cli_runs_no_code(page, runner, write_dataset, tmp_path):
    collection = make_collection([make_route(name=HOSTILE, evidence=[
        {"source": "fx-news", "claim": HOSTILE, "stance": "supports", "credibility": 3}])])
    collection["places"][0]["properties"]["name"] = HOSTILE
    out = tmp_path / "cli.html"
    result = runner.invoke(app, ["render", "-d", str(write_dataset(collection)), "--title", HOSTILE,
                                 "--tiles", "none", "-o", str(out)])
    assert result.exit_code == 0, result.output
    serve_leaflet(page)
    open_map(page, out)
    click_route(page, "fx-route")
    assert HOSTILE in page.locator(".leaflet-popup .arms-routes-card").inner_text()
    assert page.evaluate("() => window.pwned") is None
    assert page.dialogs == [] and page.errors == []


def test_online_page_works_with_leaflet_from_its_cdn(page, tmp_path, write_dataset):
    """The default page loads Leaflet from its CDN (served here from the installed copy) and tiles (blocked)."""
    dataset = load_dataset([write_dataset(make_collection(routes_fixture()))])
    path = render_map(dataset, tmp_path / "online.html")
    served = serve_leaflet(page)
    open_map(page, path)
    assert sorted(Path(u).name for u in served) == ["leaflet.css", "leaflet.js"]
    assert visible_routes(page) == ["fx-gaza", "fx-lebanon", "fx-twin"]
    assert any("tile.openstreetmap.org" in url for url in page.blocked)
    assert page.errors == []


# -- honest uncertainty: the map shows only the precision and certainty the sources give ------------

SOURCE_NOTE = "The printed date is only the page's display date."
STAND_IN_NORTH_KOREA = {"place": "fx-nampo", "stand_in": True, "stands_for": "North Korea", "precision": "country"}
STAND_IN_IRAN = {"place": "fx-bandar-abbas", "stand_in": True, "stands_for": "Iran", "precision": "country"}


def with_waypoints(route: dict, waypoints: list) -> dict:
    """The route through these waypoints (place ids or waypoint objects), its line joining them."""
    route["properties"]["waypoints"] = waypoints
    route["geometry"] = {"type": "LineString",
                         "coordinates": [COORDS[w["place"] if isinstance(w, dict) else w] for w in waypoints]}
    return route


def uncertain_collection() -> dict:
    """Routes that say how little their sources give (valid: `validate` accepts them): stand-ins, a
    schematic leg, a payment, an attempted shipment, routes in several weapon categories, unknown
    and approximate years, dispute kinds, a source's caveat and twelve evidence items."""
    stand_ins = with_waypoints(make_route(
        "fx-stand-in", name="North Korea to Gaza through Iran", weapons=["fx-rocket", "fx-rpg"], outcome="delivered",
        legs=[{"mode": "unknown", "note": "No source says how the goods left North Korea."}, {"mode": "sea"}],
        period={"start": {"year": 1999, "approximate": True}, "end": 2004},
        evidence=[{"source": "fx-news", "claim": "Rockets and RPGs reached Gaza.", "stance": "supports",
                   "credibility": 3, "weapons": ["fx-rpg"], "note": "Only the RPGs are named."},
                  {"source": "fx-analysis", "claim": "North Korea denies any shipment.", "stance": "disputes",
                   "credibility": 4, "dispute": "denial", "said_by": "North Korea"},
                  {"source": "fx-briefing", "claim": "The White House cannot confirm it.", "stance": "disputes",
                   "credibility": 3, "dispute": "non-confirmation", "said_by": "John Kirby"}]),
        [STAND_IN_NORTH_KOREA, STAND_IN_IRAN, "fx-gaza"])
    attempted = make_route("fx-attempted", name="Attempted shipment to Port Sudan",
                           waypoints=["fx-bandar-abbas", "fx-port-sudan"], weapons=["fx-rpg"], outcome="attempted",
                           status="alleged", evidence=[{"source": "fx-news", "claim": f"Item {i + 1}.",
                                                        "stance": "supports", "credibility": 3} for i in range(12)])
    payment = make_route("fx-payment", name="Payment for rockets", kind="payment", weapons=[],
                         waypoints=["fx-gaza", "fx-pyongyang"], legs=[{"mode": "unknown"}])
    documented = make_route("fx-air-defence", name="Missiles overland to Beirut", weapons=["fx-sam", "fx-rocket"],
                            waypoints=["fx-damascus", "fx-beirut"], legs=[{"mode": "land", "path": "documented"}],
                            period={"start": 2012, "end": None}, status="confirmed",
                            evidence=[{"source": "fx-briefing", "claim": "Trucks crossed at Masnaa.",
                                       "stance": "supports", "credibility": 2, "legs": [0]}])
    undated = make_route("fx-undated", name="RPGs through Rafah", weapons=["fx-rpg"], waypoints=["fx-rafah", "fx-gaza"],
                         legs=[{"mode": "land"}], period={"start": None, "end": None})
    sources = copy.deepcopy(SOURCES)
    sources["fx-news"]["note"] = SOURCE_NOTE
    sources["fx-briefing"] = {"title": "Fixture Briefing", "author": None, "publisher": "Fixture Government",
                              "published": "2023-11-01", "url": None, "kind": "official", "reliability": "B",
                              "derived_from": []}
    collection = make_collection([stand_ins, attempted, payment, documented, undated], sources)
    collection["weapons"].append({"id": "fx-sam", "name": "Fixture SAM", "aliases": [], "category": "air-defence"})
    return collection


@pytest.fixture
def uncertain_file(write_dataset, runner) -> Path:
    path = write_dataset(uncertain_collection(), name="uncertain.geojson")
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0  # every field as the data model allows
    return path


def render_cli(runner, data: Path, out: Path, *options: str) -> Path:
    result = runner.invoke(app, ["render", "-d", str(data), "--offline", "-o", str(out), *options])
    assert result.exit_code == 0, result.output
    return out


def marker_point(page, label: str) -> dict:
    """Where the waypoint marker labelled `label` is on the page."""
    return api_eval(page, """(api, label) => {
        const marker = api.waypoints.getLayers().find(l => l.place && l.place.label === label);
        const p = api.map.latLngToContainerPoint(marker.getLatLng()), box = api.map.getContainer().getBoundingClientRect();
        return {x: box.left + p.x, y: box.top + p.y};
    }""", label)


def test_a_stand_in_is_drawn_as_a_dashed_ring_labelled_with_what_it_stands_for(page, runner, uncertain_file, tmp_path):
    open_map(page, render_cli(runner, uncertain_file, tmp_path / "map.html"))
    markers = api_eval(page, """(api) => api.waypoints.getLayers().filter(l => l.place).map(l => ({
        label: l.place.label, drawn: l.place.drawn_as, dashed: !!l.options.dashed, filled: l.options.fill !== false,
        radius: l.getRadius(), at: [l.getLatLng().lat, l.getLatLng().lng]}))""")
    by_label = {m["label"]: m for m in markers}
    assert by_label["≈ North Korea"] == {"label": "≈ North Korea", "drawn": "stand-in", "dashed": True, "filled": False,
                                         "radius": style.RING_RADIUS, "at": [38.73, 125.395]}
    # Bandar Abbas is a stand-in for Iran on one route and named as a port on another: both are drawn
    assert by_label["≈ Iran"]["drawn"] == "stand-in" and by_label["≈ Iran"]["dashed"] is True
    assert by_label["Fixture Bandar Abbas"]["drawn"] == "site" and by_label["Fixture Bandar Abbas"]["filled"] is True
    assert by_label["≈ Iran"]["at"] == by_label["Fixture Bandar Abbas"]["at"]
    assert "Fixture Nampo" not in by_label  # the port no source names is never a label
    labels = page.locator(".arms-routes-label").all_inner_texts()
    assert "≈ North Korea" in labels and "Fixture Bandar Abbas · ≈ Iran" in labels
    assert not any("Nampo" in text for text in labels)
    # the legend explains the dashed ring in words
    assert style.WAYPOINT_LABELS["stand-in"] in page.locator(".arms-routes-legend [data-waypoint=stand-in]").inner_text()

    described = model.waypoint(STAND_IN_NORTH_KOREA, load_dataset([uncertain_file]).places).describe()
    assert described == "stand-in for North Korea: the sources name only the country (drawn at Fixture Nampo)"
    api_eval(page, "(api) => { api.map.setView([38.73, 125.395], 9, {animate: false}); }")  # clear of Pyongyang's dot
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    hover(page, marker_point(page, "≈ North Korea"))
    tip = page.locator(".leaflet-tooltip .arms-routes-tip", has_text="≈ North Korea")
    tip.wait_for()
    assert described in tip.inner_text() and "origin" in tip.inner_text() and "1 route" in tip.inner_text()

    click_route(page, "fx-stand-in")
    card = page.locator(".leaflet-popup .arms-routes-card").inner_text()
    assert "≈ North Korea → ≈ Iran → Fixture Gaza" in card
    assert described in card
    assert "stand-in for Iran: the sources name only the country (drawn at Fixture Bandar Abbas)" in card
    assert page.errors == [] and page.blocked == []


def screenshot_of(page):
    from PIL import Image

    return Image.open(io.BytesIO(page.screenshot())).convert("RGB")


def test_rings_are_hollow_and_dots_are_filled(page, runner, uncertain_file, tmp_path):
    """Drawn pixels, on a plain background with the routes hidden: a ring shows the map through it."""
    open_map(page, render_cli(runner, uncertain_file, tmp_path / "plain.html", "--tiles", "none"))
    # (the route lines off the map: a filter that hid the routes would hide their waypoints too)
    api_eval(page, "(api) => { api.map.removeLayer(api.routes); }")
    assert api_eval(page, "(api) => { let n = 0; api.map.eachLayer(l => { if (l.route) n++; }); return n; }") == 0
    frames = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
    page.evaluate(frames)
    image = screenshot_of(page)

    def brightness(x, y):
        return sum(image.getpixel((round(x), round(y)))) / 3

    dot = marker_point(page, "Fixture Gaza")
    assert brightness(dot["x"], dot["y"]) < 80  # an origin dot: filled dark
    api_eval(page, "(api) => { api.map.setView([38.73, 125.395], 9, {animate: false}); }")  # clear of Pyongyang's dot
    page.evaluate(frames)
    image = screenshot_of(page)
    ring = marker_point(page, "≈ North Korea")
    assert brightness(ring["x"], ring["y"]) > 170  # hollow: the plain background, lightly tinted
    edge = min(brightness(ring["x"] - r * math.cos(a / 10), ring["y"] - r * math.sin(a / 10))
               for r in (7, 7.5, 8, 8.5, 9) for a in range(-12, 13))
    assert edge < 110  # the ring's dark stroke, left of its centre (its label is to the right)
    assert page.errors == []


def drawing_dataset() -> Dataset:
    """Two long straight routes on an empty stretch of map, solid (confirmed) and not disputed, so their
    pixels can be read: one with a schematic and a plausible leg, delivered; one attempted."""
    places = [Place("fx-a", "A", "XXX", "city", -40.0, 20.0), Place("fx-b", "B", "XXX", "city", -20.0, 20.0),
              Place("fx-c", "C", "XXX", "city", 0.0, 20.0), Place("fx-d", "D", "XXX", "city", -40.0, -5.0),
              Place("fx-e", "E", "XXX", "city", 0.0, -5.0)]
    delivered = make_route("fx-delivered", waypoints=("fx-a", "fx-b", "fx-c"), status="confirmed", outcome="delivered",
                           legs=[{"mode": "unknown"}, {"mode": "sea"}])
    attempted = make_route("fx-attempted", waypoints=("fx-d", "fx-e"), status="confirmed", outcome="attempted",
                           legs=[{"mode": "sea"}])
    routes = [delivered, attempted]
    for route in routes:
        route["geometry"] = None
    collection = make_collection(routes)
    return Dataset(routes, collection["sources"], Taxonomy(collection["weapons"]),
                   Gazetteer(Place.from_feature(f) for f in collection["places"]).extend(places))


@pytest.fixture
def drawing_map(page, tmp_path):
    open_map(page, render_map(drawing_dataset(), tmp_path / "drawing.html", offline=True, tiles="none"))
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return page


def leg_points(page, route_id: str, leg: int, start: float, end: float) -> list[dict]:
    """Page points along a drawn leg of a route (its line as projected), from fraction `start` to `end` of its length."""
    return api_eval(page, """(api, [id, leg, start, end]) => {
        const ring = api.routeLayers[id]._rings[leg], box = api.map.getContainer().getBoundingClientRect();
        const lengths = ring.slice(1).map((p, i) => p.distanceTo(ring[i])), total = lengths.reduce((a, b) => a + b, 0);
        const points = [];
        for (let f = start; f <= end + 1e-9; f += 0.01) {
            let walked = 0, i = 0;
            while (i < lengths.length - 1 && walked + lengths[i] < f * total) { walked += lengths[i]; i++; }
            const t = lengths[i] ? (f * total - walked) / lengths[i] : 0, a = ring[i], b = ring[i + 1];
            const p = api.map.layerPointToContainerPoint(L.point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t));
            points.push({x: box.left + p.x, y: box.top + p.y});
        }
        return points;
    }""", [route_id, leg, start, end])


def test_a_schematic_leg_is_fainter_than_a_plausible_one_and_the_legend_says_so(drawing_map):
    page = drawing_map
    looks = api_eval(page, "(api) => api.routeLayers['fx-delivered'].options.looks.map(l => [l.path, l.dash, l.opacity])")
    assert [look[0] for look in looks] == ["schematic", "plausible"]
    assert looks[0][1] == looks[1][1]  # the status pattern is untouched: strength is its own channel
    assert looks[0][2] == style.PATH_OPACITY["schematic"] < looks[1][2] == style.PATH_OPACITY["plausible"]
    image = screenshot_of(page)
    background = image.getpixel((5, 400))

    def strength(points):  # how far the drawn line is from the background, at its strongest pixels
        distances = sorted(sum(abs(c - b) for c, b in zip(image.getpixel((round(p["x"]), round(p["y"]))), background))
                           for p in points)
        return distances[len(distances) * 9 // 10]

    # away from the arrowhead at each leg's middle and from the waypoint dots at its ends
    schematic = strength(leg_points(page, "fx-delivered", 0, 0.15, 0.35) + leg_points(page, "fx-delivered", 0, 0.65, 0.85))
    plausible = strength(leg_points(page, "fx-delivered", 1, 0.15, 0.35) + leg_points(page, "fx-delivered", 1, 0.65, 0.85))
    assert plausible > 150 and schematic < 0.7 * plausible
    row = page.locator(".arms-routes-legend [data-path=schematic]")
    assert row.inner_text() == model.PATH_LABELS["schematic"] == "path not reported: the line only joins the places"
    assert page.locator(".arms-routes-legend [data-path=plausible]").count() == 1
    assert page.locator(".arms-routes-legend [data-path=documented]").count() == 0  # none on this map
    assert page.errors == []


def test_arrowheads_are_filled_only_where_a_delivery_is_reported(drawing_map):
    page = drawing_map
    image = screenshot_of(page)

    def centre_of_arrow(route_id, ring):
        return api_eval(page, """(api, [id, ring]) => {
            const line = api.routeLayers[id], a = line.arrows().find(x => x[3] === ring);
            const size = Math.max(10, line.options.weight * 3.5), box = api.map.getContainer().getBoundingClientRect();
            const p = api.map.layerPointToContainerPoint(L.point(a[0] - Math.cos(a[2]) * size * 0.2,
                                                                 a[1] - Math.sin(a[2]) * size * 0.2));
            return {x: box.left + p.x, y: box.top + p.y, filled: line.options.filled, colour: line.options.color};
        }""", [route_id, ring])

    filled, hollow = centre_of_arrow("fx-delivered", 1), centre_of_arrow("fx-attempted", 0)
    assert filled["filled"] is True and hollow["filled"] is False
    line_colour = tuple(int(filled["colour"][i:i + 2], 16) for i in (1, 3, 5))
    inside = image.getpixel((round(filled["x"]), round(filled["y"])))
    assert sum(abs(a - b) for a, b in zip(inside, line_colour)) < 90  # filled with the line's colour
    assert min(image.getpixel((round(hollow["x"]), round(hollow["y"])))) > 235  # white inside an outline
    legend = page.locator(".arms-routes-legend")
    assert legend.locator("[data-arrow=filled]").inner_text() == style.ARROW_FILLED_LABEL
    assert legend.locator("[data-arrow=hollow]").inner_text() == style.ARROW_HOLLOW_LABEL
    assert page.errors == []


def test_a_payment_route_is_not_drawn_in_a_weapon_category_colour(page, runner, uncertain_file, tmp_path):
    open_map(page, render_cli(runner, uncertain_file, tmp_path / "map.html"))
    colours = api_eval(page, "(api) => Object.fromEntries(Object.entries(api.routeLayers).map(([id, l]) => [id, l.options.color]))")
    weapon_colours = set(style.CATEGORY_COLOURS.values()) | set(style.FALLBACK_PALETTE)
    assert colours["fx-payment"] == style.KIND_COLOURS["payment"] and colours["fx-payment"] not in weapon_colours
    assert colours["fx-attempted"] == style.category_colour("anti-tank")
    row = page.locator(".arms-routes-legend [data-kind=payment]")
    assert row.inner_text() == style.KIND_LABELS["payment"]  # the legend says what moved
    assert page.locator(".arms-routes-legend [data-kind=training]").count() == 0  # kinds on the map only
    api_eval(page, "(api) => { api.routeLayers['fx-payment'].openTooltip(); }")
    assert "payment · reported" in page.locator(".leaflet-tooltip .arms-routes-tip").inner_text()
    click_route(page, "fx-payment")
    assert style.KIND_LABELS["payment"] in page.locator(".leaflet-popup .arms-routes-card").inner_text()
    assert page.errors == []


def listed(runner, data: Path, category: str) -> list[str]:
    result = runner.invoke(app, ["list", "-d", str(data), "--category", category, "--format", "json"])
    assert result.exit_code == 0, result.output
    return sorted(route["id"] for route in json.loads(result.stdout))


def test_ticking_one_category_shows_every_route_that_category_selects(page, runner, uncertain_file, tmp_path):
    open_map(page, render_cli(runner, uncertain_file, tmp_path / "map.html"))
    boxes = api_eval(page, "(api) => api.categories.map(c => c.id)")
    assert boxes == ["anti-tank", "artillery-rockets", "air-defence", None]
    control = page.locator(".leaflet-control-layers")
    for i, category in enumerate(boxes):
        control.get_by_role("button", name="untick every category", exact=True).click()
        assert api_eval(page, "(api) => api.visibleRoutes()") == []
        box = control.locator(".arms-routes-category").nth(i).locator("input")
        if i == 0:  # reachable from the keyboard
            box.focus()
            page.keyboard.press("Space")
        else:
            box.click()
        shown = sorted(api_eval(page, "(api) => api.visibleRoutes()"))
        assert shown == sorted(visible_routes(page))  # what visibleRoutes() says is what is drawn
        if category is None:
            assert shown == ["fx-payment"]  # no weapon system listed: what no --category finds
        else:
            assert shown == listed(runner, uncertain_file, category), category
        assert f"{len(shown)} of 5 routes shown" in page.locator(".arms-routes-title").inner_text()
    # with only anti-tank ticked, a route of rockets and RPGs takes the colour of its RPGs
    api_eval(page, "(api) => { api.setCategories(['anti-tank']); }")
    assert api_eval(page, "(api) => api.routeLayers['fx-stand-in'].options.color") == style.category_colour("anti-tank")
    control.get_by_role("button", name="tick every category", exact=True).click()
    assert api_eval(page, "(api) => api.routeLayers['fx-stand-in'].options.color") == \
        style.category_colour("artillery-rockets")
    assert "Filter: all routes · 5 of 5 routes shown" in page.locator(".arms-routes-title").inner_text()
    assert "Anti-tank weapons (3)" in control.inner_text() and "No weapon system listed (1)" in control.inner_text()
    assert page.errors == []


@pytest.mark.parametrize("options, category", [([], "artillery-rockets"), (["--weapon", "FX-7"], "anti-tank"),
                                               (["--category", "anti-tank"], "anti-tank")])
def test_a_map_made_for_a_weapon_colours_by_that_weapons_category(page, runner, uncertain_file, tmp_path,
                                                                   options, category):
    """fx-stand-in carries rockets first, then RPGs (alias FX-7)."""
    open_map(page, render_cli(runner, uncertain_file, tmp_path / "map.html", *options))
    assert api_eval(page, "(api) => api.routeLayers['fx-stand-in'].options.color") == style.category_colour(category)
    assert page.errors == []


def test_the_card_tells_disputes_legs_caveats_and_approximate_years(page, runner, uncertain_file, tmp_path):
    open_map(page, render_cli(runner, uncertain_file, tmp_path / "map.html"))
    api_eval(page, "(api) => { api.routeLayers['fx-stand-in'].openTooltip(); }")
    assert "c. 1999–2004" in page.locator(".leaflet-tooltip .arms-routes-tip").inner_text()
    click_route(page, "fx-stand-in")
    card = page.locator(".leaflet-popup .arms-routes-card")
    text = card.inner_text()
    for expected in ["c. 1999–2004", "delivered: the sources report a delivery",
                     "✗ denied by North Korea", "✗ not confirmed by John Kirby",  # who disputes, and how
                     "≈ North Korea → ≈ Iran", "mode not reported · " + model.PATH_LABELS["schematic"],
                     "No source says how the goods left North Korea.",
                     "≈ Iran → Fixture Gaza", "by sea · " + model.PATH_LABELS["plausible"],
                     "on: Fixture RPG", "Note: Only the RPGs are named.", "Caveat: " + SOURCE_NOTE]:
        assert expected in text, expected
    assert card.locator(".arms-routes-source-note").count() == 1  # beside the source it belongs to
    click_route(page, "fx-attempted")
    assert "attempted: not reported delivered" in page.locator(".leaflet-popup .arms-routes-card").inner_text()
    assert page.errors == []


def test_evidence_numbers_of_ten_and_more_are_not_clipped(page, runner, uncertain_file, tmp_path):
    open_map(page, render_cli(runner, uncertain_file, tmp_path / "map.html"))
    click_route(page, "fx-attempted")
    room = page.evaluate("""() => {
        const content = document.querySelector('.leaflet-popup-content');
        const items = [...content.querySelectorAll('.arms-routes-evidence')];
        const probe = document.createElement('span');
        probe.style.font = getComputedStyle(items[11]).font;
        probe.textContent = '12. ';
        document.body.appendChild(probe);
        const needed = probe.getBoundingClientRect().width;
        probe.remove();
        return {count: items.length, needed: needed,
                room: items[11].getBoundingClientRect().left - content.getBoundingClientRect().left};
    }""")
    assert room["count"] == 12
    assert room["room"] >= room["needed"], room  # the number sits in the list's padding, inside the card
    assert page.errors == []


def test_the_title_counts_routes_of_unknown_date_a_time_filter_let_through(page, runner, uncertain_file, tmp_path):
    open_map(page, render_cli(runner, uncertain_file, tmp_path / "since.html", "--since", "2010"))
    title = page.locator(".arms-routes-title").inner_text()
    # fx-stand-in (c. 1999–2004) is left out; fx-air-defence (2012–?) is kept by its start, fx-undated (?–?)
    # only for want of a year
    assert "Filter: since 2010 · 4 of 4 routes shown, 1 of unknown date (kept: their period is open)" in title
    # with every box unticked the count is of the routes shown: none, so none of unknown date
    page.evaluate("() => Object.values(window.armsRoutes)[0].setCategories([])")
    title = page.locator(".arms-routes-title").inner_text()
    assert "0 of 4 routes shown" in title and "unknown date" not in title
    open_map(page, render_cli(runner, uncertain_file, tmp_path / "all.html"))
    assert "unknown date" not in page.locator(".arms-routes-title").inner_text()  # no time filter: nothing to say


def test_place_names_never_overlap_each_other_or_the_controls(page, tmp_path):
    # (any dataset will do: the bundled one is crowded in the Levant)
    open_map(page, render_map(load_dataset(), tmp_path / "bundled.html", offline=True))
    page.wait_for_timeout(300)
    overlaps = page.evaluate("""() => {
        const boxes = sel => [...document.querySelectorAll(sel)].filter(n => n.offsetWidth &&
            getComputedStyle(n).visibility !== "hidden").map(n => n.getBoundingClientRect());
        const labels = boxes(".arms-routes-label"), controls = boxes(".leaflet-control, .arms-routes-title");
        const hit = (a, b) => a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top;
        let n = 0;
        labels.forEach((a, i) => { labels.slice(i + 1).forEach(b => { if (hit(a, b)) n++; });
                                   controls.forEach(c => { if (hit(a, c)) n++; }); });
        return {n, shown: labels.length};
    }""")
    assert overlaps["n"] == 0 and overlaps["shown"] >= 5, overlaps

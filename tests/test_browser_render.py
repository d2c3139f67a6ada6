"""Rendered maps in a real browser (headless Debian Chromium, network blocked): what a reader sees and clicks."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli import app
from conftest import make_collection, make_route, serve_leaflet
from routes.dataset import Dataset, load_dataset
from routes.gazetteer import Gazetteer, Place
from routes.render import render_map
from routes.render.payload import COLOUR_RULE
from routes import style
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
    assert "Alleged arms-transfer routes (3 routes)" in title and "Filter: all routes · 3 routes shown" in title
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

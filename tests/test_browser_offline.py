"""`arms-routes render --offline` in a real browser with the network cut: it looks right and works fully.

Every request the page makes is recorded; the only one allowed is the page's own file.
"""

from __future__ import annotations

import re

import pytest
from test_browser_render import EVIDENCE, click_route
from test_browser_render import visible_routes as drawn_routes

from cli import app
from conftest import make_collection, make_route

pytestmark = pytest.mark.browser


@pytest.fixture
def offline_map(runner, write_dataset, tmp_path):
    """The page `render --offline` writes for three routes in two weapon categories, and how many it drew."""
    routes = [make_route("fx-gaza", name="Nampo to Port Sudan", evidence=EVIDENCE,
                         interdicted={"place": "fx-port-sudan", "date": "2009-12", "note": "Seized by customs."}),
              make_route("fx-twin", name="Second route on the same corridor", evidence=EVIDENCE[:1]),
              make_route("fx-lebanon", name="Bandar Abbas to Beirut", weapons=["fx-rocket"], status="alleged",
                         waypoints=["fx-bandar-abbas", "fx-damascus", "fx-beirut"])]
    out = tmp_path / "offline.html"
    result = runner.invoke(app, ["render", "-d", str(write_dataset(make_collection(routes))), "--offline",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    selected = int(re.search(r"\((\d+) routes?\)", result.stdout).group(1))
    return out, selected


def open_offline(page, path) -> list[str]:
    """Open the page from file:// and return every URL it requested (the page itself included)."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(path.resolve().as_uri())
    page.wait_for_function("window.armsRoutes && Object.keys(window.armsRoutes).length === 1")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return requested


def test_the_offline_page_makes_no_request_at_all(page, offline_map):
    path, _ = offline_map
    requested = open_offline(page, path)
    click_route(page, "fx-gaza")  # opening a card fetches nothing either
    page.locator(".leaflet-control-layers label", has_text="Anti-tank weapons").locator("input").click()
    assert page.blocked == []
    assert requested == [path.resolve().as_uri()]
    assert page.errors == [] and page.dialogs == []


def test_every_selected_route_is_drawn_over_the_country_outlines(page, offline_map):
    path, selected = offline_map
    open_offline(page, path)
    assert selected == 3 and len(drawn_routes(page)) == selected
    basemap = page.evaluate("""() => {
        const api = Object.values(window.armsRoutes)[0], pane = api.map.getPane('armsRoutesBasemap');
        let countries = 0;
        api.map.eachLayer(l => { if (l instanceof L.Polygon && l.options.renderer && l.options.renderer.options.pane === 'armsRoutesBasemap') countries++; });
        return {canvas: pane.querySelectorAll('canvas').length, countries: countries,
                tiles: document.querySelectorAll('.leaflet-tile').length,
                attribution: document.querySelector('.leaflet-control-attribution').textContent};
    }""")
    assert basemap["canvas"] == 1 and basemap["countries"] > 100  # Natural Earth: some 177 countries
    assert basemap["tiles"] == 0
    assert "Natural Earth" in basemap["attribution"]
    # the outlines are painted: the map's middle is not one flat colour
    pixels = page.evaluate("""() => {
        const canvas = Object.values(window.armsRoutes)[0].map.getPane('armsRoutesBasemap').querySelector('canvas');
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data, seen = new Set();
        for (let i = 0; i < data.length; i += 4 * 997) seen.add(data[i] + ',' + data[i + 1] + ',' + data[i + 2] + ',' + data[i + 3]);
        return seen.size;
    }""")
    assert pixels > 1
    assert page.errors == []


def test_a_click_opens_the_route_card_with_its_evidence(page, offline_map):
    path, _ = offline_map
    open_offline(page, path)
    click_route(page, "fx-gaza")
    card = page.locator(".leaflet-popup .arms-routes-card")
    text = card.inner_text()
    for expected in ["Nampo to Port Sudan", "Crates were unloaded at the port.", "“The crates were unloaded.”",
                     "A port official", "B2", "C4", "✗ disputed", "Fixture News Report", "Fixture Analysis",
                     "Seized by customs."]:
        assert expected in text, expected
    assert card.locator("a").get_attribute("href") == "https://example.org/report"
    assert page.errors == [] and page.blocked == []


def test_legend_and_layer_control_work_offline(page, offline_map):
    path, _ = offline_map
    open_offline(page, path)
    legend = page.locator(".arms-routes-legend")
    assert legend.is_visible()
    for expected in ["confirmed", "alleged", "disputed", "direction; hollow", "shipment stopped"]:
        assert expected in legend.inner_text()
    control = page.locator(".leaflet-control-layers")
    assert "Anti-tank weapons (2)" in control.inner_text() and "Artillery and rockets (1)" in control.inner_text()
    # Leaflet's own stylesheet is there (inlined): the control is laid out as a box, not bare text
    assert page.evaluate("() => getComputedStyle(document.querySelector('.leaflet-control-layers')).borderRadius") == "5px"
    control.locator("label", has_text="Anti-tank weapons").locator("input").click()
    assert drawn_routes(page) == ["fx-lebanon"]
    control.locator("label", has_text="Anti-tank weapons").locator("input").click()
    assert drawn_routes(page) == ["fx-gaza", "fx-lebanon", "fx-twin"]
    assert page.errors == [] and page.blocked == []


def test_evidence_shared_by_two_routes_shows_in_both_cards(page, offline_map):
    """The claim travels once in the page (see payload.py); both routes' cards show it whole."""
    path, _ = offline_map
    assert path.read_text(encoding="utf-8").count("Crates were unloaded at the port.") == 1
    open_offline(page, path)
    for route_id, name in (("fx-twin", "Second route on the same corridor"), ("fx-gaza", "Nampo to Port Sudan")):
        click_route(page, route_id)
        card = page.locator(".leaflet-popup .arms-routes-card")
        assert card.locator("h3").inner_text() == name
        assert "Crates were unloaded at the port." in card.inner_text()
        assert "“The crates were unloaded.”" in card.inner_text() and "A port official" in card.inner_text()
    assert page.errors == [] and page.blocked == []

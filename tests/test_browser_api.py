"""Maps made from Python (`routes.explore`) in a real browser with the network cut: a map of its own,
and our routes drawn onto a folium map a user already has."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_browser_render import EVIDENCE, click_route, visible_routes

import routes
from conftest import make_collection, make_route

pytestmark = pytest.mark.browser


@pytest.fixture
def data(write_dataset):
    return routes.load(write_dataset(make_collection([
        make_route("fx-gaza", name="Nampo to Port Sudan", evidence=EVIDENCE),
        make_route("fx-lebanon", name="Bandar Abbas to Beirut", weapons=["fx-rocket"], status="alleged",
                   waypoints=["fx-bandar-abbas", "fx-damascus", "fx-beirut"]),
    ])))


def serve_folium_leaflet(page) -> None:
    """Answer folium's own requests for Leaflet (jsDelivr) with the installed copy; every other request
    of a user's folium map (jQuery, Bootstrap, icon fonts) stays blocked, as the `page` fixture does."""
    from routes.render.html import _leaflet_dir

    def leaflet(route):
        name = Path(route.request.url.split("?")[0]).name
        if name in ("leaflet.js", "leaflet.css"):
            route.fulfill(path=str(_leaflet_dir() / name), headers={"Access-Control-Allow-Origin": "*"})
        else:
            page.blocked.append(route.request.url)
            route.abort()

    page.route("https://cdn.jsdelivr.net/**", leaflet)


def test_explore_offline_draws_the_selection_and_opens_its_cards(page, data, tmp_path):
    out = tmp_path / "explore.html"
    data.select(weapon="FX-122").explore(offline=True).save(str(out))
    page.goto(out.as_uri())
    page.wait_for_function("() => window.armsRoutes && Object.keys(window.armsRoutes).length === 1")
    assert visible_routes(page) == ["fx-lebanon"]
    assert "weapon Fixture Rocket" in page.locator(".arms-routes-title").inner_text()
    click_route(page, "fx-lebanon")
    assert "Bandar Abbas to Beirut" in page.locator(".leaflet-popup .arms-routes-card").inner_text()
    assert page.blocked == [] and page.errors == []


def test_explore_onto_a_users_folium_map_keeps_its_layers(page, data, tmp_path):
    import folium

    mine = folium.Map(location=[20, 50], zoom_start=4, tiles=None)
    folium.CircleMarker([15.35, 44.21], radius=12, tooltip="my own marker", color="#000000").add_to(mine)
    assert routes.explore(data, m=mine) is mine
    out = tmp_path / "mine.html"
    mine.save(str(out))
    serve_folium_leaflet(page)
    page.goto(out.as_uri())
    page.wait_for_function("() => window.armsRoutes && Object.keys(window.armsRoutes).length === 1")
    assert visible_routes(page) == ["fx-gaza", "fx-lebanon"]
    # the user's own layer is still on the map, under our routes
    assert page.evaluate("""() => { let n = 0; Object.values(window.armsRoutes)[0].map.eachLayer(
        l => { if (l instanceof L.CircleMarker && l.getTooltip() && String(l.getTooltip().getContent()).includes("my own marker")) n++; });
        return n; }""") == 1
    # folium's other files (jQuery, Bootstrap) are blocked here, but Leaflet loaded: no word of a missing Leaflet
    assert page.locator(".arms-routes-no-leaflet").count() == 0
    click_route(page, "fx-gaza")
    assert "Nampo to Port Sudan" in page.locator(".leaflet-popup .arms-routes-card").inner_text()
    assert page.errors == []

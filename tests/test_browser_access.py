"""The map without a mouse, on a phone and without a network (headless Debian Chromium, network blocked).

The routes are also a list (a <figure> whose <figcaption> names the selection) that the keyboard
reaches and that follows the filters; a click on a waypoint lists the routes through it, a click
on overlapping lines offers the choice; a page whose Leaflet cannot load says so; axe-core (from
its PyPI package, run offline) finds no critical violation.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import COORDS, api_eval, frames, make_collection, make_route, place_feature, serve_leaflet
from routes.dataset import load_dataset
from routes.render import render_map

pytestmark = pytest.mark.browser

LONG_EVIDENCE = [{"source": "fx-news", "claim": f"Claim {i}: crates were seen at the port, as the report tells.",
                  "stance": "supports", "credibility": 3} for i in range(1, 13)]
# Two places of one name (as Tripoli, Libya and Tripoli, Lebanon): a click on one lists only its routes.
TRIPOLI_LBY = ("fx-tripoli-lby", "Fixture Tripoli", "LBY", "port", 13.19, 32.89, [])
TRIPOLI_LBN = ("fx-tripoli-lbn", "Fixture Tripoli", "LBN", "port", 35.84, 34.44, [])
COORDS_HERE = {**COORDS, TRIPOLI_LBY[0]: [13.19, 32.89], TRIPOLI_LBN[0]: [35.84, 34.44]}


def route(route_id, waypoints, **props):
    feature = make_route(route_id, waypoints=waypoints, **props)
    feature["geometry"]["coordinates"] = [COORDS_HERE[w] for w in waypoints]
    return feature


ROUTES = [
    route("fx-gaza", ["fx-nampo", "fx-bandar-abbas", "fx-port-sudan"], name="Nampo to Port Sudan",
          evidence=LONG_EVIDENCE),
    route("fx-lebanon", ["fx-bandar-abbas", "fx-damascus", "fx-beirut"], name="Bandar Abbas to Beirut",
          weapons=["fx-rocket"], status="alleged", period={"start": 2016, "end": 2018}),
    route("fx-north", ["fx-tripoli-lbn", "fx-damascus"], name="Tripoli to Damascus", legs=[{"mode": "land"}]),
    route("fx-west", ["fx-tripoli-lby", "fx-port-sudan"], name="Libya to Sudan", legs=[{"mode": "sea"}],
          weapons=["fx-rocket"]),
]
# Two lines that cross far from any waypoint: a click where they cross offers both.
CROSSING = [
    route("fx-down", ["fx-beirut", "fx-port-sudan"], name="Beirut to Port Sudan", legs=[{"mode": "land"}]),
    route("fx-across", ["fx-rafah", "fx-bandar-abbas"], name="Rafah to Bandar Abbas", legs=[{"mode": "land"}],
          weapons=["fx-rocket"]),
]


def collection(routes):
    data = make_collection(routes)
    data["places"] += [place_feature(*TRIPOLI_LBY), place_feature(*TRIPOLI_LBN)]
    return data


@pytest.fixture
def dataset(write_dataset):
    return load_dataset([write_dataset(collection(ROUTES))])


@pytest.fixture
def map_file(tmp_path, dataset):
    return render_map(dataset, tmp_path / "map.html", offline=True)


def open_map(page, path: Path, count: int = 1) -> None:
    page.goto(path.resolve().as_uri())
    page.wait_for_function(f"window.armsRoutes && Object.keys(window.armsRoutes).length === {count}")
    frames(page)


def listed(page) -> list[str]:
    """The route ids the list offers, in its order."""
    return page.eval_on_selector_all(".arms-routes-list button.arms-routes-pick", "bs => bs.map(b => b.dataset.route)")


def tab_to_list(page, limit: int = 40) -> None:
    """Press Tab (only the keyboard) until a route of the list has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => !!document.activeElement.closest('.arms-routes-list')"):
            return
    raise AssertionError("Tab never reached the list of routes")


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {route: e.dataset ? e.dataset.route || null : null, inCard: !!e.closest('.leaflet-popup'),
                text: e.textContent}; }""")


def card_title(page) -> str:
    return page.locator(".leaflet-popup .arms-routes-card h3").inner_text()


# -- the list of routes, and the keyboard ---------------------------------------------------------------

def test_keyboard_alone_opens_a_card_and_returns_to_the_list(page, map_file):
    open_map(page, map_file)
    figure = page.locator("figure.arms-routes-list")
    assert figure.bounding_box()["width"] <= 1  # folded: no room taken from the map for a mouse user...
    assert page.locator(".arms-routes-list-toggle").inner_text() == "Routes (4)"
    tab_to_list(page)  # ...but reachable: Tab enters it and it unfolds
    assert figure.bounding_box()["width"] > 150 and figure.is_visible()
    assert focused(page)["route"] == "fx-gaza"
    page.keyboard.press("ArrowDown")
    assert focused(page)["route"] == "fx-lebanon"
    page.keyboard.press("End")
    assert focused(page)["route"] == "fx-west"
    page.keyboard.press("ArrowUp")
    assert focused(page)["route"] == "fx-north"
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup .arms-routes-card")
    assert card_title(page) == "Tripoli to Damascus"  # the card a click on its line opens
    assert "fx-north" in page.locator(".leaflet-popup .arms-routes-card").inner_text()
    assert focused(page)["inCard"]  # focus went into the card
    page.keyboard.press("Escape")
    page.wait_for_selector(".leaflet-popup", state="detached")
    assert focused(page)["route"] == "fx-north"  # and came back to the route
    # the list is one Tab stop: Tab leaves it, Shift+Tab comes back to the same route
    page.keyboard.press("Tab")
    assert not page.evaluate("() => !!document.activeElement.closest('.arms-routes-list')")
    page.keyboard.press("Shift+Tab")
    assert focused(page)["route"] == "fx-north"
    page.keyboard.press("Space")
    page.wait_for_selector(".leaflet-popup .arms-routes-card")
    assert card_title(page) == "Tripoli to Damascus"
    assert page.errors == [] and page.blocked == []


def test_the_toggle_shows_the_list_and_a_click_on_a_route_opens_its_card(page, map_file):
    open_map(page, map_file)
    toggle = page.locator(".arms-routes-list-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    items = page.locator(".arms-routes-list button.arms-routes-pick")
    assert items.count() == 4 and items.first.is_visible()
    # what it says, on the screen and read out (the name, then where and when)
    assert items.nth(1).locator(".arms-routes-pick-name").inner_text() == "Bandar Abbas to Beirut"
    assert items.nth(1).locator(".arms-routes-pick-meta").inner_text() == \
        "Fixture Bandar Abbas → Fixture Beirut · 2016–2018 · alleged"
    named = page.get_by_role("button", name="Bandar Abbas to Beirut: Fixture Bandar Abbas → Fixture Beirut", exact=False)
    assert named.count() == 1
    named.click()
    page.wait_for_selector(".leaflet-popup .arms-routes-card")
    assert card_title(page) == "Bandar Abbas to Beirut"
    assert page.errors == []


def test_the_list_follows_the_filters_and_its_caption_names_the_selection(page, map_file):
    open_map(page, map_file)
    caption = page.locator("figure.arms-routes-list figcaption")
    # (the title box's title counts nothing: its filter line counts what the filters leave)
    assert "Alleged arms-transfer routes — Filter: all routes · 4 of 4 routes shown" in caption.text_content()
    assert listed(page) == ["fx-gaza", "fx-lebanon", "fx-north", "fx-west"]
    # a real click on a category box (the layer control unfolds on hover on small maps only)
    page.locator(".leaflet-control-layers label", has_text="Artillery and rockets").locator("input").click()
    assert listed(page) == ["fx-gaza", "fx-north"] == api_eval(page, "(api) => api.visibleRoutes()")
    assert page.locator(".arms-routes-list-toggle").inner_text() == "Routes (2)"
    assert "2 of 4 routes shown" in caption.text_content()
    page.locator(".arms-routes-category-button", has_text="none").click()
    assert listed(page) == [] and page.locator(".arms-routes-list-empty").count() == 1
    api_eval(page, "(api) => api.setCategories(['artillery-rockets'])")
    assert listed(page) == ["fx-lebanon", "fx-west"]
    assert page.errors == []


def test_the_list_follows_the_filter_panel(page, map_file):
    open_map(page, map_file)
    caption = page.locator("figure.arms-routes-list figcaption")
    page.get_by_label("Minimum status", exact=True).select_option("reported")
    assert listed(page) == ["fx-gaza", "fx-north", "fx-west"] == api_eval(page, "(api) => api.visibleRoutes()")
    box = page.get_by_label("Weapon system", exact=True)
    box.fill("FX-122")  # an alias of Fixture Rocket
    box.press("Enter")
    assert listed(page) == ["fx-west"]
    words = page.locator(".arms-routes-title .arms-routes-filter").inner_text()
    assert "Fixture Rocket" in words and "reported" in words
    assert words in caption.text_content()  # the caption says what the title box says
    assert page.locator(".arms-routes-list-toggle").inner_text() == "Routes (1)"
    # the keyboard opens the card of what is left
    tab_to_list(page)
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup .arms-routes-card")
    assert card_title(page) == "Libya to Sudan"
    assert page.errors == []


def test_a_filtered_map_names_its_filter_in_the_caption(page, tmp_path, dataset):
    from routes.select import Filters

    path = render_map(dataset, tmp_path / "rocket.html", offline=True, filters=Filters(weapons="FX-122"))
    open_map(page, path)
    caption = page.locator("figure.arms-routes-list figcaption").text_content()
    assert "Fixture Rocket" in caption and "2 of 2 routes shown" in caption  # the weapon by its own name, from an alias
    assert listed(page) == ["fx-lebanon", "fx-west"]


def test_a_long_list_is_listed_in_steps(page, tmp_path, write_dataset):
    routes = [route(f"fx-{i:03d}", ["fx-nampo", "fx-port-sudan"], name=f"Route {i:03d}", legs=[{"mode": "sea"}])
              for i in range(250)]
    open_map(page, render_map(load_dataset([write_dataset(collection(routes))]), tmp_path / "long.html", offline=True))
    assert len(listed(page)) == 200
    more = page.locator(".arms-routes-list-more")
    assert more.text_content() == "Show 50 more (50 not listed yet)"
    page.locator(".arms-routes-list-toggle").click()
    more.click()
    assert listed(page) == [f"fx-{i:03d}" for i in range(250)] and more.is_hidden()
    assert focused(page)["route"] == "fx-200"  # the first of those just listed
    # a waypoint's list too: 250 routes through Nampo
    page.locator(".arms-routes-list-toggle").click()
    assert len(click_waypoint(page, "Fixture Nampo", 125.395)) == 200
    assert "50 more routes not listed here" in page.locator(".leaflet-popup .arms-routes-choice").inner_text()


# -- waypoints and overlapping lines ----------------------------------------------------------------

def marker_point(page, place_id_label: tuple[str, float]) -> dict:
    """Where the waypoint marker with this label and longitude is on the page."""
    return api_eval(page, """(api, [label, lon]) => {
        const marker = api.waypoints.getLayers().find(l => l.place && l.place.label === label && Math.abs(l.place.lon - lon) < 0.01);
        const p = api.map.latLngToContainerPoint(marker.getLatLng()), box = api.map.getContainer().getBoundingClientRect();
        return {x: box.left + p.x, y: box.top + p.y};
    }""", list(place_id_label))


def choice_routes(page) -> list[str]:
    page.wait_for_selector(".leaflet-popup .arms-routes-choice")
    return page.eval_on_selector_all(".leaflet-popup .arms-routes-choice button.arms-routes-pick",
                                     "bs => bs.map(b => b.dataset.route)")


def click_waypoint(page, label: str, lon: float, zoom: int | None = 7) -> list[str]:
    """Click the marker (at `zoom`, centred on it: clear of its neighbours) and return the routes its list offers."""
    api_eval(page, "(api) => { api.map.closePopup(); }")
    page.wait_for_selector(".leaflet-popup", state="detached")
    if zoom is not None:
        api_eval(page, """(api, [label, lon, zoom]) => {
            const marker = api.waypoints.getLayers().find(l => l.place && l.place.label === label && Math.abs(l.place.lon - lon) < 0.01);
            api.map.setView(marker.getLatLng(), zoom, {animate: false}); }""", [label, lon, zoom])
        frames(page)
    point = marker_point(page, (label, lon))
    page.mouse.click(point["x"], point["y"])
    return choice_routes(page)


def test_a_waypoint_click_lists_exactly_the_routes_through_it(page, map_file):
    open_map(page, map_file)
    assert click_waypoint(page, "Fixture Damascus", 36.29) == ["fx-lebanon", "fx-north"]
    assert page.locator(".leaflet-popup .arms-routes-choice h3").inner_text() == "Fixture Damascus"
    assert click_waypoint(page, "Fixture Bandar Abbas", 56.28) == ["fx-gaza", "fx-lebanon"]
    # two places of one name: each lists only its own routes
    assert click_waypoint(page, "Fixture Tripoli", 35.84) == ["fx-north"]
    assert click_waypoint(page, "Fixture Tripoli", 13.19) == ["fx-west"]
    # markers that lie under the pointer together (zoomed out: Damascus, Beirut and Tripoli meet) list all their routes
    assert click_waypoint(page, "Fixture Damascus", 36.29, zoom=3) == ["fx-lebanon", "fx-north"]
    assert page.locator(".leaflet-popup .arms-routes-choice h3").inner_text() == \
        "Fixture Damascus · Fixture Beirut · Fixture Tripoli"
    # the routes the filters hide are counted, not offered
    page.locator(".leaflet-control-layers label", has_text="Artillery and rockets").locator("input").click()
    assert click_waypoint(page, "Fixture Damascus", 36.29) == ["fx-north"]
    assert "1 more route through here hidden by the filters" in page.locator(".leaflet-popup .arms-routes-choice").inner_text()
    # each opens its card
    page.locator(".leaflet-popup .arms-routes-choice button.arms-routes-pick").first.click()
    page.wait_for_selector(".leaflet-popup .arms-routes-card")
    assert card_title(page) == "Tripoli to Damascus"
    page.wait_for_selector(".leaflet-popup .arms-routes-choice", state="detached")  # the card took the list's place
    assert page.errors == []


def crossing_point(page) -> dict:
    """Where the two lines of CROSSING cross, on the page (worked out from the lines as drawn)."""
    return api_eval(page, """(api) => {
        const a = api.routeLayers['fx-down']._rings[0], b = api.routeLayers['fx-across']._rings[0];
        for (let i = 1; i < a.length; i++) for (let j = 1; j < b.length; j++) {
            const p = a[i - 1], r = a[i].subtract(p), q = b[j - 1], s = b[j].subtract(q);
            const d = r.x * s.y - r.y * s.x; if (!d) continue;
            const t = ((q.x - p.x) * s.y - (q.y - p.y) * s.x) / d, u = ((q.x - p.x) * r.y - (q.y - p.y) * r.x) / d;
            if (t > 0 && t < 1 && u > 0 && u < 1) {
                const c = api.map.layerPointToContainerPoint(p.add(r.multiplyBy(t)));
                const box = api.map.getContainer().getBoundingClientRect();
                return {x: box.left + c.x, y: box.top + c.y};
            }
        }
        return null;
    }""")


def test_overlapping_lines_offer_the_choice(page, tmp_path, write_dataset):
    dataset = load_dataset([write_dataset(collection(CROSSING))])
    open_map(page, render_map(dataset, tmp_path / "crossing.html", offline=True))
    point = crossing_point(page)
    assert point is not None
    page.mouse.click(point["x"], point["y"])
    assert choice_routes(page) == ["fx-down", "fx-across"]
    assert page.locator(".leaflet-popup .arms-routes-choice h3").inner_text() == "2 routes here: choose one"
    assert page.locator(".leaflet-popup .arms-routes-card").count() == 0  # not the topmost one's card alone
    page.locator(".leaflet-popup button.arms-routes-pick", has_text="Rafah to Bandar Abbas").click()
    page.wait_for_selector(".leaflet-popup .arms-routes-card")
    assert card_title(page) == "Rafah to Bandar Abbas"
    # away from the crossing, a click on one line opens its card at once
    api_eval(page, "(api) => { api.map.closePopup(); }")
    page.wait_for_selector(".leaflet-popup", state="detached")
    alone = api_eval(page, """(api) => {
        const ring = () => api.routeLayers['fx-down']._rings[0];
        const at = () => ring()[0].add(ring()[1].subtract(ring()[0]).multiplyBy(0.85));
        api.map.setView(api.map.layerPointToLatLng(at()), api.map.getZoom(), {animate: false});  // (in the middle of the map)
        const c = api.map.layerPointToContainerPoint(at()), box = api.map.getContainer().getBoundingClientRect();
        return {x: box.left + c.x, y: box.top + c.y};
    }""")
    frames(page)
    page.mouse.click(alone["x"], alone["y"])
    page.wait_for_selector(".leaflet-popup .arms-routes-card")
    assert card_title(page) == "Beirut to Port Sudan"
    assert page.errors == []


# -- no network: the page says why there is no map -------------------------------------------------------

NO_LEAFLET = "This map needs Leaflet from unpkg.com, which could not be loaded"


def test_a_page_without_leaflet_says_so_and_names_offline(page, tmp_path, dataset):
    path = render_map(dataset, tmp_path / "online.html")  # the default: Leaflet from its CDN
    page.goto(path.resolve().as_uri())
    note = page.locator(".arms-routes-no-leaflet")
    note.wait_for()
    text = note.inner_text()
    assert NO_LEAFLET in text
    assert ("Render it with arms-routes render --offline to get a map that needs no network, or ask whoever sent it "
            "for a copy made with --offline.") in text
    assert note.get_attribute("role") == "alert"
    box = note.bounding_box()
    assert box["width"] > 200 and 0 <= box["y"] < 800  # in the window, not a blank white page
    assert any("unpkg.com" in url for url in page.blocked)


def test_a_fragment_without_leaflet_says_so_and_names_offline(page, tmp_path, dataset):
    fragment = render_map(dataset, tmp_path / "fragment.html", embed=True).read_text(encoding="utf-8")
    host = tmp_path / "host.html"
    host.write_text(f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Host</title></head>"
                    f"<body><main><h1>An article</h1>{fragment}</main></body></html>", encoding="utf-8")
    page.goto(host.resolve().as_uri())
    note = page.locator(".arms-routes-embed .arms-routes-no-leaflet")
    note.wait_for()
    text = note.inner_text()
    assert NO_LEAFLET in text and "arms-routes render --embed --offline" in text
    assert page.locator(".arms-routes-embed .arms-routes-failed").count() == 1  # one message, not two


# -- axe-core ---------------------------------------------------------------------------------------

def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now (axe's script from its PyPI package, run offline)."""
    from axe_playwright_python.base import AXE_FILE_PATH

    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(path=str(AXE_FILE_PATH))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]


def assert_no_critical(page, where: str) -> None:
    critical = [v for v in axe_violations(page) if v["impact"] == "critical"]
    assert critical == [], f"{where}: {json.dumps(critical, indent=1)}"


def exercise(page, where: str) -> None:
    """Check the map as it opens, with its list of routes open, with a card open, and with a waypoint's list open."""
    assert_no_critical(page, f"{where}, as it opens")
    page.locator(".arms-routes-list-toggle").first.click()
    assert_no_critical(page, f"{where}, list open")
    page.locator(".arms-routes-list button.arms-routes-pick").first.click()
    page.wait_for_selector(".leaflet-popup .arms-routes-card")
    assert_no_critical(page, f"{where}, card open")
    api_eval(page, "(api) => { api.map.closePopup(); }")
    page.wait_for_selector(".leaflet-popup", state="detached")
    point = marker_point(page, ("Fixture Damascus", 36.29))
    page.mouse.click(point["x"], point["y"])
    choice_routes(page)
    assert_no_critical(page, f"{where}, waypoint list open")


def test_axe_finds_no_critical_violation_on_an_offline_page(page, map_file):
    open_map(page, map_file)
    exercise(page, "--offline page")


def test_axe_finds_no_critical_violation_on_an_online_page(page, tmp_path, dataset):
    path = render_map(dataset, tmp_path / "online.html")
    serve_leaflet(page)
    open_map(page, path)
    exercise(page, "page")


def test_a_page_says_its_language(page, map_file):
    # (a screen reader picks its voice by it; axe calls its absence serious)
    open_map(page, map_file)
    assert page.evaluate("() => document.documentElement.lang") == "en"
    assert "html-has-lang" not in [v["id"] for v in axe_violations(page)]


def test_axe_finds_no_critical_violation_on_an_embedded_fragment(page, tmp_path, dataset):
    fragment = render_map(dataset, tmp_path / "fragment.html", embed=True, offline=True).read_text(encoding="utf-8")
    host = tmp_path / "host.html"
    host.write_text(f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Host</title></head>"
                    f"<body><main><h1>An article</h1><p>Before the map.</p>{fragment}<p>After it.</p></main></body></html>",
                    encoding="utf-8")
    open_map(page, host)
    exercise(page, "--embed fragment")


# -- a phone ------------------------------------------------------------------------------------------

def in_view(box: dict, width: int, height: int) -> bool:
    return box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= width and box["y"] + box["height"] <= height


def test_on_a_phone_the_card_opened_by_keyboard_scrolls_and_is_in_view(page, map_file):
    page.set_viewport_size({"width": 375, "height": 667})
    open_map(page, map_file)
    # the controls fold: category boxes behind the layers button, the legend behind its button, the list behind its own
    assert page.locator(".leaflet-control-layers-expanded").count() == 0
    assert page.locator(".arms-routes-legend").is_hidden()
    assert page.locator("figure.arms-routes-list").bounding_box()["width"] <= 1
    for selector in (".arms-routes-title", ".arms-routes-list-toggle", ".arms-routes-legend-toggle",
                     ".leaflet-control-layers-toggle", ".leaflet-control-zoom"):
        assert in_view(page.locator(selector).bounding_box(), 375, 667), selector
    title = page.locator(".arms-routes-title").bounding_box()
    toggle = page.locator(".arms-routes-list-toggle").bounding_box()
    assert toggle["y"] >= title["y"] + title["height"] or toggle["x"] + toggle["width"] <= title["x"]  # no overlap

    tab_to_list(page)
    assert in_view(page.locator("figure.arms-routes-list").bounding_box(), 375, 667)
    page.keyboard.press("Enter")  # the first route: twelve evidence items
    page.wait_for_selector(".leaflet-popup .arms-routes-card")
    frames(page)
    page.wait_for_timeout(300)  # (the card pans into view)
    card = page.locator(".leaflet-popup")
    assert in_view(card.bounding_box(), 375, 667)
    content = page.locator(".leaflet-popup-content")
    sizes = content.evaluate("e => ({scroll: e.scrollHeight, client: e.clientHeight, top: e.scrollTop})")
    assert sizes["scroll"] > sizes["client"] + 100 and sizes["top"] == 0
    assert focused(page)["inCard"]
    page.keyboard.press("PageDown")  # the keyboard scrolls the card
    page.wait_for_timeout(300)
    assert content.evaluate("e => e.scrollTop") > 0
    assert page.locator("figure.arms-routes-list").bounding_box()["width"] <= 1  # the list folded for the card
    # the card is clear of the controls above and below it
    for selector in (".arms-routes-title", ".arms-routes-list-toggle", ".arms-routes-legend-toggle"):
        other = page.locator(selector).bounding_box()
        box = page.locator(".leaflet-popup-content-wrapper").bounding_box()
        assert box["y"] >= other["y"] + other["height"] or box["y"] + box["height"] <= other["y"], selector
    assert page.errors == []

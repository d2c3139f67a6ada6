"""Shared fixtures: a CLI runner, tiny datasets built in code, and a headless Chromium with the network cut."""

from __future__ import annotations

import copy
import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("ARMS_ROUTES_CHROMIUM", "/usr/bin/chromium")

# Places and weapon systems of the fixtures travel inside the fixture files (the "places" and
# "weapons" members), so the tests do not depend on what the bundled gazetteer holds.
PLACES = [
    ("fx-pyongyang", "Fixture Pyongyang", "PRK", "city", 125.7625, 39.0392, ["Fx Pyongyang"]),
    ("fx-nampo", "Fixture Nampo", "PRK", "port", 125.3950, 38.7300, []),
    ("fx-bandar-abbas", "Fixture Bandar Abbas", "IRN", "port", 56.2800, 27.1800, []),
    ("fx-port-sudan", "Fixture Port Sudan", "SDN", "port", 37.2164, 19.6158, []),
    ("fx-rafah", "Fixture Rafah", "EGY", "border crossing", 34.2400, 31.2800, []),
    ("fx-gaza", "Fixture Gaza", "PSE", "city", 34.4667, 31.5000, []),
    ("fx-damascus", "Fixture Damascus", "SYR", "city", 36.2913, 33.5138, []),
    ("fx-beirut", "Fixture Beirut", "LBN", "city", 35.5018, 33.8938, []),
]
WEAPONS = [
    {"id": "fx-rpg", "name": "Fixture RPG", "aliases": ["FX-7", "Fixture Rocket Grenade"], "category": "anti-tank"},
    {"id": "fx-rocket", "name": "Fixture Rocket", "aliases": ["FX-122"], "category": "artillery-rockets"},
]
SOURCES = {
    "fx-news": {"title": "Fixture News Report", "author": None, "publisher": "Fixture Daily",
                "published": "2023-10-17", "url": "https://example.org/report", "kind": "news",
                "reliability": "B", "derived_from": []},
    "fx-analysis": {"title": "Fixture Analysis", "author": "A. Analyst", "publisher": "Fixture Institute",
                    "published": "2024", "url": None, "kind": "analysis", "reliability": "C", "derived_from": []},
}


def place_feature(pid, name, country, kind, lon, lat, aliases):
    return {"type": "Feature", "id": pid, "properties": {"name": name, "aliases": aliases, "country": country,
            "kind": kind}, "geometry": {"type": "Point", "coordinates": [lon, lat]}}


COORDS = {p[0]: [p[4], p[5]] for p in PLACES}


def make_route(route_id="fx-route", waypoints=("fx-nampo", "fx-bandar-abbas", "fx-port-sudan"), **props):
    """A valid route through fixture places, with straight legs; keyword arguments override properties."""
    properties = {
        "name": f"Route {route_id}",
        "kind": "arms",
        "waypoints": list(waypoints),
        "legs": [{"mode": "sea"} for _ in range(len(waypoints) - 1)],
        "weapons": ["fx-rpg"],
        "supplier": "North Korea",
        "recipient": "Hamas",
        "intermediaries": ["Iran"],
        "period": {"start": 2009, "end": 2014},
        "status": "reported",
        "evidence": [{"source": "fx-news", "claim": "A fixture claim.", "stance": "supports", "credibility": 3}],
    }
    properties.update(props)
    return {"type": "Feature", "id": route_id, "properties": properties,
            "geometry": {"type": "LineString", "coordinates": [
                COORDS.get(w.get("place") if isinstance(w, dict) else w, [0.0, 0.0]) for w in properties["waypoints"]]}}


def make_collection(routes=None, sources=None):
    return {
        "type": "FeatureCollection",
        "sources": copy.deepcopy(SOURCES if sources is None else sources),
        "weapons": copy.deepcopy(WEAPONS),
        "places": [place_feature(*p) for p in PLACES],
        "features": [make_route()] if routes is None else routes,
    }


@pytest.fixture(scope="session", autouse=True)
def validation_record(tmp_path_factory):
    """Every test session keeps its record of validated files (routes.cache) in a folder of its own,
    never in the user's ~/.cache."""
    folder = tmp_path_factory.mktemp("cache")
    previous = os.environ.get("ARMS_ROUTES_CACHE_DIR")
    os.environ["ARMS_ROUTES_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        del os.environ["ARMS_ROUTES_CACHE_DIR"]
    else:
        os.environ["ARMS_ROUTES_CACHE_DIR"] = previous


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def write_dataset(tmp_path):
    """Write a collection (a dict, or raw text/bytes) to a file in tmp_path and return its path."""

    def write(collection=None, name="routes.geojson"):
        path = tmp_path / name
        if isinstance(collection, bytes):
            path.write_bytes(collection)
        elif isinstance(collection, str):
            path.write_text(collection, encoding="utf-8")
        else:
            data = make_collection() if collection is None else collection
            path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path

    return write


def _chromium_or_skip() -> str:
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return CHROMIUM
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but no Chromium at {CHROMIUM}; install Debian's chromium package")
    pytest.skip(f"no Chromium at {CHROMIUM} (outside CI browser tests skip; `apt-get install chromium` to run them)")


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright; never downloads a browser."""
    path = _chromium_or_skip()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but the playwright package is not installed")
        pytest.skip("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=path,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


def serve_leaflet(page) -> list[str]:
    """Answer the page's requests for Leaflet on its CDN with the installed copy (the network stays
    blocked); returns the list of URLs so answered."""
    from routes.render.html import _leaflet_dir

    served = []

    def leaflet(route):
        served.append(route.request.url)
        route.fulfill(path=str(_leaflet_dir() / Path(route.request.url).name),
                      headers={"Access-Control-Allow-Origin": "*"})

    page.route("https://unpkg.com/**", leaflet)
    return served


def frames(page) -> None:
    """Wait two animation frames: what a redraw the page just asked for has painted by then."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def api_eval(page, script: str, arg=None):
    """Evaluate `script`, a function of the (first) map's window.armsRoutes entry (and `arg`)."""
    return page.evaluate(f"([arg]) => ({script})(Object.values(window.armsRoutes)[0], arg)", [arg])


@pytest.fixture
def page(browser):
    """A fresh page that blocks every network request except file:// and data: URLs, recording what was blocked.

    `page.blocked` lists blocked URLs, `page.errors` page errors, `page.dialogs` any alert/confirm/prompt.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.blocked, page.errors, page.dialogs = [], [], []

    def route(r):
        url = r.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")):
            r.continue_()
        else:
            page.blocked.append(url)
            r.abort()

    context.route("**/*", route)
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield page
    context.close()

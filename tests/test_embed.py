"""`arms-routes render --embed`: an HTML fragment to paste into another page, several to a page.

The file tests check what the fragment is; the browser tests paste two fragments into a host page
written here and check that both maps work, each on its own, with Leaflet loaded once.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cli import app
from conftest import make_collection, make_route, serve_leaflet
from routes import __version__
from routes.render.html import LEAFLET_INTEGRITY, LEAFLET_MARKER, SCRIPTS, _static

ROUTES = [
    make_route("fx-gaza", name="Nampo to Port Sudan",
               evidence=[{"source": "fx-news", "claim": "Crates were unloaded at the port.", "stance": "supports",
                          "credibility": 2}]),
    make_route("fx-twin", name="Second route on the same corridor"),
    make_route("fx-lebanon", name="Bandar Abbas to Beirut", weapons=["fx-rocket"], status="alleged",
               waypoints=["fx-bandar-abbas", "fx-damascus", "fx-beirut"],
               evidence=[{"source": "fx-analysis", "claim": "Rockets went overland to Beirut.", "stance": "supports",
                          "credibility": 3}]),
]


@pytest.fixture
def data(write_dataset) -> str:
    return str(write_dataset(make_collection(ROUTES)))


@pytest.fixture
def embed(runner, data, tmp_path):
    """Run `render --embed` with more options; return the fragment's text."""

    def make(name: str, *options: str) -> str:
        out = tmp_path / name
        result = runner.invoke(app, ["render", "-d", data, "--embed", "-o", str(out), *options])
        assert result.exit_code == 0, result.output
        return out.read_text(encoding="utf-8")

    return make


def ids(fragment: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', fragment))


# -- the fragment as a file ------------------------------------------------------------------------

@pytest.mark.parametrize("options", [[], ["--offline"]])
def test_a_fragment_has_no_html_head_or_body(embed, options):
    fragment = embed("fragment.html", *options)
    assert not re.search(r"<!DOCTYPE|</?html\b|</?head\b|</?body\b|<title\b|<meta\b", fragment, re.I)
    assert fragment.startswith("<!-- arms-routes map: Alleged arms-transfer routes (3 routes) -->\n<div ")


@pytest.mark.parametrize("options", [[], ["--offline"]])
def test_a_fragment_sets_no_style_outside_its_box(embed, options):
    """No stylesheet for the host page: its only rules are Leaflet's and ours, put on the page by script."""
    fragment = embed("fragment.html", *options)
    assert "<style" not in fragment and "<link" not in fragment
    assert not re.search(r"html\s*,\s*body|(^|[\s}])(html|body)\s*\{|#map\s*\{", fragment)
    assert 'style="position:relative;width:100%;height:600px;"' in fragment


def test_height_sets_the_box(embed):
    assert 'style="position:relative;width:100%;height:420px;"' in embed("short.html", "--height", "420")


def test_ids_differ_between_fragments_of_the_same_selection_by_file_name(embed):
    first, second = embed("first.html", "--offline"), embed("second.html", "--offline")
    assert ids(first) and ids(first).isdisjoint(ids(second))
    assert embed("first.html", "--offline") == first  # deterministic: the same name gives the same bytes


def test_ids_differ_between_different_selections(embed):
    assert ids(embed("map.html")).isdisjoint(ids(embed("other.html", "--weapon", "FX-122")))


def test_fragment_and_page_carry_the_same_routes(runner, data, embed, tmp_path):
    def payload(text: str) -> dict:
        return json.loads(re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', text, re.S).group(1))

    assert runner.invoke(app, ["render", "-d", data, "-o", str(tmp_path / "page.html")]).exit_code == 0
    page = payload((tmp_path / "page.html").read_text(encoding="utf-8"))
    assert payload(embed("fragment.html")) == page


def loader_config(fragment: str) -> dict:
    """The JSON values html.py filled into arms-routes-embed.js (its loader of Leaflet and our styles)."""
    script = re.search(r'<script data-arms-routes-asset="arms-routes-embed">\n(.*?)</script>', fragment, re.S).group(1)
    return json.loads(script.rsplit("})(", 1)[1].rsplit(");", 1)[0])


def test_online_fragment_loads_leaflet_from_its_cdn_with_integrity(embed):
    fragment = embed("online.html")
    config = loader_config(fragment)
    assert config["leaflet"] == {"css": "https://unpkg.com/leaflet@1.9.4/dist/leaflet.css",
                                 "cssIntegrity": LEAFLET_INTEGRITY["leaflet.css"],
                                 "js": "https://unpkg.com/leaflet@1.9.4/dist/leaflet.js",
                                 "jsIntegrity": LEAFLET_INTEGRITY["leaflet.js"]}
    assert config["leafletCss"] is None and config["css"] == _static("arms-routes.css")
    assert "Leaflet 1.9.4, a JS library" not in fragment  # not inlined
    assert "tile.openstreetmap.org" in fragment


def test_an_offline_fragment_inlines_leaflet_and_our_scripts_in_order(embed):
    fragment = embed("offline.html", "--offline")
    config = loader_config(fragment)
    assert config["leaflet"] is None and "leaflet-control" in config["leafletCss"]
    assets = re.findall(r'<script data-arms-routes-asset="([^"]+)">', fragment)
    assert assets == ["arms-routes-embed", "leaflet-1.9.4",
                      *[f"{name.removesuffix('.js')}-{__version__}" for name in SCRIPTS]]
    for name in SCRIPTS:
        assert fragment.count(_static(name)) == 1
    assert "Leaflet 1.9.4, a JS library" in fragment and LEAFLET_MARKER not in fragment


def test_a_page_runs_our_scripts_in_order(runner, data, tmp_path):
    for options in ([], ["--offline"]):
        out = tmp_path / "page.html"
        assert runner.invoke(app, ["render", "-d", data, "-o", str(out), *options]).exit_code == 0
        page = out.read_text(encoding="utf-8")
        at = [page.index(_static(name)) for name in SCRIPTS]
        assert at == sorted(at) and all(page.count(_static(name)) == 1 for name in SCRIPTS)
        assert at[0] > page.index("Leaflet 1.9.4" if options else "leaflet.js")
        assert at[-1] < page.rindex("window.armsRoutesDraw(")  # (the draw call, in folium's script)


def test_html_py_writes_no_script_of_its_own():
    """Issue 15: our JavaScript lives in routes/render/static/; html.py only fills in JSON values and
    joins the parts (Leaflet's code, folium's map script and the one-line calls of ours)."""
    import routes.render.html as html_module

    source = Path(html_module.__file__).read_text(encoding="utf-8")
    for code in ("document.", "createElement", "addEventListener", ".then(", "catch (", "if ("):
        assert code not in source, code
    assert source.count("function (") == 1  # the fragment's call: draw this map once Leaflet is there
    assert "window.armsRoutesWhenLeaflet({_js_value(box_id)}, function () {{" in source
    static = Path(html_module.__file__).parent / "static"
    assert sorted(p.name for p in static.glob("*.js")) == sorted({*SCRIPTS, "arms-routes-embed.js",
                                                                 "arms-routes-leaflet.js"})


# -- two fragments on one page, in a browser ---------------------------------------------------------

HOST = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Host report</title>
<style>body {{ margin: 40px; font-family: serif; }} h1 {{ color: rgb(10, 20, 30); }}</style>
<script>
  // Counts how often Leaflet is executed: each run of leaflet.js ends by setting window.L.
  (function () {{
    var value, runs = 0;
    Object.defineProperty(window, "L", {{configurable: true, get: function () {{ return value; }},
                                         set: function (v) {{ runs += 1; value = v; }}}});
    window.leafletRuns = function () {{ return runs; }};
  }})();
</script>
</head>
<body>
<h1>Host report</h1>
<p id="intro">Text of the report before the first map.</p>
{first}
<p id="between">Text between the maps.</p>
<section style="max-width: 900px">
{second}
</section>
<p id="outro">Text after the maps.</p>
</body>
</html>
"""


def host_page(tmp_path: Path, first: str, second: str) -> Path:
    path = tmp_path / "host.html"
    path.write_text(HOST.format(first=first, second=second), encoding="utf-8")
    return path


def map_ids(fragment: str) -> str:
    return re.search(r'class="folium-map arms-routes-map" id="([^"]+)"', fragment).group(1)


def open_host(page, path: Path, count: int = 2) -> None:
    page.goto(path.resolve().as_uri())
    page.wait_for_function(f"window.armsRoutes && Object.keys(window.armsRoutes).length === {count}")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def drawn_routes(page, map_id: str) -> list[str]:
    return page.evaluate("""(mapId) => {
        const api = window.armsRoutes[mapId], ids = new Set();
        api.map.eachLayer(l => { if (l instanceof L.Path && l.feature && l.feature.properties.id) ids.add(l.feature.properties.id); });
        return [...ids].sort();
    }""", map_id)


def click_route(page, map_id: str, route_id: str) -> None:
    """A real mouse click on a route's line in one map; waits for that map's card."""
    point = page.evaluate("""([mapId, id]) => {
        const api = window.armsRoutes[mapId];
        api.map.getContainer().scrollIntoView({block: 'center'});
        let p = api.routePoint(id);
        api.map.setView(api.map.containerPointToLatLng([p.x, p.y]), api.map.getZoom(), {animate: false});
        p = api.routePoint(id);
        const box = api.map.getContainer().getBoundingClientRect();
        return {x: box.left + p.x, y: box.top + p.y};
    }""", [map_id, route_id])
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.mouse.click(point["x"], point["y"])
    page.wait_for_selector(f"#{map_id} .leaflet-popup .arms-routes-card")


@pytest.fixture
def two_offline_maps(embed, tmp_path):
    """A host page with two different offline fragments: all three routes, and two of them 450 px high."""
    first = embed("all.html", "--offline")
    second = embed("two.html", "--offline", "--route", "fx-gaza", "--route", "fx-lebanon", "--height", "450",
                   "--title", "Two routes")
    return host_page(tmp_path, first, second), map_ids(first), map_ids(second)


@pytest.mark.browser
def test_two_offline_fragments_on_one_page_each_draw_their_routes(page, two_offline_maps):
    path, first, second = two_offline_maps
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    open_host(page, path)
    assert first != second and sorted(page.evaluate("() => Object.keys(window.armsRoutes)")) == sorted([first, second])
    assert drawn_routes(page, first) == ["fx-gaza", "fx-lebanon", "fx-twin"]
    assert drawn_routes(page, second) == ["fx-gaza", "fx-lebanon"]
    boxes = page.evaluate("""(ids) => ids.map(id => document.getElementById(id).getBoundingClientRect().height)""",
                          [first, second])
    assert boxes == [600, 450]
    titles = page.locator(".arms-routes-title-text").all_inner_texts()
    assert titles == ["Alleged arms-transfer routes", "Two routes"]  # (the title box's counts are on its filter line)
    once = page.evaluate("""() => ({
        leafletRuns: window.leafletRuns(),
        leafletCss: document.querySelectorAll('#arms-routes-leaflet-css').length,
        ourCss: document.querySelectorAll('#arms-routes-css').length,
        styles: document.querySelectorAll('style').length,
        legends: document.querySelectorAll('.arms-routes-legend').length})""")
    assert once == {"leafletRuns": 1, "leafletCss": 1, "ourCss": 1, "styles": 3, "legends": 2}
    host = page.evaluate("""() => ({margin: getComputedStyle(document.body).margin,
        font: getComputedStyle(document.body).fontFamily, h1: getComputedStyle(document.querySelector('h1')).color,
        htmlHeight: document.documentElement.style.height, outro: document.getElementById('outro').textContent})""")
    assert host == {"margin": "40px", "font": "serif", "h1": "rgb(10, 20, 30)", "htmlHeight": "",
                    "outro": "Text after the maps."}
    assert page.blocked == [] and requested == [path.resolve().as_uri()]
    assert page.errors == [] and page.dialogs == []


@pytest.mark.browser
def test_each_map_opens_its_own_popup(page, two_offline_maps):
    path, first, second = two_offline_maps
    open_host(page, path)
    click_route(page, first, "fx-gaza")
    assert "Crates were unloaded at the port." in page.locator(f"#{first} .leaflet-popup .arms-routes-card").inner_text()
    assert page.locator(f"#{second} .leaflet-popup").count() == 0
    click_route(page, second, "fx-lebanon")
    card = page.locator(f"#{second} .leaflet-popup .arms-routes-card")
    assert "Bandar Abbas to Beirut" in card.inner_text() and "Rockets went overland to Beirut." in card.inner_text()
    assert page.locator(".leaflet-popup").count() == 2  # the first map's card is still open, in the first map
    assert page.locator(f"#{first} .leaflet-popup .arms-routes-card h3").inner_text() == "Nampo to Port Sudan"
    assert page.errors == [] and page.blocked == []


@pytest.mark.browser
def test_toggling_a_category_in_one_map_leaves_the_other_alone(page, two_offline_maps):
    path, first, second = two_offline_maps
    open_host(page, path)
    page.locator(f"#{first} .leaflet-control-layers label", has_text="Anti-tank weapons").locator("input").click()
    assert drawn_routes(page, first) == ["fx-lebanon"]
    assert drawn_routes(page, second) == ["fx-gaza", "fx-lebanon"]
    page.locator(f"#{second} .leaflet-control-layers label", has_text="Artillery and rockets").locator("input").click()
    assert drawn_routes(page, second) == ["fx-gaza"]
    assert drawn_routes(page, first) == ["fx-lebanon"]
    assert page.errors == [] and page.blocked == []


@pytest.mark.browser
def test_online_fragments_load_leaflet_from_the_cdn_once(page, embed, tmp_path):
    """Served here from the installed copy; tiles stay blocked."""
    first = embed("a.html")
    second = embed("b.html", "--weapon", "FX-122", "--tiles", "none")
    served = serve_leaflet(page)
    open_host(page, host_page(tmp_path, first, second))
    assert sorted(Path(u).name for u in served) == ["leaflet.css", "leaflet.js"]
    assert page.evaluate("() => window.leafletRuns()") == 1
    assert drawn_routes(page, map_ids(first)) == ["fx-gaza", "fx-lebanon", "fx-twin"]
    assert drawn_routes(page, map_ids(second)) == ["fx-lebanon"]
    assert page.blocked and all("tile.openstreetmap.org" in url for url in page.blocked)
    assert page.errors == []


@pytest.mark.browser
def test_an_online_fragment_without_network_says_so_in_its_box(page, embed, tmp_path):
    fragment = embed("a.html")
    page.goto(host_page(tmp_path, fragment, "").resolve().as_uri())
    note = page.locator(f"#{map_ids(fragment)}_box .arms-routes-failed".replace("map_", "", 1))
    note.wait_for()
    # (the words of arms-routes-access.js: what failed, and how to get a map that needs no network)
    assert note.inner_text().startswith("This map needs Leaflet from unpkg.com, which could not be loaded")
    assert "arms-routes render --embed --offline" in note.inner_text()
    assert any("unpkg.com" in url for url in page.blocked)
    assert page.locator("#outro").inner_text() == "Text after the maps."
    assert page.errors == [] and page.dialogs == []


@pytest.mark.browser
def test_a_small_fragment_folds_its_layer_control_and_legend(page, embed, tmp_path):
    fragment = embed("small.html", "--offline", "--height", "300")
    open_host(page, host_page(tmp_path, fragment, ""), count=1)
    map_id = map_ids(fragment)
    legend = page.locator(f"#{map_id} .arms-routes-legend")
    assert page.locator(f"#{map_id} .leaflet-control-layers-expanded").count() == 0
    assert not legend.is_visible()
    page.locator(f"#{map_id} .arms-routes-legend-toggle").click()
    assert legend.is_visible() and "direction; hollow" in legend.inner_text()
    assert drawn_routes(page, map_id) == ["fx-gaza", "fx-lebanon", "fx-twin"]
    assert page.errors == [] and page.blocked == []


@pytest.mark.browser
def test_the_iframe_route_works_sandboxed(page, runner, data, tmp_path):
    """The README's iframe snippet, with its sandbox: the map inside draws, and a card opens."""
    assert runner.invoke(app, ["render", "-d", data, "--offline", "-o", str(tmp_path / "f7.html")]).exit_code == 0
    iframe = ('<iframe src="f7.html" width="100%" height="600" style="border:0" loading="lazy" '
              'title="Alleged F-7 transfer routes" sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox">'
              '</iframe>')
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert '<iframe src="f7.html" width="100%" height="600" style="border:0" loading="lazy"' in readme
    page.goto(host_page(tmp_path, iframe, "").resolve().as_uri())
    frame = page.frame_locator("iframe")
    frame.locator(".arms-routes-title").wait_for()
    inner = page.frames[1]
    inner.wait_for_function("window.armsRoutes && Object.keys(window.armsRoutes).length === 1")
    assert inner.evaluate("() => Object.keys(Object.values(window.armsRoutes)[0].routeLayers).length") == 3
    inner.evaluate("() => { Object.values(window.armsRoutes)[0].routeLayers['fx-gaza'].openPopup(); }")
    assert "Crates were unloaded at the port." in frame.locator(".leaflet-popup .arms-routes-card").inner_text()
    assert page.errors == [] and page.blocked == []

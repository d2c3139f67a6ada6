"""The interactive map: a folium skeleton (map, tiles, scale bar) that carries the route payload as
JSON and our own small script, which draws it and fits the view. Written as a page of its own
(`map_page`) or as a fragment to paste into another page (`map_fragment`); online (Leaflet from its
CDN, web tiles) or offline (Leaflet inlined from the installed django-js-lib-leaflet package, the
bundled Natural Earth country outlines instead of tiles: no network request at all).

Every output is deterministic (the same data and options give the same bytes: every folium element
gets an id derived from the content, never a random one) and safe (data reaches the page only as
JSON in a non-executable script block, which our script puts on the page as text).
"""

from __future__ import annotations

import base64
import functools
import gc
import hashlib
import html
import json
import re
import sys
import warnings
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .. import __version__, paths
from ..dataset import Dataset
from ..errors import RoutesError, UsageError
from ..names import closest, normalise
from ..select import Filters
from .payload import build_payload, split_cards

LEAFLET_VERSION = "1.9.4"
LEAFLET_CDN = f"https://unpkg.com/leaflet@{LEAFLET_VERSION}/dist"
# Subresource integrity of Leaflet 1.9.4's dist files, as leafletjs.com publishes them: a browser
# runs the CDN's copy only if it is exactly this file.
LEAFLET_INTEGRITY = {"leaflet.js": "sha256-20nQCchB9co0qIjJZRGuk2/Z9VM+kNiyxNV1lvTlZBo=",
                     "leaflet.css": "sha256-p4NxAoJBhIIN+hmNHrzRCf9tD/miZyoHS5obTRR9BMY="}

# The backgrounds `--tiles` offers: our name -> (folium's tile-set name, what it looks like). None
# of them needs an API key. Folium's own names ("OpenStreetMap", "CartoDB.Positron", ...) are
# accepted for these too.
TILE_SETS: dict[str, tuple[str | None, str]] = {
    "osm": ("OpenStreetMap", "OpenStreetMap's standard map"),
    "carto-light": ("CartoDB.Positron", "CARTO Positron, pale grey: coloured routes stand out"),
    "carto-dark": ("CartoDB.DarkMatter", "CARTO Dark Matter, near black"),
    "topo": ("OpenTopoMap", "OpenTopoMap: terrain, relief and contour lines"),
    "satellite": ("Esri.WorldImagery", "Esri World Imagery: satellite and aerial photos"),
    "none": (None, "no background at all"),
}
DEFAULT_TILES = "osm"
NO_TILES = "none"
OFFLINE_BACKGROUND = "#dde7ef"
DEFAULT_HEIGHT = 600  # px, of an --embed fragment
# Our scripts (routes/render/static/), in the order every map runs them: the map itself, documented
# trade as flows (before the filter panel, which then filters the deals too), the filter panel, time
# control and state in the URL, then access without a mouse. A page inlines each once;
# every --embed fragment carries them, and the first one on a page runs them (each returns at once
# when it has run before).
SCRIPTS = ("arms-routes.js", "arms-routes-flows.js", "arms-routes-filters.js", "arms-routes-access.js")
LEAFLET_MARKER = "/*@leaflet.js@*/"  # where arms-routes-leaflet.js has Leaflet's own script inlined
HEIGHT_RANGE = (200, 4000)


def tile_set(tiles: str | None, *, offline: bool = False) -> str:
    """Our name of a background (`TILE_SETS`) for a name or folium alias; `UsageError` for an unknown one.

    None means the default: "osm" online; offline, the bundled country outlines ("none" drops those too).
    """
    if tiles is None:
        return "countries" if offline else DEFAULT_TILES
    names = {normalise(name): name for name in TILE_SETS}
    names.update({normalise(folium_name): name for name, (folium_name, _) in TILE_SETS.items() if folium_name})
    found = names.get(normalise(tiles))
    if found is None:
        raise UsageError(f"unknown tile set {tiles!r}; choose one of {', '.join(TILE_SETS)}",
                         suggestions=closest(tiles, names))
    if offline and found != NO_TILES:
        raise UsageError(f"--offline draws the bundled country outlines instead of web tiles, so --tiles {tiles} "
                         "cannot apply; leave --tiles out (or give --tiles none for a plain background)")
    return found


def _folium():
    """The folium module, imported without pandas when nothing has imported pandas yet.

    folium looks for pandas only to accept DataFrames as data (and does without it when it is not
    installed); these maps never give it one, and importing pandas is a third of a second of every
    `render`. Later imports of pandas in the same process work as usual.
    """
    if "folium" in sys.modules or "pandas" in sys.modules:
        import folium
        return folium
    sys.modules["pandas"] = None  # so `import pandas` raises ImportError, which folium expects
    try:
        import folium
    finally:
        del sys.modules["pandas"]
    return folium


def _without_gc(function):
    """Run `function` with Python's cyclic garbage collector paused: a map of 10,000 routes makes
    millions of small objects (and no reference cycles), and each collection would walk all of them
    and the loaded dataset too, for a fifth of the time of the whole render."""
    @functools.wraps(function)
    def paused(*args, **kwargs):
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()
    return paused


@dataclass
class _Map:
    """A map made ready to be written as a page or a fragment."""

    fmap: object  # the folium.Map, its draw call attached
    map_id: str
    data_id: str
    title: str
    data_json: str
    cards_id: str  # the evidence on route cards, in a block after the map script (see payload.split_cards)
    cards_json: str

    def cards_block(self) -> str:
        return f'<script type="application/json" id="{self.cards_id}">{self.cards_json}</script>'


@_without_gc
def map_page(
    dataset: Dataset,
    *,
    title: str | None = None,
    filters: Filters | None = None,
    offline: bool = False,
    tiles: str | None = None,
    flows=None,
) -> str:
    """The HTML of an interactive map of the routes in `dataset`: one page that fills its window.

    `offline` inlines Leaflet and draws the bundled Natural Earth country outlines instead of web
    tiles, so the page makes no network request at all. `tiles` names a background from
    `TILE_SETS` (default "osm"; "none" for no background, offline too). `flows` says whether and how
    the deals of a dataset source are summed into flows (routes.flows.FlowOptions, or what
    `FlowOptions.of` takes; default: from FLOW_THRESHOLD deals on).
    """
    built = _build(dataset, title=title, filters=filters, offline=offline, tiles=tiles, flows=flows)
    fmap = built.fmap
    figure = fmap.get_root()
    figure._id = f"{built.map_id}_page"
    header = figure.header
    header.add_child(_raw(f"<title>{html.escape(built.title)}</title>"), name="arms_routes_title")
    for name, element in _assets(offline):
        header.add_child(_raw(element), name=name)
    if offline:
        header.add_child(_raw(f"<style>#{fmap.get_name()} {{ background: {OFFLINE_BACKGROUND}; }}</style>"),
                         name="arms_routes_background")
    figure.html.add_child(_raw(f'<script type="application/json" id="{built.data_id}">{built.data_json}</script>'),
                          name="arms_routes_data")
    page = figure.render().replace("<html>", '<html lang="en">', 1)  # (the words of our title, legend and cards)
    end = page.rindex("</html>")
    # folium's script (the map, its tiles, scale bar and our draw call) runs once Leaflet is there, as a
    # fragment's does: a page whose Leaflet could not load says so in words, and throws nothing
    start = page.rindex("<script>", 0, end) + len("<script>")
    close = page.rindex("</script>", start, end)
    page = f"{page[:start]}\n{_when_leaflet(fmap.get_name(), page[start:close].strip())}\n{page[close:]}"
    end = page.rindex("</html>")
    return f"{page[:end]}{built.cards_block()}\n{page[end:]}\n"


@_without_gc
def map_fragment(
    dataset: Dataset,
    *,
    title: str | None = None,
    filters: Filters | None = None,
    offline: bool = False,
    tiles: str | None = None,
    height: int = DEFAULT_HEIGHT,
    name: str = "",
    flows=None,
) -> str:
    """An HTML fragment of the map (no html, head or body) to paste into another page.

    The fragment is a box `height` pixels high and as wide as its parent. Its ids come from the
    content and `name` (the output file's name), so several fragments work on one page; it sets no
    style outside its own box. Leaflet (inlined when `offline`, else from its CDN), our script and
    our styles are put on the page by whichever fragment comes first, and only once. `flows` as
    `map_page` takes it.
    """
    low, high = HEIGHT_RANGE
    if not low <= height <= high:
        raise UsageError(f"--height {height} is out of range; give {low} to {high} pixels")
    built = _build(dataset, title=title, filters=filters, offline=offline, tiles=tiles,
                   salt=f"embed\n{height}\n{name}", key=state_key(name), flows=flows)
    fmap = built.fmap
    fmap.render()  # puts folium's script for the map (map, scale, tiles, fitted view, our draw call) in the figure
    script = fmap.get_root().script.render().strip()
    background = f"background:{OFFLINE_BACKGROUND};" if offline else ""
    box_id = f"{built.map_id}_box"
    return "\n".join([
        f"<!-- arms-routes map: {html.escape(built.title).replace('--', '&#45;&#45;')} -->",
        f'<div class="arms-routes-embed" id="{box_id}" style="position:relative;width:100%;height:{height}px;">',
        f'<div class="folium-map arms-routes-map" id="{fmap.get_name()}" style="position:absolute;'
        f'top:0;right:0;bottom:0;left:0;font-size:1rem;{background}"></div>',
        "</div>",
        f'<script type="application/json" id="{built.data_id}">{built.data_json}</script>',
        *_embed_assets(offline),
        f"<script>\n{_when_leaflet(box_id, script)}\n</script>",
        built.cards_block(),
    ]) + "\n"


def _when_leaflet(box_id: str, script: str) -> str:
    """folium's `script` for a map (map, tiles, scale bar, our draw call), run by armsRoutesWhenLeaflet
    once Leaflet is there (arms-routes-embed.js's for a fragment, arms-routes-access.js's for a page),
    which otherwise says in the box `box_id`, in words, why there is no map."""
    return f"window.armsRoutesWhenLeaflet({_js_value(box_id)}, function () {{\n{script}\n}});"


def state_key(name: str) -> str:
    """The map's name in the URL fragment that holds its state (`#KEY.w=F-7&KEY.t=2016`, see
    arms-routes-filters.js): "map" for a page, an --embed fragment's file name made safe ("f7-fragment"),
    so two fragments on one page keep their own state and a link still finds it after re-rendering."""
    key = re.sub(r"[^a-z0-9]+", "-", Path(name).stem.lower()).strip("-")[:40]
    return key or "map"


def _build(dataset: Dataset, *, title, filters, offline: bool, tiles: str | None, salt: str = "",
           key: str = "map", flows=None) -> _Map:
    """The folium map of the routes (tiles, scale bar, fitted view, our draw call) and the payload it draws."""
    folium = _folium()

    background = tile_set(tiles, offline=offline)
    payload, cards = split_cards(build_payload(dataset, title=title, filters=filters, flows=flows))
    payload["basemap"] = _offline_basemap() if background == "countries" else None
    data_json, cards_json = json_text(payload), json_text(cards)
    # Ids come from the content (and, for fragments, the output's name), so the same data and
    # options give the same page, and two different maps on one page do not clash.
    digest = hashlib.sha256(f"{offline}\n{background}\n{salt}\n{data_json}\n{cards_json}".encode()).hexdigest()[:12]
    map_id = f"arms_routes_{digest}"
    data_id = f"arms-routes-data-{digest}"
    cards_id = f"arms-routes-cards-{digest}"

    (south, west), (north, east) = payload["bounds"]
    fmap = folium.Map(location=[(south + north) / 2, (west + east) / 2], zoom_start=3, tiles=None,
                      control_scale=True, prefer_canvas=True, world_copy_jump=False, zoom_snap=0.25)
    fmap._id = map_id
    fmap.default_js, fmap.default_css = [], []  # no jQuery, Bootstrap or icon fonts: Leaflet is all we need
    fmap.get_root()._id = f"{map_id}_page"
    tile_layer = _tile_layer(background)
    if tile_layer is not None:
        tile_layer._id = f"{map_id}_tiles"
        fmap.add_child(tile_layer, name="arms_routes_tiles")
    # Our script fits the view to the routes, in the room the title, layer control and legend leave.
    fmap.add_child(_draw_call(data_id, cards_id, f"{map_id}_draw", key), name="arms_routes_draw")
    return _Map(fmap, map_id, data_id, payload["title"], data_json, cards_id, cards_json)


def json_text(payload: dict) -> str:
    """The payload as JSON that can sit inside a <script> block: no text in it can close the block."""
    import orjson

    text = orjson.dumps(payload).decode("utf-8")  # compact, UTF-8; a tenth of json.dumps's time
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _raw(text: str):
    """A folium element that is exactly `text`: never parsed as a Jinja template (data may contain "{{")."""
    _folium()
    from branca.element import Element

    element = Element()
    element.render = lambda **kwargs: text
    return element


def _tile_layer(background: str):
    """The folium TileLayer of a background from `TILE_SETS`; None for "none" and offline outlines."""
    folium = _folium()

    folium_name = TILE_SETS.get(background, (None, ""))[0]
    if folium_name is None:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # folium warns about API keys some providers want; these need none
        return folium.TileLayer(folium_name, name=background)


def _offline_basemap() -> dict | None:
    """Country outlines for offline maps, from data/geo/countries.geojson when it is bundled.

    The hook for the Natural Earth basemap: without the file an offline map has a plain background.
    """
    path = paths.bundled_countries()
    if not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RoutesError(f"cannot read the country outlines: {exc}", path=path) from None
    features = []
    for feature in doc.get("features") or []:
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if isinstance(geometry, dict) and geometry.get("type") in ("Polygon", "MultiPolygon"):
            features.append({"type": "Feature", "properties": {},
                             "geometry": {"type": geometry["type"], "coordinates": _round(geometry["coordinates"], 2)}})
    return {"type": "FeatureCollection", "features": features}


def _round(value, digits: int):
    if isinstance(value, list):
        return [_round(v, digits) for v in value]
    return round(float(value), digits)


@functools.cache
def _leaflet_dir() -> Path:
    """The folder of Leaflet's dist files in the installed django-js-lib-leaflet package."""
    try:
        folder = Path(str(resources.files("js_lib_leaflet"))) / "static" / "js_lib_leaflet"
    except ModuleNotFoundError:
        folder = None
    if folder is None or not (folder / "leaflet.js").is_file():
        raise RoutesError("Leaflet is not installed: offline maps need the django-js-lib-leaflet package "
                          "(pip install django-js-lib-leaflet)")
    return folder


@functools.cache
def _static(name: str) -> str:
    return (Path(__file__).parent / "static" / name).read_text(encoding="utf-8")


@functools.cache
def _leaflet_inline() -> tuple[str, str]:
    """Leaflet's JS and CSS from the installed package, made to need nothing else: the CSS's images
    become data: URIs, its comments (which name bug trackers) and the JS's source-map line go."""
    folder = _leaflet_dir()
    js = (folder / "leaflet.js").read_text(encoding="utf-8").replace("</script", "<\\/script")
    js = re.sub(r"//# sourceMappingURL=\S+", "", js).strip()

    def data_uri(match: re.Match) -> str:
        image = folder / "images" / match.group(1)
        encoded = base64.b64encode(image.read_bytes()).decode("ascii") if image.is_file() else ""
        return f"url(data:image/png;base64,{encoded})"

    css = re.sub(r"/\*.*?\*/", "", (folder / "leaflet.css").read_text(encoding="utf-8"), flags=re.S)
    css = re.sub(r"url\(images/([\w.-]+\.png)\)", data_uri, css)
    css = re.sub(r"\n\s*\n+", "\n", css).strip()
    return js, css


def _assets(offline: bool) -> list[tuple[str, str]]:
    """Leaflet (inlined when offline, else from its CDN with subresource integrity), then our CSS and
    our SCRIPTS, in order."""
    if offline:
        js, css = _leaflet_inline()
        leaflet = [("leaflet_css", f"<style>{css}</style>"), ("leaflet_js", f"<script>{js}</script>")]
    else:
        leaflet = [
            ("leaflet_css", f'<link rel="stylesheet" href="{LEAFLET_CDN}/leaflet.css" '
                            f'integrity="{LEAFLET_INTEGRITY["leaflet.css"]}" crossorigin="anonymous"/>'),
            ("leaflet_js", f'<script src="{LEAFLET_CDN}/leaflet.js" '
                           f'integrity="{LEAFLET_INTEGRITY["leaflet.js"]}" crossorigin="anonymous"></script>'),
        ]
    ours = [(name.removesuffix(".js").replace("-", "_") + "_js", f"<script>\n{_static(name)}</script>")
            for name in SCRIPTS]
    return [*leaflet, ("arms_routes_css", f"<style>{_static('arms-routes.css')}</style>"), *ours]


def _js_value(value) -> str:
    """`value` as JSON that can sit inside a <script> block (no text in it can close the block)."""
    return (json.dumps(value, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _filled(name: str, **values) -> str:
    """A static script of ours with each of its markers `/*@key@*/null` replaced by `values[key]` as JSON."""
    text = _static(name)
    for key, value in values.items():
        marker = f"/*@{key}@*/null"
        if text.count(marker) != 1:
            raise AssertionError(f"{name} has no single marker {marker}")
        text = text.replace(marker, _js_value(value))
    return text


def _embed_assets(offline: bool) -> list[str]:
    """The scripts of a fragment that put Leaflet, our styles and our scripts on the page, once per page.

    arms-routes-embed.js puts the stylesheets on the page and sets `window.armsRoutesLeaflet`, a
    promise of Leaflet (resolved at once when Leaflet is inlined or the page already has it, else
    when the CDN's copy has loaded); every fragment draws its map when that promise resolves. Our
    SCRIPTS each run once per page, whichever fragment comes first.
    """
    if offline:
        js, css = _leaflet_inline()
        loader = _filled("arms-routes-embed.js", config={"leaflet": None, "leafletCss": css,
                                                         "css": _static("arms-routes.css")})
        leaflet = _static("arms-routes-leaflet.js")
        if leaflet.count(LEAFLET_MARKER) != 1:
            raise AssertionError(f"arms-routes-leaflet.js has no single marker {LEAFLET_MARKER}")
        assets = [("arms-routes-embed", loader), (f"leaflet-{LEAFLET_VERSION}", leaflet.replace(LEAFLET_MARKER, js))]
    else:
        loader = _filled("arms-routes-embed.js", config={
            "leaflet": {"css": f"{LEAFLET_CDN}/leaflet.css", "cssIntegrity": LEAFLET_INTEGRITY["leaflet.css"],
                        "js": f"{LEAFLET_CDN}/leaflet.js", "jsIntegrity": LEAFLET_INTEGRITY["leaflet.js"]},
            "leafletCss": None, "css": _static("arms-routes.css")})
        assets = [("arms-routes-embed", loader)]
    assets += [(f"{name.removesuffix('.js')}-{__version__}", _static(name)) for name in SCRIPTS]
    return [f'<script data-arms-routes-asset="{asset}">\n{text}</script>' for asset, text in assets]


def _draw_call(data_id: str, cards_id: str, element_id: str, key: str):
    """The line of script that has our script draw the payload on the folium map, once Leaflet made it."""
    _folium()
    from folium.elements import MacroElement
    from folium.template import Template

    call = MacroElement()
    call._id = element_id
    call._template = Template("{% macro script(this, kwargs) %}window.armsRoutesDraw({{ this._parent.get_name() }}, "
                              + json.dumps(data_id) + ", " + json.dumps(cards_id) + ", "
                              + _js_value({"key": key}) + ");{% endmacro %}")
    return call

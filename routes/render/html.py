"""The interactive map page: a folium skeleton (map, tiles, scale bar, fitted view) that carries the
route payload as JSON and our own small script to draw it.

The page is deterministic (the same data and options give the same bytes: every folium element gets
an id derived from the content, never a random one) and safe (data reaches the page only as JSON in
a non-executable script block, which our script puts on the page as text).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import warnings
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .. import paths
from ..dataset import Dataset
from ..errors import RoutesError, UsageError
from ..names import closest, normalise
from ..select import Filters
from .payload import build_payload

LEAFLET_VERSION = "1.9.4"
LEAFLET_CDN = f"https://unpkg.com/leaflet@{LEAFLET_VERSION}/dist"
# Subresource integrity of Leaflet 1.9.4's dist files, as leafletjs.com publishes them: a browser
# runs the CDN's copy only if it is exactly this file.
LEAFLET_INTEGRITY = {"leaflet.js": "sha256-20nQCchB9co0qIjJZRGuk2/Z9VM+kNiyxNV1lvTlZBo=",
                     "leaflet.css": "sha256-p4NxAoJBhIIN+hmNHrzRCf9tD/miZyoHS5obTRR9BMY="}
DEFAULT_TILES = "OpenStreetMap"
NO_TILES = "none"
SUGGESTED_TILES = ("OpenStreetMap", "OpenTopoMap", "Esri.WorldImagery", "CartoDB.Positron", NO_TILES)
OFFLINE_BACKGROUND = "#dde7ef"


def map_page(
    dataset: Dataset,
    *,
    title: str | None = None,
    filters: Filters | None = None,
    offline: bool = False,
    tiles: str | None = DEFAULT_TILES,
) -> str:
    """The HTML of an interactive map of the routes in `dataset`.

    `offline` inlines Leaflet and draws no tile layer (a plain background, or the bundled country
    outlines when present), so the page needs no network at all. `tiles` names a folium tile set
    ("OpenStreetMap", "CartoDB.Positron", ...) or "none".
    """
    import folium

    tile_layer = None if offline else _tile_layer(tiles)
    payload = build_payload(dataset, title=title, filters=filters)
    page_title = payload["title"]
    payload["basemap"] = _offline_basemap() if offline else None
    data_json = json_text(payload)
    # Ids come from the content, so the same data and options give the same page, and two
    # different maps on one page do not clash.
    digest = hashlib.sha256(f"{offline}\n{tiles}\n{data_json}".encode("utf-8")).hexdigest()[:12]
    map_id = f"arms_routes_{digest}"
    data_id = f"arms-routes-data-{digest}"

    (south, west), (north, east) = payload["bounds"]
    fmap = folium.Map(location=[(south + north) / 2, (west + east) / 2], zoom_start=3, tiles=None,
                      control_scale=True, prefer_canvas=True, world_copy_jump=False, zoom_snap=0.25)
    fmap._id = map_id
    fmap.default_js, fmap.default_css = [], []  # no jQuery, Bootstrap or icon fonts: Leaflet is all we need
    figure = fmap.get_root()
    figure._id = f"{map_id}_page"
    header = figure.header
    header.add_child(_raw(f"<title>{html.escape(page_title)}</title>"), name="arms_routes_title")
    for name, element in _assets(offline):
        header.add_child(_raw(element), name=name)
    if offline:
        header.add_child(_raw(f"<style>#{fmap.get_name()} {{ background: {OFFLINE_BACKGROUND}; }}</style>"),
                         name="arms_routes_background")
    figure.html.add_child(_raw(f'<script type="application/json" id="{data_id}">{data_json}</script>'),
                          name="arms_routes_data")

    if tile_layer is not None:
        tile_layer._id = f"{map_id}_tiles"
        fmap.add_child(tile_layer, name="arms_routes_tiles")
    # Room for the title above and the layer control and legend on the right.
    fit = folium.map.FitBounds([[south, west], [north, east]], padding_top_left=(40, 90),
                               padding_bottom_right=(300, 40), max_zoom=7)
    fit._id = f"{map_id}_fit"
    fit.options["animate"] = False  # an animated first zoom would undo any view change made while it runs
    fmap.add_child(fit, name="arms_routes_fit")
    fmap.add_child(_draw_call(data_id, f"{map_id}_draw"), name="arms_routes_draw")
    return figure.render() + "\n"


def json_text(payload: dict) -> str:
    """The payload as JSON that can sit inside a <script> block: no text in it can close the block."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _raw(text: str):
    """A folium element that is exactly `text`: never parsed as a Jinja template (data may contain "{{")."""
    from branca.element import Element

    element = Element()
    element.render = lambda **kwargs: text
    return element


def _tile_layer(tiles: str | None):
    """A folium TileLayer for a tile-set name, None for "none"; `UsageError` for a name folium does not know."""
    import folium

    if tiles is None or normalise(tiles) == normalise(NO_TILES):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # folium warns about API keys some providers want; the map still works
        try:
            return folium.TileLayer(tiles, name=tiles)
        except (ValueError, KeyError, TypeError):
            pass
    raise UsageError(f"unknown tile set {tiles!r}; use a tile-set name such as {', '.join(SUGGESTED_TILES)}",
                     suggestions=closest(tiles, {normalise(t): t for t in SUGGESTED_TILES}))


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


@lru_cache(maxsize=None)
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


@lru_cache(maxsize=None)
def _static(name: str) -> str:
    return (Path(__file__).parent / "static" / name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def _leaflet_inline() -> tuple[str, str]:
    folder = _leaflet_dir()
    js = (folder / "leaflet.js").read_text(encoding="utf-8").replace("</script", "<\\/script")
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)

    def data_uri(match: re.Match) -> str:
        image = folder / "images" / match.group(1)
        encoded = base64.b64encode(image.read_bytes()).decode("ascii") if image.is_file() else ""
        return f"url(data:image/png;base64,{encoded})"

    css = re.sub(r"url\(images/([\w.-]+\.png)\)", data_uri, (folder / "leaflet.css").read_text(encoding="utf-8"))
    return js, css


def _assets(offline: bool) -> list[tuple[str, str]]:
    """Leaflet (inlined when offline, else from its CDN with subresource integrity), then our CSS and JS."""
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
    return [*leaflet, ("arms_routes_css", f"<style>{_static('arms-routes.css')}</style>"),
            ("arms_routes_js", f"<script>{_static('arms-routes.js')}</script>")]


def _draw_call(data_id: str, element_id: str):
    """The line of script that has our script draw the payload on the folium map, once Leaflet made it."""
    from folium.elements import MacroElement
    from folium.template import Template

    call = MacroElement()
    call._id = element_id
    call._template = Template("{% macro script(this, kwargs) %}window.armsRoutesDraw({{ this._parent.get_name() }}, "
                              + json.dumps(data_id) + ");{% endmacro %}")
    return call

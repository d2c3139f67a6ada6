"""`explore`: the interactive map as a `folium.Map`, for Jupyter, Quarto and any Python code that uses folium.

The map is the one `arms-routes render` writes (the same payload, script and styles): on a map of its
own (`explore(dataset)`), or drawn onto a folium map the caller already has (`explore(dataset, m=m)`),
as `GeoDataFrame.explore` does. A notebook shows it as folium shows every map: an ``<iframe srcdoc>``,
which survives `nbconvert` and static-site builds, and `m.save("map.html")` writes the page.
"""

from __future__ import annotations

import hashlib
import html

from ..dataset import Dataset
from ..errors import NoRoutesMatch, UsageError
from ..select import Filters, selection
from . import flow_keyword
from . import html as map_html
from .payload import build_payload, split_cards


def explore(
    dataset: Dataset,
    m=None,
    *,
    filters: Filters | None = None,
    title: str | None = None,
    tiles: str | None = None,
    offline: bool = False,
    flows=None,
):
    """The routes of `dataset` on an interactive map: a `folium.Map`.

    Parameters
    ----------
    dataset : Dataset
        A dataset or a selection (`routes.select`); its description titles the map.
    m : folium.Map, optional
        A map to draw onto, with its own tiles, view and layers; the routes are added on top and the
        view is fitted to them. Default: a new map, as `arms-routes render` draws it.
    filters : Filters, optional
        Select from `dataset` first (the same as ``explore(select(dataset, filters))``).
    title : str, optional
        The title box. Default: from the selection, e.g. "Alleged arms-transfer routes — weapon F-7 (3 routes)".
    tiles : str, optional
        A background from `routes.render.TILE_SETS` ("osm", "carto-light", ..., "none"); a new map only.
    offline : bool, default False
        Inline Leaflet and draw country outlines instead of web tiles: the map needs no network (a
        new map only: a map passed as `m` loads Leaflet its own way).
    flows : FlowOptions, bool or None, optional
        Whether and how the deals of a dataset source are summed into flows, as `routes.render_map`
        takes it (`routes.flows.FlowOptions.of`).

    Returns
    -------
    folium.Map
        `m` itself when given, else a new map. Shown inline by Jupyter; ``.save("map.html")`` writes it.

    Raises
    ------
    NoRoutesMatch
        When the selection has no route.
    UsageError
        For `tiles` or `offline` with `m`, an unknown tile set, or `m` that is not a folium.Map.

    Examples
    --------
    >>> import routes
    >>> f7 = routes.load().select(weapon="F-7")
    >>> m = f7.explore()                          # doctest: +SKIP
    >>> m.save("f7.html")                          # doctest: +SKIP
    >>> import folium
    >>> mine = folium.Map(location=[25, 45], zoom_start=4)
    >>> routes.explore(f7, m=mine) is mine
    True
    """
    from ..flows import FlowOptions

    flows = FlowOptions.of(flows)
    dataset = selection(dataset, filters)
    if not dataset.routes:
        raise NoRoutesMatch(f"no routes to draw for {dataset.description}")
    if m is None:
        return _new_map(dataset, title=title, tiles=tiles, offline=offline, flows=flows)
    folium = map_html._folium()
    if not isinstance(m, folium.Map):
        raise UsageError(f"m must be a folium.Map, not {type(m).__name__}")
    if tiles is not None or offline:
        raise UsageError("tiles and offline apply to a new map, not to m: a map of yours keeps its own tiles "
                         "and loads Leaflet its own way")
    return _onto(m, dataset, title=title, flows=flows)


def _new_map(dataset: Dataset, *, title, tiles, offline, flows):
    built = map_html._build(dataset, title=title, filters=None, offline=offline, tiles=tiles, salt="explore",
                            **flow_keyword(map_html._build, flows))
    fmap = built.fmap
    figure = fmap.get_root()
    figure.header.add_child(map_html._raw(f"<title>{html.escape(built.title)}</title>"), name="arms_routes_title")
    for name, element in map_html._assets(offline):
        figure.header.add_child(map_html._raw(element), name=name)
    if offline:
        figure.header.add_child(map_html._raw(
            f"<style>#{fmap.get_name()} {{ background: {map_html.OFFLINE_BACKGROUND}; }}</style>"),
            name="arms_routes_background")
    figure.html.add_child(map_html._raw(_data_block(built.data_id, built.data_json)), name="arms_routes_data")
    figure.html.add_child(map_html._raw(built.cards_block()), name="arms_routes_cards")
    return fmap


def _onto(m, dataset: Dataset, *, title, flows):
    payload, cards = split_cards(build_payload(dataset, title=title, **flow_keyword(build_payload, flows)))
    payload["basemap"] = None
    data_json, cards_json = map_html.json_text(payload), map_html.json_text(cards)
    digest = hashlib.sha256(f"onto\n{m.get_name()}\n{data_json}\n{cards_json}".encode()).hexdigest()[:12]
    data_id, cards_id = f"arms-routes-data-{digest}", f"arms-routes-cards-{digest}"
    figure = m.get_root()
    for name, element in map_html._assets(False):
        # The map has Leaflet already, which folium puts in <head> when the page is rendered: ours go
        # in <body>, after it and before the map's own script, which calls our draw.
        if name.startswith("arms_routes"):
            figure.html.add_child(map_html._raw(element), name=name)
    figure.html.add_child(map_html._raw(_data_block(data_id, data_json)), name=f"arms_routes_data_{digest}")
    figure.html.add_child(map_html._raw(f'<script type="application/json" id="{cards_id}">{cards_json}</script>'),
                          name=f"arms_routes_cards_{digest}")
    m.add_child(map_html._draw_call(data_id, cards_id, f"arms_routes_{digest}_draw", "map"), name=f"arms_routes_{digest}")
    return m


def _data_block(data_id: str, data_json: str) -> str:
    return f'<script type="application/json" id="{data_id}">{data_json}</script>'


SUMMARY_ROWS = 10  # routes a notebook's summary table shows; the rest are counted


def summary_html(dataset: Dataset) -> str:
    """A dataset or a selection as a notebook shows it: what it is, in words, and a table of its
    first routes (id, status, period, weapons, name), every text escaped."""
    from .. import model
    from ..text import plural

    def cell(value: object) -> str:
        return f'<td style="text-align:left">{html.escape(str(value))}</td>'

    heading = html.escape(repr(dataset).strip("<>"))
    rows = []
    for route in dataset.routes[:SUMMARY_ROWS]:
        p = model.props(route)
        status = f"{p.get('status', '?')}{' (disputed)' if model.is_disputed(route) else ''}"
        rows.append("<tr>" + "".join(cell(v) for v in (
            route.get("id"), status, model.period_text(route), ", ".join(map(str, p.get("weapons") or [])),
            p.get("name") or "")) + "</tr>")
    more = len(dataset.routes) - SUMMARY_ROWS
    tail = (f'<tr><td colspan="5">… and {plural(more, "more route")}</td></tr>' if more > 0 else "")
    return ('<div class="arms-routes-summary"><p><strong>' + heading + "</strong></p>"
            "<table><thead><tr>" + "".join(f'<th style="text-align:left">{h}</th>' for h in
                                            ("id", "status", "period", "weapons", "name")) + "</tr></thead>"
            "<tbody>" + "".join(rows) + tail + "</tbody></table></div>")

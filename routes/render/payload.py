"""The data a rendered map draws: one JSON-ready payload built from a selection of routes.

The page carries this payload once and our script (static/arms-routes.js) draws it, instead of one
folium object per route: 10,000 routes are one JSON block and a few seconds of drawing. It is kept
small, since a map of a 30,000-route import is sent around as one file:

- routes, their legs, evidence items and waypoint markers are rows (lists) in the order of
  ROUTE_FIELDS, LEG_FIELDS, EVIDENCE_FIELDS, LEG_INFO_FIELDS and WAYPOINT_FIELDS, not objects
  repeating every key; an absent field is null, trailing ones dropped;
- sources and weapon systems are listed once and referred to by id; waypoints once (in "places", as
  a reader must see them: a label such as "≈ Iran" and, for a place that is not exact, what the
  sources actually say of it), weapon categories, evidence statuses and leg paths once (in
  "categories", "statuses" and "paths", for the legend and the category boxes), and referred to by
  position; an evidence text (claim, quote, said by, dispute, note) found more than once is kept
  once in "texts" and referred to by position;
- lines are delta-encoded integers, written as text in the encoded polyline format (see lines.Leg);
- what only route cards show (evidence items, each leg's mode, path and note, shared texts) travels
  in a block of its own that the script parses when a card is first opened (see `split_cards`);
- a leg status that is the route's, a leg path that is "plausible", an evidence item's "supports"
  stance, an Admiralty grade the script can work out (source reliability + credibility) and a
  route's category boxes that are just the category it is coloured by are left out.

On a flow map the deals of a dataset source (routes.flows) are not in "routes": "flows" carries them
once each, compactly, for the page to sum per supplier → recipient pair, and "unplaced" counts the
deals that could not be placed; their card data go with the other cards (flow_payload.py).

`routes_of` turns the rows back into one dict per route, as the script does.

Every text in the payload is plain text from the data; the script puts it on the page with
`textContent`, never as HTML. Source URLs are kept only when they are http(s) addresses.
"""

from __future__ import annotations

from collections import Counter

from .. import __version__, model, style
from .. import flows as flow_rules
from ..dataset import Dataset
from ..encode import link_url
from ..errors import UsageError
from ..names import normalise
from ..select import Filters, kept_undated, matched_weapons, selection, undated
from ..summary import data_file_name
from ..text import plural
from .flow_payload import CARDS, flow_bounds, flow_payload, unplaced_cards
from .lines import Leg, numbers, route_legs

# Labels of the categories in the category boxes; colours and patterns come from routes.style,
# shared with static images and reports.
CATEGORY_LABELS = {
    "small-arms": "Small arms",
    "anti-tank": "Anti-tank weapons",
    "artillery-rockets": "Artillery and rockets",
    "ballistic-missiles": "Ballistic missiles",
    "air-defence": "Air defence",
    "armour-vehicles": "Armour and vehicles",
    "munitions": "Munitions",
    "communications": "Communications",
    "wmd": "WMD-related",
    "tunnels-fortification": "Tunnels and fortification",
    # the categories `import-sipri` writes beyond the data model's
    "aircraft": "Aircraft",
    "drones": "Drones",
    "engines": "Engines",
    "missiles": "Missiles (not ballistic)",
    "naval-weapons": "Naval weapons",
    "sensors": "Sensors (radars, sonars, satellites)",
    "ships": "Ships",
    "other": "Other weapon systems",
}
# The box of the routes that list no weapon system (as `--category` finds none of them).
NO_WEAPON_LABEL = "No weapon system listed"
# The colour rule (style.COLOUR_RULE) as the map's category boxes apply it: shown beside them, in
# short, with the rule in full on hover.
COLOUR_RULE = ("Colour: the category of a route's first weapon system (on a --weapon or --category map, of "
               "the first that matched; with boxes unticked, of the first in a ticked box). A route shows "
               "while any of its categories is ticked.")
# What moved, for the route card: a kind in words.
KIND_WORDS = style.KIND_WORDS
# What happened to the shipment, for the route card and tooltip (a missing outcome is not known).
OUTCOME_LABELS = model.OUTCOME_LABELS



def category_label(category: str) -> str:
    """A weapon category in words, for every legend: its label, or its id made readable ("ray-guns" ->
    "Ray guns") for a category a dataset adds."""
    return CATEGORY_LABELS.get(category) or category.replace("-", " ").capitalize()


ROUND = 4  # decimals of a marker coordinate
# The order of the fields in a route's, a leg's and an evidence item's row (the often empty ones
# last; what only cards show, which `split_cards` moves out, at the very end).
ROUTE_FIELDS = ("id", "name", "kind", "category", "status", "period", "path", "legs", "weapons", "supplier",
                "intermediaries", "recipient", "independent", "outcome", "filled", "disputed", "boxes",
                "interdicted", "intended", "notes", "undated", "evidence", "leg_info")
CARD_FIELDS = ("evidence", "leg_info")
LEG_FIELDS = ("coords", "path", "offset", "status")
# Each of a route's legs as the card tells it (one per consecutive pair of waypoints, whatever was
# drawn): its mode (a position in "modes"; left out when unknown), path (in "paths") and note.
LEG_INFO_FIELDS = ("mode", "path", "note")
EVIDENCE_FIELDS = ("source", "claim", "credibility", "stance", "quote", "said_by", "legs", "grade", "weapons",
                   "dispute", "note", "repeats")
SHARED_TEXTS = ("claim", "quote", "said_by", "dispute", "note", "repeats")  # evidence fields whose repeated texts go in "texts" once
PLACE_FIELDS = ("label", "describe")
# A marker's "places": the positions in "places" drawn at it, so the map can list the routes through it.
WAYPOINT_FIELDS = ("lat", "lon", "label", "drawn_as", "roles", "routes", "places", "country", "describe")
DEFAULT_PATH = "plausible"  # a leg's path left out of its row


def default_title(count: int, described: str, deals: int = 0, flows: int = 0, *, counted: bool = True) -> str:
    """E.g. "Alleged arms-transfer routes — weapon F-7 (12 routes)"; with `deals` drawn as `flows`,
    "Documented arms trade and alleged routes (29,495 deals as 2,924 flows; 21 alleged routes)".
    Not `counted`: without the counts in brackets (the map's title box, whose count lines follow its filters)."""
    what = "" if described == "all routes" else f" — {described}"
    trade = f"{plural(deals, 'deal')} as {plural(flows, 'flow')}"
    if not deals:
        head, counts = f"Alleged arms-transfer routes{what}", plural(count, "route")
    elif not count:
        head, counts = f"Documented arms trade{what}", trade
    else:
        head, counts = f"Documented arms trade and alleged routes{what}", f"{trade}; {plural(count, 'alleged route')}"
    return f"{head} ({counts})" if counted else head


def build_payload(dataset: Dataset, *, title: str | None = None, filters: Filters | None = None,
                  flows=None) -> dict:
    """Everything the map script draws for the routes of `dataset`, as plain JSON-ready data.

    The title defaults to one made from the filters (see `default_title`). A map made with
    --weapon or --category colours each arms route by the matched weapon's category
    (`style.colour_group`). `flows` (routes.flows.FlowOptions, or what `FlowOptions.of` takes; by
    default from FLOW_THRESHOLD deals on) says whether the deals of a dataset source are summed into
    flows: then "routes" are the routes drawn one by one and "flows" the deals (flow_payload.py);
    "unplaced" counts the deals that could not be placed (`Dataset.unplaced`), tabled beside the map.

    Raises `RoutesError` for a route that cannot be drawn (a waypoint with no known place).
    """
    dataset = selection(dataset, filters)
    filters = dataset.filters
    options = flow_rules.FlowOptions.of(flows)
    one_by_one, deals = flow_rules.split(dataset, options.enabled)
    if deals:
        dataset = dataset.with_routes(one_by_one)  # (the routes drawn one by one; the deals as flows)
    routes = dataset.routes
    drawn, bounds = route_legs(dataset)
    weapons = dataset.weapons
    matched = matched_weapons(dataset, filters)
    route_boxes = [style.route_categories(route, weapons) for route in routes]
    groups = [style.colour_group(route, weapons, *matched) for route in routes]
    deal_boxes = _weapon_categories(deals, weapons)
    category_list = _categories(Counter(c for boxes in route_boxes + deal_boxes for c in boxes),
                                sum(1 for boxes in route_boxes + deal_boxes if not boxes))
    status_list = [{"id": s, "label": style.STATUS_LABELS[s], "dash": style.status_dash(s) or ""}
                   for s in reversed(model.STATUSES)]
    rows = _Rows(dataset, category_list, status_list)
    rows.filters = filters if filters is not None and (filters.since is not None or filters.until is not None) else None
    for route, boxes, group, legs in zip(routes, route_boxes, groups, drawn):
        rows.add(route, boxes, group, legs)
    path_counts = Counter(path for legs in drawn for path in dict.fromkeys(leg.path for leg in legs))
    filled = sum(1 for route in routes if style.arrow_filled(route))
    kinds = Counter(model.kind(route) for route in routes)

    described = dataset.description
    panel = panel_tables(dataset, deals)
    trade = trade_cards = None
    if deals:
        deal_panel = {}
        for key in ("years", "route_actors", "route_places", "route_sources"):
            panel[key], deal_panel[key] = panel[key][:len(routes)], panel[key][len(routes):]
        trade, trade_cards = flow_payload(dataset, deals, options, panel, deal_panel, category_list, status_list)
        bounds = _union(bounds, flow_bounds(trade))
        # (as the PNG and SVG: a map wider than the world span is one world, -180° to 180°)
        trade["world"] = bounds[1][1] - bounds[0][1] > trade["arc"]["world_span"]
        if trade["world"]:
            bounds = [[bounds[0][0], -180.0], [bounds[1][0], 180.0]]
        rows.cited.update(dict.fromkeys(s for s in panel["sources"] if isinstance(s, str)))
    trade_title = {"deals": trade["total"], "flows": len(trade["pairs"])} if trade else {}
    unplaced = unplaced_cards(dataset)
    return {
        "title": title or default_title(len(routes), described, **trade_title),
        # (the title box's: its lines below count what the filters leave, so its title counts nothing)
        "heading": title or default_title(len(routes), described, **trade_title, counted=False),
        "filter": described,
        "undated": undated(dataset, filters),
        "credit": _credit(dataset),
        "bounds": bounds or [[-60.0, -170.0], [75.0, 170.0]],
        "categories": category_list,
        "colour_rule": COLOUR_RULE,
        "colour_rule_full": style.COLOUR_RULE,
        "kinds": [{"id": kind, "label": style.KIND_LABELS[kind], "colour": style.KIND_COLOURS[kind], "count": kinds[kind]}
                  for kind in style.KIND_COLOURS if kinds[kind]],
        "kind_labels": KIND_WORDS,
        "outcomes": OUTCOME_LABELS,
        "statuses": status_list,
        "modes": list(model.MODES),
        "mode_labels": model.MODE_LABELS,
        "paths": [{"id": path, "label": model.PATH_LABELS[path], "opacity": style.PATH_OPACITY[path],
                   "extra": style.PATH_EXTRA_WIDTH[path], "halo": style.halo_opacity(path),
                   "routes": path_counts[path]} for path in model.PATHS],
        "arrows": [{"filled": True, "label": style.ARROW_FILLED_LABEL, "routes": filled},
                   {"filled": False, "label": style.ARROW_HOLLOW_LABEL, "routes": len(routes) - filled}],
        "waypoint_labels": style.WAYPOINT_LABELS,
        "style": {"weight": style.LINE_WIDTH, "disputed": style.DISPUTED_COLOUR,
                  "interdiction": style.INTERDICTION_COLOUR, "unlisted": style.group_colour("other"),
                  "ring": style.RING_RADIUS},
        "weapons": {w: _weapon(w, dataset) for w in rows.weapons},
        "sources": {s: _source(s, dataset.sources.get(s)) for s in rows.cited},
        "credibility": {str(k): v for k, v in model.CREDIBILITY.items()},
        "place_fields": list(PLACE_FIELDS),
        "places": [_row(list(key[1:])) for key in rows.places],
        **rows.finish(),
        "waypoint_fields": list(WAYPOINT_FIELDS),
        "waypoints": rows.markers(),
        "interdictions": rows.interdictions(),
        "panel": panel,
        "flows": dict(trade, cards=trade_cards) if trade else None,
        "unplaced": {"count": len(unplaced["rows"]), "cards": unplaced} if unplaced else None,
    }


def _weapon_categories(deals: list[dict], weapons) -> list[list[str]]:
    """`style.route_categories` of each deal, worked out once per list of weapon systems."""
    found: dict[tuple, list[str]] = {}
    out = []
    for deal in deals:
        key = tuple(w for w in model.props(deal).get("weapons") or [] if isinstance(w, str))
        if key not in found:
            found[key] = style.route_categories(deal, weapons)
        out.append(found[key])
    return out


def _union(a, b):
    """The bounds [[south, west], [north, east]] around both (either may be None)."""
    if not a or not b:
        return a or b
    return [[min(a[0][0], b[0][0]), min(a[0][1], b[0][1])], [max(a[1][0], b[1][0]), max(a[1][1], b[1][1])]]


def panel_tables(dataset: Dataset, deals: list[dict] = ()) -> dict:
    """What the map's filter panel and search (static/arms-routes-filters.js) need to apply the CLI's
    rules (routes.select) to the routes drawn, as tables referred to by position. Lists "per route"
    are in the order of "routes" (then of `deals`, the deals a flow map sums, which build_payload
    moves to its "flows"), null where a route has nothing:

    - "weapons": every system of the taxonomy ("ids", "names") and what `Taxonomy.resolve` looks a
      name up in ("keys": normalised id, name or alias -> position; "families": normalised family ->
      positions); "spellings" (`Taxonomy.spellings`), what an unknown name's "did you mean" is chosen from;
    - "years" per route: [start, end] (`model.period_years`, null for an unknown bound), with a third
      number when a bound is approximate (1 the start, 2 the end, 3 both); null when both are unknown;
    - "actors": the normalised names of suppliers, recipients and intermediaries ("keys"; "names", a
      spelling of each from the data) and "route_actors" per route;
    - "places": the places routes pass through as `--place` counts them (waypoints that are not
      stand-ins), each [id, name, country, aliases, matches]: `matches`, when it is more than the
      place itself, the positions of the places `--place ID` matches (a country or an area: the places
      inside it); "route_places" per route;
    - "sources": the ids of the sources the routes cite; "route_sources" per route;
    - "ranks": status -> rank (`model.STATUS_RANK`); "kinds": `model.KINDS`; "window": the years
      (since, until) of the filters the map was made with.
    """
    from ..select import places_matched  # (the rule of --place: what a place matches)

    taxonomy = dataset.weapons
    keys, families = taxonomy.lookup()
    weapon_ids = [system["id"] for system in taxonomy]
    weapon_at = {weapon_id: i for i, weapon_id in enumerate(weapon_ids)}
    actor_at: dict[str, int] = {}
    actor_names: list[str] = []
    place_at: dict[str, int] = {}
    source_at: dict[str, int] = {}
    years, route_actors, route_places, route_sources = [], [], [], []
    for route in [*dataset.routes, *deals]:
        p = model.props(route)
        start, end = model.period(route)
        span = [model.bound_year(start), model.bound_year(end)]
        approximate = (1 if model.bound_approximate(start) else 0) | (2 if model.bound_approximate(end) else 0)
        years.append(None if span == [None, None] else span + [approximate] if approximate else span)
        found = []
        for name in (p.get("supplier"), p.get("recipient"), *(p.get("intermediaries") or [])):
            key = normalise(str(name)) if name else ""
            if key:
                if key not in actor_at:
                    actor_at[key] = len(actor_names)
                    actor_names.append(str(name))
                found.append(actor_at[key])
        route_actors.append(list(dict.fromkeys(found)) or None)
        waypoints = p.get("waypoints") if isinstance(p.get("waypoints"), list) else []
        through = [model.place_id(w) for w in waypoints if not (isinstance(w, dict) and w.get("stand_in") is True)]
        through = [str(place) for place in through if isinstance(place, str) and place]
        route_places.append(list(dict.fromkeys(place_at.setdefault(place, len(place_at)) for place in through)) or None)
        cited = [item.get("source") for item in model.evidence(route) if isinstance(item, dict)]
        route_sources.append(list(dict.fromkeys(source_at.setdefault(s, len(source_at))
                                                for s in cited if isinstance(s, str) and s)) or None)
    places = []
    for place_id, position in place_at.items():
        place = dataset.places.get(place_id)
        try:
            matched = places_matched(dataset, (place_id,))[0]
        except UsageError:
            matched = {place_id}
        matches = sorted(place_at[i] for i in matched if i in place_at)
        entry = [place_id, place.name, place.country, list(place.aliases)] if place else [place_id, place_id, "", []]
        places.append(entry + ([matches] if matches != [position] else []))
    filters = dataset.filters
    return {
        "weapons": {"ids": weapon_ids, "names": [str(system.get("name") or system["id"]) for system in taxonomy],
                    "keys": {key: weapon_at[weapon_id] for key, weapon_id in keys.items()},
                    "spellings": taxonomy.spellings(),
                    "families": {key: [weapon_at[i] for i in ids] for key, ids in families.items()}},
        "years": years,
        "actors": {"keys": list(actor_at), "names": actor_names},
        "route_actors": route_actors,
        "places": places,
        "route_places": route_places,
        "sources": list(source_at),
        "route_sources": route_sources,
        "ranks": dict(model.STATUS_RANK),
        "kinds": list(model.KINDS),
        "window": [filters.since, filters.until] if filters is not None else [None, None],
    }


def split_cards(payload: dict) -> tuple[dict, dict]:
    """The payload without what only route cards show (each route's CARD_FIELDS, and the shared
    "texts"), and that part on its own: the page carries it in a block of its own after the map
    script, which reads it only when a card is opened, so a large map is drawn before it is even parsed.
    `join_cards` puts the two together again.
    """
    main = dict(payload)
    fields = payload["route_fields"]
    at = [fields.index(name) for name in CARD_FIELDS]
    cards: dict = {name: [] for name in CARD_FIELDS}
    rows = []
    for row in payload["routes"]:
        for name, i in zip(CARD_FIELDS, at):
            cards[name].append(row[i] if len(row) > i else None)
        if any(len(row) > i and row[i] is not None for i in at):
            row = list(row)
            for i in at:
                if i < len(row):
                    row[i] = None
            row = _row(row)
        rows.append(row)
    main["routes"] = rows
    del main["texts"]
    documented = {}  # (a flow map's deals and the deals not placed: their card data, flow_payload.CARDS)
    for name in CARDS:
        part = payload.get(name)
        if part:
            main[name] = {k: v for k, v in part.items() if k != "cards"}
            documented[name] = part["cards"]
    return main, {**cards, "texts": payload["texts"], **documented}


def join_cards(main: dict, cards: dict) -> dict:
    """The payload that `split_cards` split into `main` and `cards`."""
    payload = dict(main, texts=cards["texts"])
    fields = main["route_fields"]
    at = [fields.index(name) for name in CARD_FIELDS]
    rows = []
    for n, row in enumerate(main["routes"]):
        values = [cards[name][n] for name in CARD_FIELDS]
        if any(v is not None for v in values):
            row = list(row) + [None] * max(0, max(at) + 1 - len(row))
            for i, value in zip(at, values):
                row[i] = value
            row = _row(row)
        rows.append(row)
    payload["routes"] = rows
    for name in CARDS:
        if main.get(name) and name in cards:
            payload[name] = dict(main[name], cards=cards[name])
    return payload


def routes_of(payload: dict) -> list[dict]:
    """The routes of a payload as dicts (field -> value, absent fields left out), texts filled in,
    each leg's `coords` as its list of delta-encoded integers and its `path` by name, `category` and
    `boxes` by category id (None for the box of routes without weapon systems), and `path` and
    `intended` as the waypoints' labels."""
    fields = payload["route_fields"]
    texts = payload.get("texts", [])  # (a payload without its card data has no evidence either)

    def record(row: list, names) -> dict:
        return {name: value for name, value in zip(names, row) if value is not None}

    categories = [c["id"] for c in payload["categories"]]
    statuses = [s["id"] for s in payload["statuses"]]
    paths = [p["id"] for p in payload["paths"]]
    labels = [place[0] for place in payload["places"]]
    routes = []
    for row in payload["routes"]:
        route = record(row, fields)
        if "category" in route:
            route["category"] = categories[route["category"]]
        route["boxes"] = [categories[i] for i in route["boxes"]] if "boxes" in route else [route["category"]]
        route["status"] = statuses[route["status"]]
        for key in ("path", "intended"):
            if key in route:
                route[key] = [labels[i] for i in route[key]]
        if "legs" in route:
            route["legs"] = [record(leg, payload["leg_fields"]) for leg in route["legs"]]
            for leg in route["legs"]:
                leg["coords"] = numbers(leg["coords"])
                leg["path"] = paths[leg["path"]] if "path" in leg else DEFAULT_PATH
                if "status" in leg:
                    leg["status"] = statuses[leg["status"]]
        if "leg_info" in route:
            route["leg_info"] = [record(leg, payload["leg_info_fields"]) for leg in route["leg_info"]]
            for leg in route["leg_info"]:
                leg["path"] = paths[leg["path"]]
                leg["mode"] = payload["modes"][leg["mode"]] if "mode" in leg else "unknown"
        if "evidence" in route:
            route["evidence"] = [{k: texts[v] if k in SHARED_TEXTS and isinstance(v, int) else v
                                  for k, v in record(item, payload["evidence_fields"]).items()}
                                 for item in route["evidence"]]
        routes.append(route)
    return routes


def _credit(dataset: Dataset) -> str:
    # File names only, never absolute paths: the page must not change with the folder it was made in.
    names = ", ".join(dict.fromkeys(data_file_name(p) for p in dataset.files)) or "in-memory data"
    return f"Data: {names} · made with arms-routes {__version__}"


def _categories(counts: dict[str, int], without_weapons: int) -> list[dict]:
    """The category boxes: every category of the routes' weapon systems (the known ones in their
    order, then the others by name), each with the number of routes in it, and last the box of the
    routes without any weapon system (id None), when there are such routes."""
    known = [c for c in style.CATEGORY_COLOURS if c in counts]
    extra = sorted(c for c in counts if c not in style.CATEGORY_COLOURS)
    boxes = [{"id": category, "label": category_label(category),
              "colour": style.category_colour(category), "count": counts[category]} for category in known + extra]
    if without_weapons:
        boxes.append({"id": None, "label": NO_WEAPON_LABEL, "colour": None, "count": without_weapons})
    return boxes


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _filled(value: object) -> str | None:
    """The value as text; None for None and for an empty text."""
    return None if value is None else str(value) or None


def _weapon(weapon_id: str, dataset: Dataset) -> dict:
    system = dataset.weapons.get(weapon_id) or {}
    return {"name": _text(system.get("name")) or weapon_id,
            "aliases": [str(a) for a in system.get("aliases") or []],
            "category": dataset.weapons.category(weapon_id)}


def _source(source_id: str, source: dict | None) -> dict:
    source = source or {}
    url = source.get("url")
    return {
        "title": _text(source.get("title")) or f"unknown source {source_id}",
        "author": _text(source.get("author")),
        "publisher": _text(source.get("publisher")),
        "published": _text(source.get("published")),
        "url": link_url(url),  # the address the card links to, or None: the script decides nothing
        # A URL that may not be a link (javascript:, data:, ...) is still shown, as inert text.
        "url_text": _text(url) if url and not link_url(url) else None,
        "kind": _text(source.get("kind")),
        "reliability": _text(source.get("reliability")) or "F",
        "reliability_meaning": model.RELIABILITY.get(source.get("reliability") or "F", "unknown"),
        "note": _filled(source.get("note")),
    }


ROLES = ("origin", "transit", "destination")


class _Marker:
    """A waypoint marker being counted: the place as drawn, its roles (in ROLES order) and routes."""

    __slots__ = ("point", "roles", "routes", "stamp", "places")

    def __init__(self, point: model.Waypoint):
        self.point, self.roles, self.routes, self.stamp = point, [False, False, False], 0, 0
        self.places: list[int] = []  # the positions in "places" of the waypoints drawn at it
_PATH_INDEX = {path: i for i, path in enumerate(model.PATHS)}
_MODE_INDEX = {mode: i for i, mode in enumerate(model.MODES) if mode != "unknown"}  # (unknown: left out)


class _Rows:
    """The routes as rows (see the module's docstring), built one route at a time, and what they
    refer to: waypoints as a reader sees them, cited sources and weapon systems, in the order they
    first appear; and the markers of the waypoints and interdictions."""

    def __init__(self, dataset: Dataset, categories: list[dict], statuses: list[dict]):
        self.dataset = dataset
        self.filters: Filters | None = None  # what made the selection (for the routes kept for want of a year)
        self.category_index = {c["id"]: i for i, c in enumerate(categories)}
        self.status_index = {s["id"]: i for i, s in enumerate(statuses)}
        # (place id or None, label, describe or None) -> its position in the payload's "places": two places
        # of one name (Tripoli, Libya and Lebanon) are two entries, each drawn at one marker
        self.places: dict[tuple, int] = {}
        self.seen: dict[object, tuple] = {}  # a waypoint (id, or the key of an object) -> see `_waypoint`
        self.cited: dict[str, None] = {}
        self.weapons: dict[str, None] = {}
        self.rows: list[list] = []
        self.evidence_rows: list[list] = []
        self.waypoint_markers: dict[tuple, _Marker] = {}  # (place id, drawn as, label) -> its marker
        self.route_count = 0
        self.leg_rows: dict[tuple, list] = {}  # (mode, path) of a leg -> its card row without a note
        self.stops: dict[tuple, dict] = {}
        # Many routes cite the same sources: each source's lineage, and the number of independent
        # sources of each list of supporting sources, are worked out once (the sources do not change
        # while the payload is built).
        self.lineages = dataset.lineages()  # lineage roots, from one walk of the sources (Dataset.lineages)
        self.independent: dict[tuple[str, ...], int] = {}
        self.grades: dict[tuple, str | None] = {}  # (source id, credibility) -> grade (see `_grade`)

    def add(self, route: dict, boxes: list[str], group: str, legs: list[Leg]) -> None:
        """The row of one route: what its card, tooltip and line need; empty fields (None, "", []) are null.

        `boxes` are its categories (`style.route_categories`), `group` what it is coloured by
        (`style.colour_group`), `legs` its drawn legs (`lines.route_legs`).
        """
        p = model.props(route)
        status = p.get("status")
        if status not in model.STATUS_RANK:
            status = "alleged"
        stop = p.get("interdicted")
        if not isinstance(stop, dict):
            stop = None
        route_id = _filled(route.get("id"))
        path = self._path(p.get("waypoints"))
        intended = self._refs(p.get("intended_waypoints"))
        weapons = [str(w) for w in p.get("weapons") or []]
        self.weapons.update(dict.fromkeys(weapons))
        index = self.category_index
        category = index[group] if boxes and group in index else None
        box_list = [index[c] for c in boxes] if boxes else [index[None]]
        status_index = self.status_index
        self.rows.append(_row([  # in the order of ROUTE_FIELDS
            route_id,
            _filled(p.get("name")) or route_id,
            _empty_to_none(model.kind(route)),
            category,
            status_index[status],
            _empty_to_none(model.period_text(route)),
            path or None,
            [_row([leg.coords or None, _PATH_INDEX[leg.path] if leg.path != DEFAULT_PATH else None, leg.offset or None,
                   status_index[leg.status] if leg.status != status else None])
             for leg in legs] or None,
            weapons or None,
            _filled(p.get("supplier")),
            [str(i) for i in p.get("intermediaries") or []] or None,
            _filled(p.get("recipient")),
            self._independent_sources(route),
            _filled(p.get("outcome")),
            style.arrow_filled(route) or None,
            model.is_disputed(route) or None,
            None if category is not None and box_list == [category] else box_list,
            self._stop(route, stop) if stop else None,
            intended or None,
            _filled(p.get("notes")),
            kept_undated(route, self.filters) or None,  # (a time filter kept it for want of a year)
            [self._evidence(item) for item in model.evidence(route) if isinstance(item, dict)] or None,
            [self._leg_info(leg) for leg in model.legs(route)] or None,
        ]))

    def _leg_info(self, leg: dict) -> list:
        """A leg's row of LEG_INFO_FIELDS: its mode, path and note (most legs share a mode and path)."""
        mode, path = leg.get("mode"), leg.get("path")
        key = (mode if isinstance(mode, str) else None, path if isinstance(path, str) else None)
        start = self.leg_rows.get(key)
        if start is None:
            start = self.leg_rows[key] = [_MODE_INDEX.get(key[0]), _PATH_INDEX[model.leg_path(leg)]]
        note = leg.get("note")
        return [*start, str(note)] if note else _row(list(start))

    def _independent_sources(self, route: dict) -> int:
        """`model.independent_sources` of the route, worked out once per list of supporting sources."""
        supporting = tuple(model.supporting_sources(route))
        count = self.independent.get(supporting)
        if count is None:
            count = self.independent[supporting] = len(
                model.independent_set(supporting, self.dataset.sources, self.lineages))
        return count

    def finish(self) -> dict:
        """The rows, with each evidence text found more than once moved to "texts" and referred to by position."""
        seen = Counter([item[i] for item in self.evidence_rows for i in _SHARED_POSITIONS
                        if i < len(item) and item[i] is not None])
        shared = {text: i for i, text in enumerate(t for t, n in seen.items() if n > 1)}
        if shared:
            for item in self.evidence_rows:
                for i in _SHARED_POSITIONS:
                    if i < len(item) and item[i] in shared:
                        item[i] = shared[item[i]]
        return {"route_fields": list(ROUTE_FIELDS), "leg_fields": list(LEG_FIELDS),
                "leg_info_fields": list(LEG_INFO_FIELDS), "evidence_fields": list(EVIDENCE_FIELDS),
                "texts": list(shared), "routes": self.rows}

    # -- waypoints: each as a reader must see it (model.Waypoint), worked out once ---------------------

    def _waypoint(self, value: object) -> tuple:
        """(the `model.Waypoint` of a waypoint value, or None for an unknown place; the position of
        its label and description in "places"; its marker, or None), each worked out once."""
        if isinstance(value, str):
            key = value
        elif isinstance(value, dict):
            fields = tuple(value.get(k) for k in ("place", "stand_in", "stands_for", "precision"))
            key = tuple(v if isinstance(v, (str, bool, type(None))) else repr(v) for v in fields)
        else:
            key = ("", repr(value))
        found = self.seen.get(key)
        if found is None:
            point = model.waypoint(value, self.dataset.places)
            entry = (point.label, point.describe() or None) if point else (str(model.place_id(value)), None)
            marker = None
            if point is not None:
                marker = self.waypoint_markers.setdefault((point.place_id, point.drawn_as, point.label),
                                                          _Marker(point))
            position = self.places.setdefault((point.place_id if point else None, *entry), len(self.places))
            if marker is not None and position not in marker.places:
                marker.places.append(position)
            found = self.seen[key] = (point, position, marker)
        return found

    def _refs(self, waypoints) -> list[int]:
        """The positions in "places" of these waypoints (ids or objects) as a reader sees them."""
        if not isinstance(waypoints, list):
            return []
        return [self._waypoint(w)[1] for w in waypoints]

    def _path(self, waypoints) -> list[int]:
        """`_refs` of a route's waypoints, each counted towards its marker: one per place, way of
        drawing and label, with its roles (origin, transit, destination) and the number of routes
        through it."""
        if not isinstance(waypoints, list):
            return []
        self.route_count += 1
        stamp, last, refs = self.route_count, len(waypoints) - 1, []
        for i, value in enumerate(waypoints):
            found = self._waypoint(value)
            refs.append(found[1])
            marker = found[2]
            if marker is not None:
                marker.roles[0 if i == 0 else 2 if i == last else 1] = True
                if marker.stamp != stamp:
                    marker.stamp = stamp
                    marker.routes += 1
        return refs

    def markers(self) -> list[list]:
        """The waypoint markers of the routes as rows of WAYPOINT_FIELDS: dots (exact), rings (areas)
        and dashed rings (stand-ins)."""
        return [_row([round(m.point.lat, ROUND), round(m.point.lon, ROUND), m.point.label, m.point.drawn_as,
                      [role for role, on in zip(ROLES, m.roles) if on], m.routes, m.places, m.point.country or None,
                      m.point.describe() or None])
                for m in self.waypoint_markers.values() if m.routes]

    def _stop(self, route: dict, stop: dict) -> dict:
        """The route's interdiction as its card shows it, counted towards the marker of its place."""
        point = self._waypoint(stop)[0]
        label, describe = (point.label, point.describe() or None) if point else (str(stop.get("place")), None)
        if point is not None:
            entry = self.stops.setdefault((point.place_id, point.label), {
                "place": point.label, "country": point.country, "drawn_as": point.drawn_as,
                "describe": describe, "lat": round(point.lat, ROUND), "lon": round(point.lon, ROUND), "stops": []})
            entry["stops"].append({"route": _text(route.get("id")), "name": _text(model.props(route).get("name")),
                                   "date": _text(stop.get("date")), "note": _text(stop.get("note"))})
        return _compact({"place": label, "describe": describe, "date": _text(stop.get("date")),
                         "note": _text(stop.get("note"))})

    def interdictions(self) -> list[dict]:
        """One marker per place (and label) where a selected shipment was stopped, listing each stop there."""
        return [_compact(entry) for entry in self.stops.values()]

    def _evidence(self, item: dict) -> list:
        """The row of one evidence item; its stance only when it disputes (with who disputes and
        how, in words), its grade only when the script cannot work it out (source reliability +
        credibility)."""
        credibility = item.get("credibility")
        if not (isinstance(credibility, int) and credibility in model.CREDIBILITY):
            credibility = None
        grade = self._grade(item, credibility)
        source_id = _filled(item.get("source"))
        if source_id is not None:
            self.cited[source_id] = None
        legs = item.get("legs")
        weapons = [str(w) for w in item.get("weapons") or [] if isinstance(w, str)] \
            if isinstance(item.get("weapons"), list) else []
        self.weapons.update(dict.fromkeys(weapons))
        disputes = item.get("stance") == "disputes"
        row = _row([  # in the order of EVIDENCE_FIELDS
            source_id,
            _filled(item.get("claim")),
            credibility,
            "disputes" if disputes else None,
            _filled(item.get("quote")),
            _filled(item.get("said_by")),
            ([leg for leg in legs if isinstance(leg, int)] or None) if legs else None,
            grade,
            weapons or None,
            model.dispute_text(item) if disputes else None,
            _filled(item.get("note")),
            model.relays_text(item, self.dataset.sources),
        ])
        self.evidence_rows.append(row)
        return row

    def _grade(self, item: dict, credibility: int | None) -> str | None:
        """The item's grade (`model.grade`) when it is not the one the script works out from the
        source's reliability and the item's `credibility` (as checked), else None.

        Worked out once per source and credibility when the credibility is an integer (so not True,
        which equals 1 but reads "True").
        """
        raw = item.get("credibility")
        key = (item.get("source"), raw)
        if type(raw) is int and key in self.grades:
            return self.grades[key]
        sources = self.dataset.sources
        grade = model.grade(item, sources)
        source = sources.get(key[0]) or {}
        worked_out = f"{_text(source.get('reliability')) or 'F'}{6 if credibility is None else credibility}"
        result = grade if grade != worked_out else None
        if type(raw) is int:
            self.grades[key] = result
        return result


_SHARED_POSITIONS = tuple(EVIDENCE_FIELDS.index(name) for name in SHARED_TEXTS)


def _row(values: list) -> list:
    """A row without its trailing empty fields."""
    while values and values[-1] is None:
        values.pop()
    return values


def _empty_to_none(value):
    """None for an empty field (None, "", []): 10,000 routes carry no room for empty values."""
    return None if value is None or value == "" or value == [] else value


def _compact(entry: dict) -> dict:
    """The entry without empty fields (None, "", [])."""
    return {k: v for k, v in entry.items() if _empty_to_none(v) is not None}

"""The data a rendered map draws: one JSON-ready payload built from a selection of routes.

The page carries this payload once and our script (static/arms-routes.js) draws it, instead of one
folium object per route: 10,000 routes are one JSON block and a few seconds of drawing. It is kept
small, since a map of a 30,000-route import is sent around as one file:

- routes, their legs and evidence items are rows (lists) in the order of ROUTE_FIELDS, LEG_FIELDS
  and EVIDENCE_FIELDS, not objects repeating every key; an absent field is null, trailing ones dropped;
- sources and weapon systems are listed once and referred to by id; place names once (in "places"),
  weapon categories and evidence statuses once (in "categories" and "statuses", for the legend),
  and referred to by position; an evidence text (claim, quote, said by) found more than once is
  kept once in "texts" and referred to by position;
- lines are delta-encoded integers (see lines.Leg);
- a leg status that is the route's, an evidence item's "supports" stance and an Admiralty grade
  the script can work out (source reliability + credibility) are left out.

`routes_of` turns the rows back into one dict per route, as the script does.

Every text in the payload is plain text from the data; the script puts it on the page with
`textContent`, never as HTML. Source URLs are kept only when they are http(s) addresses.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace

from .. import __version__, model, style
from ..dataset import Dataset
from ..errors import UsageError
from ..select import Filters
from .lines import Leg, route_legs

# Labels of the categories in the legend and the layer control; colours and patterns come from
# routes.style, shared with static images and reports.
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
    "other": "Other, or no weapon system listed",
}
STATUS_LABELS = {
    "confirmed": "confirmed: official finding or physical evidence",
    "corroborated": "corroborated: two or more independent sources",
    "reported": "reported: one credible underlying source",
    "alleged": "alleged: a claim by one party or outlet",
}

ROUND = 4  # decimals of a marker coordinate
# The order of the fields in a route's, a leg's and an evidence item's row (the often empty ones last).
ROUTE_FIELDS = ("id", "name", "kind", "category", "status", "period", "path", "legs", "evidence", "weapons",
                "supplier", "intermediaries", "recipient", "independent", "outcome", "disputed", "interdicted",
                "intended", "notes")
LEG_FIELDS = ("coords", "offset", "status")
EVIDENCE_FIELDS = ("source", "claim", "credibility", "stance", "quote", "said_by", "legs", "grade")
SHARED_TEXTS = ("claim", "quote", "said_by")  # evidence fields whose repeated texts go in "texts" once
_HTTP_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


def safe_url(url: object) -> str | None:
    """The URL when it is an http(s) address that can be a link, else None (shown as text instead)."""
    return url if isinstance(url, str) and _HTTP_URL.match(url) else None


def filter_text(filters: Filters | None, dataset: Dataset) -> str:
    """The filter in words, with weapon systems and categories by their own names (RPG-7 -> "F-7").

    So `--weapon f7`, `--weapon F-7` and `--weapon RPG-7` (an alias) make the same map.
    """
    if filters is None:
        return "all routes"
    weapons = []
    for name in filters.weapons:
        try:
            ids = dataset.weapons.resolve(name)
        except UsageError:
            ids = []
        system = dataset.weapons.get(ids[0]) if len(ids) == 1 else None
        weapons.append(str(system.get("name") or ids[0]) if system else name)
    categories = []
    for name in filters.categories:
        try:
            categories.append(dataset.weapons.check_category(name))
        except UsageError:
            categories.append(name)
    return replace(filters, weapons=tuple(dict.fromkeys(weapons)),
                   categories=tuple(dict.fromkeys(categories))).describe()


def default_title(count: int, described: str) -> str:
    """E.g. "Alleged arms-transfer routes — weapon F-7 (12 routes)"."""
    what = "" if described == "all routes" else f" — {described}"
    return f"Alleged arms-transfer routes{what} ({count} route{'s' if count != 1 else ''})"


def build_payload(dataset: Dataset, *, title: str | None = None, filters: Filters | None = None) -> dict:
    """Everything the map script draws for the routes of `dataset`, as plain JSON-ready data.

    The title defaults to one made from the filters (see `default_title`).

    Raises `RoutesError` for a route that cannot be drawn (a waypoint with no known place).
    """
    routes = dataset.routes
    drawn, bounds = route_legs(dataset)

    categories: dict[str, int] = {}
    out_routes = []
    cited: dict[str, None] = {}
    weapon_ids: dict[str, None] = {}
    places: dict[str, int] = {}  # place name -> its position in the payload's "places"
    for route, legs in zip(routes, drawn):
        category = style.route_category(route, dataset.weapons)
        categories[category] = categories.get(category, 0) + 1
        entry = _route_entry(route, dataset, category, legs, places)
        out_routes.append(entry)
        for item in entry.get("evidence", []):
            if "source" in item:
                cited[item["source"]] = None
        for weapon_id in entry.get("weapons", []):
            weapon_ids[weapon_id] = None

    described = filter_text(filters, dataset)
    category_list = _categories(categories)
    status_list = [{"id": s, "label": STATUS_LABELS[s], "dash": style.status_dash(s) or ""}
                   for s in reversed(model.STATUSES)]
    return {
        "title": title or default_title(len(routes), described),
        "filter": described,
        "credit": _credit(dataset),
        "bounds": bounds or [[-60.0, -170.0], [75.0, 170.0]],
        "categories": category_list,
        "statuses": status_list,
        "style": {"weight": style.LINE_WIDTH, "disputed": style.DISPUTED_COLOUR,
                  "interdiction": style.INTERDICTION_COLOUR},
        "weapons": {w: _weapon(w, dataset) for w in weapon_ids},
        "sources": {s: _source(s, dataset.sources.get(s)) for s in cited},
        "credibility": {str(k): v for k, v in model.CREDIBILITY.items()},
        "places": list(places),
        **_rows(out_routes, {c["id"]: i for i, c in enumerate(category_list)},
                {st["id"]: i for i, st in enumerate(status_list)}),
        "waypoints": _waypoints(routes, dataset),
        "interdictions": _interdictions(routes, dataset),
    }


def routes_of(payload: dict) -> list[dict]:
    """The routes of a payload as dicts (field -> value, absent fields left out), texts filled in."""
    fields = payload["route_fields"]
    texts = payload["texts"]

    def record(row: list, names) -> dict:
        return {name: value for name, value in zip(names, row) if value is not None}

    categories = [c["id"] for c in payload["categories"]]
    statuses = [s["id"] for s in payload["statuses"]]
    routes = []
    for row in payload["routes"]:
        route = record(row, fields)
        route["category"] = categories[route["category"]]
        route["status"] = statuses[route["status"]]
        if "legs" in route:
            route["legs"] = [record(leg, payload["leg_fields"]) for leg in route["legs"]]
            for leg in route["legs"]:
                if "status" in leg:
                    leg["status"] = statuses[leg["status"]]
        if "evidence" in route:
            route["evidence"] = [{k: texts[v] if k in SHARED_TEXTS and isinstance(v, int) else v
                                  for k, v in record(item, payload["evidence_fields"]).items()}
                                 for item in route["evidence"]]
        routes.append(route)
    return routes


def _rows(routes: list[dict], categories: dict[str, int], statuses: dict[str, int]) -> dict:
    """The routes as rows, with repeated evidence texts in a shared table (see the module's docstring)."""
    seen: dict[str, int] = defaultdict(int)
    for route in routes:
        for item in route.get("evidence", ()):
            for key in SHARED_TEXTS:
                if key in item:
                    seen[item[key]] += 1
    shared = {text: i for i, text in enumerate(t for t, n in seen.items() if n > 1)}

    def row(values: list) -> list:
        while values and values[-1] is None:
            values.pop()
        return values

    rows = []
    for route in routes:
        values = [route.get(name) for name in ROUTE_FIELDS]
        values[ROUTE_FIELDS.index("category")] = categories[route["category"]]
        values[ROUTE_FIELDS.index("status")] = statuses[route["status"]]
        if "legs" in route:
            values[ROUTE_FIELDS.index("legs")] = [
                row([statuses[leg[name]] if name == "status" and name in leg else leg.get(name) for name in LEG_FIELDS])
                for leg in route["legs"]]
        if "evidence" in route:
            values[ROUTE_FIELDS.index("evidence")] = [
                row([shared.get(item[name], item[name]) if name in SHARED_TEXTS and name in item else item.get(name)
                     for name in EVIDENCE_FIELDS]) for item in route["evidence"]]
        rows.append(row(values))
    return {"route_fields": list(ROUTE_FIELDS), "leg_fields": list(LEG_FIELDS),
            "evidence_fields": list(EVIDENCE_FIELDS), "texts": list(shared), "routes": rows}


def _credit(dataset: Dataset) -> str:
    # File names only, never absolute paths: the page must not change with the folder it was made in.
    names = ", ".join(dict.fromkeys(p.name for p in dataset.files)) or "in-memory data"
    return f"Data: {names} · made with arms-routes {__version__}"


def _categories(counts: dict[str, int]) -> list[dict]:
    known = [c for c in style.CATEGORY_COLOURS if c in counts]
    extra = sorted(c for c in counts if c not in style.CATEGORY_COLOURS)
    return [{"id": category, "label": CATEGORY_LABELS.get(category) or category.replace("-", " ").capitalize(),
             "colour": style.category_colour(category), "count": counts[category]} for category in known + extra]


def _text(value: object) -> str | None:
    return None if value is None else str(value)


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
        "url": safe_url(url),
        # A URL that may not be a link (javascript:, data:, ...) is still shown, as inert text.
        "url_text": _text(url) if url and not safe_url(url) else None,
        "kind": _text(source.get("kind")),
        "reliability": _text(source.get("reliability")) or "F",
        "reliability_meaning": model.RELIABILITY.get(source.get("reliability") or "F", "unknown"),
    }


def _route_entry(route: dict, dataset: Dataset, category: str, legs: list[Leg], places: dict[str, int]) -> dict:
    """What the card, the tooltip and the line of one route need; empty fields are left out."""
    p = model.props(route)
    status = p.get("status") if p.get("status") in model.STATUS_RANK else "alleged"
    interdicted = p.get("interdicted") if isinstance(p.get("interdicted"), dict) else None

    def place_refs(ids) -> list[int]:
        return [places.setdefault(_place_name(w, dataset), len(places)) for w in ids or []]

    return _compact({
        "id": _text(route.get("id")),
        "name": _text(p.get("name")) or _text(route.get("id")),
        "kind": model.kind(route),
        "category": category,
        "status": status,
        "disputed": model.is_disputed(route) or None,
        "weapons": [str(w) for w in p.get("weapons") or []],
        "supplier": _text(p.get("supplier")),
        "intermediaries": [str(i) for i in p.get("intermediaries") or []],
        "recipient": _text(p.get("recipient")),
        "period": model.period_text(route),
        "outcome": _text(p.get("outcome")),
        "interdicted": _compact({"place": _place_name(interdicted.get("place"), dataset),
                                 "date": _text(interdicted.get("date")),
                                 "note": _text(interdicted.get("note"))}) if interdicted else None,
        "intended": place_refs(p.get("intended_waypoints")),
        "path": place_refs(p.get("waypoints")),
        "independent": model.independent_sources(route, dataset.sources),
        "evidence": [_evidence(item, dataset) for item in model.evidence(route) if isinstance(item, dict)],
        "notes": _text(p.get("notes")),
        "legs": [_compact({"status": leg.status if leg.status != status else None, "offset": leg.offset or None,
                           "coords": leg.coords}) for leg in legs],
    })


def _evidence(item: dict, dataset: Dataset) -> dict:
    credibility = item.get("credibility")
    credibility = credibility if isinstance(credibility, int) and credibility in model.CREDIBILITY else None
    grade = model.grade(item, dataset.sources)
    source = dataset.sources.get(item.get("source")) or {}
    worked_out = f"{_text(source.get('reliability')) or 'F'}{6 if credibility is None else credibility}"
    return _compact({
        "source": _text(item.get("source")),
        "claim": _text(item.get("claim")),
        "quote": _text(item.get("quote")),
        "said_by": _text(item.get("said_by")),
        "stance": "disputes" if item.get("stance") == "disputes" else None,
        "grade": grade if grade != worked_out else None,
        "credibility": credibility,
        "legs": [leg for leg in item.get("legs") or [] if isinstance(leg, int)],
    })


def _compact(entry: dict) -> dict:
    """The entry without empty fields (None, "", []): 10,000 routes carry no room for nulls."""
    return {k: v for k, v in entry.items() if v is not None and v != "" and v != []}


def _place_name(place_id: object, dataset: Dataset) -> str:
    place = dataset.place(place_id) if isinstance(place_id, str) else None
    return place.name if place else str(place_id)


# -- markers: waypoints and interdictions ----------------------------------------------------------

ROLES = ("origin", "transit", "destination")


def _waypoints(routes: list[dict], dataset: Dataset) -> list[dict]:
    """One marker per place the selected routes pass, with its roles (origin, transit, destination)."""
    roles: dict[str, dict[str, None]] = {}
    counts: dict[str, int] = defaultdict(int)
    for route in routes:
        waypoints = model.props(route).get("waypoints") or []
        for index, place_id in enumerate(waypoints):
            role = "origin" if index == 0 else "destination" if index == len(waypoints) - 1 else "transit"
            roles.setdefault(place_id, {})[role] = None
        for place_id in dict.fromkeys(waypoints):
            counts[place_id] += 1
    result = []
    for place_id, found in roles.items():
        place = dataset.place(place_id) if isinstance(place_id, str) else None
        if place is None:
            continue
        result.append({
            "id": place.id, "name": place.name, "country": place.country, "kind": place.kind,
            "roles": [r for r in ROLES if r in found], "routes": counts[place_id],
            "lat": round(place.lat, ROUND), "lon": round(place.lon, ROUND),
        })
    return result


def _interdictions(routes: list[dict], dataset: Dataset) -> list[dict]:
    """One marker per place where a selected shipment was stopped, listing each stop there."""
    by_place: dict[str, dict] = {}
    for route in routes:
        stop = model.props(route).get("interdicted")
        if not isinstance(stop, dict):
            continue
        place = dataset.place(stop.get("place")) if isinstance(stop.get("place"), str) else None
        if place is None:
            continue
        entry = by_place.setdefault(place.id, {
            "place": place.name, "country": place.country,
            "lat": round(place.lat, ROUND), "lon": round(place.lon, ROUND), "stops": []})
        entry["stops"].append({"route": _text(route.get("id")), "name": _text(model.props(route).get("name")),
                               "date": _text(stop.get("date")), "note": _text(stop.get("note"))})
    return list(by_place.values())

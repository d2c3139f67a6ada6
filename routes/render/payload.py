"""The data a rendered map draws: one JSON-ready payload built from a selection of routes.

The page carries this payload once and our script (static/arms-routes.js) draws it, instead of one
folium object per route: 10,000 routes are one JSON block and a few seconds of drawing. Sources and
weapon systems are listed once and referred to by id; empty fields are left out.

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
    for route, legs in zip(routes, drawn):
        category = style.route_category(route, dataset.weapons)
        categories[category] = categories.get(category, 0) + 1
        entry = _route_entry(route, dataset, category, legs)
        out_routes.append(entry)
        for item in entry.get("evidence", []):
            if "source" in item:
                cited[item["source"]] = None
        for weapon_id in entry.get("weapons", []):
            weapon_ids[weapon_id] = None

    described = filter_text(filters, dataset)
    return {
        "title": title or default_title(len(routes), described),
        "filter": described,
        "credit": _credit(dataset),
        "bounds": bounds or [[-60.0, -170.0], [75.0, 170.0]],
        "categories": _categories(categories),
        "statuses": [{"id": s, "label": STATUS_LABELS[s], "dash": style.status_dash(s) or ""}
                     for s in reversed(model.STATUSES)],
        "style": {"weight": style.LINE_WIDTH, "disputed": style.DISPUTED_COLOUR,
                  "interdiction": style.INTERDICTION_COLOUR},
        "weapons": {w: _weapon(w, dataset) for w in weapon_ids},
        "sources": {s: _source(s, dataset.sources.get(s)) for s in cited},
        "credibility": {str(k): v for k, v in model.CREDIBILITY.items()},
        "routes": out_routes,
        "waypoints": _waypoints(routes, dataset),
        "interdictions": _interdictions(routes, dataset),
    }


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


def _route_entry(route: dict, dataset: Dataset, category: str, legs: list[Leg]) -> dict:
    """What the card, the tooltip and the line of one route need; empty fields are left out."""
    p = model.props(route)
    status = p.get("status") if p.get("status") in model.STATUS_RANK else "alleged"
    interdicted = p.get("interdicted") if isinstance(p.get("interdicted"), dict) else None
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
        "intended": [_place_name(w, dataset) for w in p.get("intended_waypoints") or []],
        "path": [_place_name(w, dataset) for w in p.get("waypoints") or []],
        "independent": model.independent_sources(route, dataset.sources),
        "evidence": [_evidence(item, dataset) for item in model.evidence(route) if isinstance(item, dict)],
        "notes": _text(p.get("notes")),
        "legs": [_compact({"status": leg.status, "offset": leg.offset or None, "coords": leg.coords}) for leg in legs],
    })


def _evidence(item: dict, dataset: Dataset) -> dict:
    credibility = item.get("credibility")
    return _compact({
        "source": _text(item.get("source")),
        "claim": _text(item.get("claim")),
        "quote": _text(item.get("quote")),
        "said_by": _text(item.get("said_by")),
        "stance": "disputes" if item.get("stance") == "disputes" else "supports",
        "grade": model.grade(item, dataset.sources),
        "credibility": credibility if isinstance(credibility, int) and credibility in model.CREDIBILITY else None,
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

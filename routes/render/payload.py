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
- lines are delta-encoded integers, written as text in the encoded polyline format (see lines.Leg);
- what only route cards show (evidence items, shared texts) travels in a block of its own that the
  script parses when a card is first opened (see `split_cards`);
- a leg status that is the route's, an evidence item's "supports" stance and an Admiralty grade
  the script can work out (source reliability + credibility) are left out.

`routes_of` turns the rows back into one dict per route, as the script does.

Every text in the payload is plain text from the data; the script puts it on the page with
`textContent`, never as HTML. Source URLs are kept only when they are http(s) addresses.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import replace

from .. import __version__, model, style
from ..dataset import Dataset
from ..errors import UsageError
from ..select import Filters
from .lines import Leg, numbers, route_legs

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
    route_categories = [style.route_category(route, dataset.weapons) for route in routes]
    category_list = _categories(Counter(route_categories))
    status_list = [{"id": s, "label": STATUS_LABELS[s], "dash": style.status_dash(s) or ""}
                   for s in reversed(model.STATUSES)]
    rows = _Rows(dataset, category_list, status_list)
    for route, category, legs in zip(routes, route_categories, drawn):
        rows.add(route, category, legs)

    described = filter_text(filters, dataset)
    return {
        "title": title or default_title(len(routes), described),
        "filter": described,
        "credit": _credit(dataset),
        "bounds": bounds or [[-60.0, -170.0], [75.0, 170.0]],
        "categories": category_list,
        "statuses": status_list,
        "style": {"weight": style.LINE_WIDTH, "disputed": style.DISPUTED_COLOUR,
                  "interdiction": style.INTERDICTION_COLOUR},
        "weapons": {w: _weapon(w, dataset) for w in rows.weapons},
        "sources": {s: _source(s, dataset.sources.get(s)) for s in rows.cited},
        "credibility": {str(k): v for k, v in model.CREDIBILITY.items()},
        "places": list(rows.places),
        **rows.finish(),
        "waypoints": _waypoints(routes, dataset),
        "interdictions": _interdictions(routes, dataset),
    }


def split_cards(payload: dict) -> tuple[dict, dict]:
    """The payload without what only route cards show (each route's evidence rows and the shared
    "texts"), and that part on its own: the page carries it in a block of its own after the map
    script, which reads it only when a card is opened, so a large map is drawn before it is even parsed.
    `join_cards` puts the two together again.
    """
    main = dict(payload)
    at = payload["route_fields"].index("evidence")
    evidence, rows = [], []
    for row in payload["routes"]:
        evidence.append(row[at] if len(row) > at else None)
        if len(row) > at and row[at] is not None:
            row = list(row)
            row[at] = None
            row = _row(row)
        rows.append(row)
    main["routes"] = rows
    del main["texts"]
    return main, {"evidence": evidence, "texts": payload["texts"]}


def join_cards(main: dict, cards: dict) -> dict:
    """The payload that `split_cards` split into `main` and `cards`."""
    payload = dict(main, texts=cards["texts"])
    at = main["route_fields"].index("evidence")
    rows = []
    for row, evidence in zip(main["routes"], cards["evidence"]):
        if evidence is not None:
            row = list(row) + [None] * max(0, at + 1 - len(row))
            row[at] = evidence
        rows.append(row)
    payload["routes"] = rows
    return payload


def routes_of(payload: dict) -> list[dict]:
    """The routes of a payload as dicts (field -> value, absent fields left out), texts filled in and
    each leg's `coords` as its list of delta-encoded integers."""
    fields = payload["route_fields"]
    texts = payload.get("texts", [])  # (a payload without its card data has no evidence either)

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
                leg["coords"] = numbers(leg["coords"])
                if "status" in leg:
                    leg["status"] = statuses[leg["status"]]
        if "evidence" in route:
            route["evidence"] = [{k: texts[v] if k in SHARED_TEXTS and isinstance(v, int) else v
                                  for k, v in record(item, payload["evidence_fields"]).items()}
                                 for item in route["evidence"]]
        routes.append(route)
    return routes


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
        "url": safe_url(url),
        # A URL that may not be a link (javascript:, data:, ...) is still shown, as inert text.
        "url_text": _text(url) if url and not safe_url(url) else None,
        "kind": _text(source.get("kind")),
        "reliability": _text(source.get("reliability")) or "F",
        "reliability_meaning": model.RELIABILITY.get(source.get("reliability") or "F", "unknown"),
    }


class _Rows:
    """The routes as rows (see the module's docstring), built one route at a time, and what they
    refer to: place names, cited sources and weapon systems, in the order they first appear."""

    def __init__(self, dataset: Dataset, categories: list[dict], statuses: list[dict]):
        self.dataset = dataset
        self.category_index = {c["id"]: i for i, c in enumerate(categories)}
        self.status_index = {s["id"]: i for i, s in enumerate(statuses)}
        self.places: dict[str, int] = {}  # place name -> its position in the payload's "places"
        self.place_names: dict[str, str] = {}  # place id -> its name
        self.place_refs: dict[str, int] = {}  # place id -> the position of its name in "places"
        self.cited: dict[str, None] = {}
        self.weapons: dict[str, None] = {}
        self.rows: list[list] = []
        self.evidence_rows: list[list] = []
        # Many routes cite the same sources: each source's lineage, and the number of independent
        # groups of each list of supporting sources, are worked out once (the sources do not change
        # while the payload is built).
        self.lineages: dict[str, set[str]] = {}
        self.independent: dict[tuple[str, ...], int] = {}
        self.grades: dict[tuple, str | None] = {}  # (source id, credibility) -> grade (see `_grade`)

    def add(self, route: dict, category: str, legs: list[Leg]) -> None:
        """The row of one route: what its card, tooltip and line need; empty fields (None, "", []) are null."""
        p = model.props(route)
        status = p.get("status")
        if status not in model.STATUS_RANK:
            status = "alleged"
        stop = p.get("interdicted")
        if not isinstance(stop, dict):
            stop = None
        intended = self._refs(p.get("intended_waypoints"))  # (before the path: the places' order as before)
        weapons = [str(w) for w in p.get("weapons") or []]
        self.weapons.update(dict.fromkeys(weapons))
        status_index = self.status_index
        route_id = _filled(route.get("id"))
        self.rows.append(_row([  # in the order of ROUTE_FIELDS
            route_id,
            _filled(p.get("name")) or route_id,
            _empty_to_none(model.kind(route)),
            self.category_index[category],
            status_index[status],
            _empty_to_none(model.period_text(route)),
            self._refs(p.get("waypoints")) or None,
            [_row([leg.coords or None, leg.offset or None, status_index[leg.status] if leg.status != status else None])
             for leg in legs] or None,
            [self._evidence(item) for item in model.evidence(route) if isinstance(item, dict)] or None,
            weapons or None,
            _filled(p.get("supplier")),
            [str(i) for i in p.get("intermediaries") or []] or None,
            _filled(p.get("recipient")),
            self._independent_sources(route),
            _filled(p.get("outcome")),
            model.is_disputed(route) or None,
            _compact({"place": self._place_name(stop.get("place")), "date": _text(stop.get("date")),
                      "note": _text(stop.get("note"))}) if stop else None,
            intended or None,
            _filled(p.get("notes")),
        ]))

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
                "evidence_fields": list(EVIDENCE_FIELDS), "texts": list(shared), "routes": self.rows}

    def _refs(self, place_ids) -> list[int]:
        """The positions in "places" of the names of these places (ids)."""
        if not place_ids:
            return []
        known = self.place_refs
        return [known[w] if isinstance(w, str) and w in known else self._ref(w) for w in place_ids]

    def _ref(self, place_id: object) -> int:
        places = self.places
        position = places.setdefault(self._place_name(place_id), len(places))
        if isinstance(place_id, str):
            self.place_refs[place_id] = position
        return position

    def _place_name(self, place_id: object) -> str:
        if not isinstance(place_id, str):
            return str(place_id)
        name = self.place_names.get(place_id)
        if name is None:
            name = self.place_names[place_id] = _place_name(place_id, self.dataset)
        return name

    def _evidence(self, item: dict) -> list:
        """The row of one evidence item; its stance only when it disputes, its grade only when the
        script cannot work it out (source reliability + credibility)."""
        credibility = item.get("credibility")
        if not (isinstance(credibility, int) and credibility in model.CREDIBILITY):
            credibility = None
        grade = self._grade(item, credibility)
        source_id = _filled(item.get("source"))
        if source_id is not None:
            self.cited[source_id] = None
        legs = item.get("legs")
        row = _row([  # in the order of EVIDENCE_FIELDS
            source_id,
            _filled(item.get("claim")),
            credibility,
            "disputes" if item.get("stance") == "disputes" else None,
            _filled(item.get("quote")),
            _filled(item.get("said_by")),
            ([leg for leg in legs if isinstance(leg, int)] or None) if legs else None,
            grade,
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
        last = len(waypoints) - 1
        for index, place_id in enumerate(waypoints):
            found = roles.get(place_id)
            if found is None:
                found = roles[place_id] = {}
            found["origin" if index == 0 else "destination" if index == last else "transit"] = None
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

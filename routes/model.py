"""The vocabulary of the data model and what can be read off one route: status, dispute, independence.

Routes stay the GeoJSON features the user wrote (plain dicts), so nothing a user adds is lost on the
way through the tool; these functions read them.
"""

from __future__ import annotations

from dataclasses import dataclass

STATUSES = ("alleged", "reported", "corroborated", "confirmed")
STATUS_RANK = {status: rank for rank, status in enumerate(STATUSES)}
KINDS = ("arms", "technology", "training", "payment")
MODES = ("sea", "land", "air", "rail", "unknown")
MODE_LABELS = {"sea": "by sea", "land": "by land", "air": "by air", "rail": "by rail", "unknown": "mode not reported"}
STANCES = ("supports", "disputes")
# What kind of disagreement a disputing item records: the accused party denies it, a third party
# could not confirm it, or a third party says otherwise.
DISPUTES = {
    "denial": "denied by",
    "non-confirmation": "not confirmed by",
    "counter-evidence": "contradicted by",
}
OUTCOMES = ("delivered", "attempted", "interdicted", "unknown")
# An outcome in words, for cards and reports (a missing outcome is not known).
OUTCOME_LABELS = {
    "delivered": "delivered: the sources report a delivery",
    "attempted": "attempted: not reported delivered",
    "interdicted": "interdicted: stopped before delivery",
    "unknown": "not known: the sources do not say whether it was completed",
}
# How precisely the sources locate a waypoint (after UCDP GED's where_prec and ACLED's geo_precision):
# the phrase completes "the sources name only ...".
PRECISIONS = {
    "site": "this place",
    "area": "the area",
    "admin1": "the province or state",
    "country": "the country",
    "region": "the region",
    "water": "the body of water",
}
# How much of a leg's line the sources give: a source describes the path; the mode is known and the
# line follows a realistic lane or great circle for it; or the line only joins the places.
PATHS = ("documented", "plausible", "schematic")
PATH_LABELS = {
    "documented": "path described by a source",
    "plausible": "path plausible for the reported mode (sea lane, great circle)",
    "schematic": "path not reported: the line only joins the places",
}
SOURCE_KINDS = ("news", "analysis", "official", "court", "un_report", "dataset", "other")
OFFICIAL_KINDS = {"official", "court", "un_report"}
RELIABILITY = {
    "A": "completely reliable", "B": "usually reliable", "C": "fairly reliable",
    "D": "not usually reliable", "E": "unreliable", "F": "reliability cannot be judged",
}
CREDIBILITY = {
    1: "confirmed by other sources", 2: "probably true", 3: "possibly true",
    4: "doubtful", 5: "improbable", 6: "truth cannot be judged",
}
# What a gazetteer place is (the schema's places[].kind).
PLACE_KINDS = ("city", "port", "airport", "border crossing", "region", "country")
# How `list`, `show`, `weapons` and `places` print: aligned text, JSON or CSV.
TEXT_FORMATS = ("table", "json", "csv")


def props(route: dict) -> dict:
    return route.get("properties") or {}


def kind(route: dict) -> str:
    return props(route).get("kind") or "arms"


def status(route: dict) -> str:
    return props(route).get("status", "alleged")


def evidence(route: dict, stance: str | None = None) -> list[dict]:
    items = props(route).get("evidence") or []
    return [e for e in items if stance is None or e.get("stance") == stance]


def is_disputed(route: dict) -> bool:
    """A route is disputed when any evidence item disputes it."""
    return bool(evidence(route, "disputes"))


def lineage(source_id: str, sources: dict[str, dict]) -> set[str]:
    """The source and every source it derives from, transitively (cycles are tolerated)."""
    seen: set[str] = set()
    stack = [source_id]
    while stack:
        current = stack.pop()
        if not isinstance(current, str) or current in seen:
            continue  # (an id that is not text is reported by validation; it has no lineage)
        seen.add(current)
        source = sources.get(current)
        parents = source.get("derived_from") if isinstance(source, dict) else None
        if isinstance(parents, list):
            stack.extend(parents)
    return seen


# -- waypoints: a place id, or an object saying how the sources locate it ------------------------------

WAYPOINT_KEYS = ("place", "stand_in", "stands_for", "precision", "note")


def place_id(waypoint: object) -> object:
    """The place id of a waypoint written as an id or as an object with `place` (None when it has none)."""
    if isinstance(waypoint, dict):
        return waypoint.get("place")
    return waypoint


def place_ids(waypoints: object) -> list:
    """The place ids of a list of waypoints, in order (what is not a list gives [])."""
    return [place_id(w) for w in waypoints] if isinstance(waypoints, list) else []


def waypoint_ids(route: dict) -> list:
    return place_ids(props(route).get("waypoints"))


def default_precision(kind: str | None) -> str:
    """A place's precision when its gazetteer entry gives none: a country point locates only the
    country, a region (an area such as the Gaza Strip) only the area, anything else a site."""
    return {"country": "country", "region": "area"}.get(kind or "", "site")


@dataclass(frozen=True)
class Waypoint:
    """One waypoint as a reader must see it: where it is drawn and what the sources actually say.

    `label` is what a map writes beside it: the place's name when the sources name it, "≈ Iran" for a
    stand-in. `precision` is how precisely the sources locate it (see PRECISIONS; None for a stand-in
    whose precision is not given). `exact` only for a place the sources name as a site.
    """

    place_id: str
    name: str
    country: str
    lon: float
    lat: float
    stand_in: bool
    stands_for: str | None
    precision: str | None
    note: str | None

    @property
    def exact(self) -> bool:
        return not self.stand_in and self.precision == "site"

    @property
    def label(self) -> str:
        return f"≈ {self.stands_for}" if self.stand_in and self.stands_for else self.name

    @property
    def drawn_as(self) -> str:
        """How every output draws it: "site" (a dot), "area" (a ring: named, but coarse) or "stand-in"."""
        return "stand-in" if self.stand_in else "site" if self.exact else "area"

    def describe(self) -> str:
        """What a tooltip, card or report says of it; "" for an exact place.

        E.g. "stand-in for Iran: the sources name only the country (drawn at Bandar Abbas)".
        """
        named = PRECISIONS.get(self.precision or "")
        if self.stand_in:
            what = f"the sources name only {named}" if named and self.precision != "site" else \
                "the sources do not name this place"
            return f"stand-in for {self.stands_for or 'an unnamed place'}: {what} (drawn at {self.name})"
        if self.exact:
            return ""
        return f"{self.name}: the sources name only {named or 'an area'}; drawn at a representative point"


def waypoint(value: object, places) -> Waypoint | None:
    """The `Waypoint` of a waypoint (an id or an object) against a gazetteer; None for an unknown place."""
    pid = place_id(value)
    place = places.get(pid) if isinstance(pid, str) else None
    if place is None:
        return None
    fields = value if isinstance(value, dict) else {}
    stand_in = fields.get("stand_in") is True
    stands_for = fields.get("stands_for") if isinstance(fields.get("stands_for"), str) else None
    precision = fields.get("precision") if fields.get("precision") in PRECISIONS else None
    if precision is None and not stand_in:
        precision = place.precision or default_precision(place.kind)
    note = fields.get("note") if isinstance(fields.get("note"), str) else None
    return Waypoint(place.id, place.name, place.country, place.lon, place.lat, stand_in, stands_for, precision, note)


def waypoints(route: dict, places) -> list[Waypoint | None]:
    """The route's waypoints as `Waypoint`s (None where a place is unknown)."""
    return [waypoint(w, places) for w in props(route).get("waypoints") or []]


# -- legs ------------------------------------------------------------------------------------------

def legs(route: dict) -> list[dict]:
    """One leg (a dict) per consecutive pair of waypoints: the route's own, or {"mode": "unknown"}."""
    p = props(route)
    count = max(len(p.get("waypoints") or []) - 1, 0)
    given = p.get("legs") if isinstance(p.get("legs"), list) else []
    return [given[i] if i < len(given) and isinstance(given[i], dict) else {"mode": "unknown"} for i in range(count)]


def leg_path(leg: object) -> str:
    """How much of a leg's line the sources give (PATHS): its own `path`, else by its mode, an unknown
    mode being schematic."""
    if not isinstance(leg, dict):
        return "schematic"
    if leg.get("path") in PATHS:
        return leg["path"]
    return "schematic" if leg.get("mode", "unknown") not in MODES or leg.get("mode", "unknown") == "unknown" else "plausible"


def weakest_path(paths) -> str:
    """The weakest of some legs' paths (PATHS runs from the strongest): what one line standing for
    all of them is drawn as (a line that is partly schematic is drawn schematic). "schematic" for none."""
    return max((p for p in paths if p in PATHS), key=PATHS.index, default="schematic")


def leg_statuses(route: dict) -> list[str]:
    """Each leg's evidence status: its own where it gives a known one, else the route's."""
    own = status(route) if status(route) in STATUS_RANK else "alleged"
    return [leg.get("status") if leg.get("status") in STATUS_RANK else own for leg in legs(route)]


def weakest_status(statuses, default: str = "alleged") -> str:
    """The weakest of some legs' statuses: what one line standing for all of them is drawn as."""
    return min((s for s in statuses if s in STATUS_RANK), key=STATUS_RANK.get, default=default)


# -- periods: a bound is a year, null (unknown) or {"year": Y, "approximate": true} --------------------

def bound_year(bound: object) -> int | None:
    """The year of a period bound; None when unknown."""
    if isinstance(bound, dict):
        bound = bound.get("year")
    return bound if isinstance(bound, int) and not isinstance(bound, bool) else None


def bound_approximate(bound: object) -> bool:
    return isinstance(bound, dict) and bound.get("approximate") is True and bound_year(bound) is not None


def period(route: dict) -> tuple[object, object]:
    """The route's (start, end) bounds as written."""
    value = props(route).get("period")
    value = value if isinstance(value, dict) else {}
    return value.get("start"), value.get("end")


def period_years(route: dict) -> tuple[int | None, int | None]:
    start, end = period(route)
    return bound_year(start), bound_year(end)


def bound_text(bound: object) -> str:
    """A bound as people write it: "2014", "c. 2014" (approximate), "?" (unknown)."""
    year = bound_year(bound)
    if year is None:
        return "?"
    return f"c. {year}" if bound_approximate(bound) else str(year)


def is_approximate(route: dict) -> bool:
    """Whether either bound of the route's period is approximate."""
    return any(bound_approximate(b) for b in period(route))


def item_key(item: dict) -> str | tuple | None:
    """What an evidence item rests on, for counting independent sources: its source id, or (source id,
    *the ids it `relays`) when the item repeats reporting its source does not repeat as a whole."""
    source = item.get("source")
    if not isinstance(source, str):
        return None
    relays = item.get("relays")
    if isinstance(relays, list) and relays:
        extra = tuple(sorted({r for r in relays if isinstance(r, str) and r != source}))
        if extra:
            return (source, *extra)
    return source


def key_sources(key: str | tuple) -> tuple[str, ...]:
    """The source ids of an `item_key`: the cited source first, then those the item relays."""
    return (key,) if isinstance(key, str) else tuple(key)


def key_lineage(key: str | tuple, sources: dict[str, dict], lineages: dict | None = None) -> set[str]:
    """The lineage of an `item_key`: its source's, and that of every source the item relays."""
    if lineages is not None and key in lineages:
        return lineages[key]
    found: set[str] = set()
    for source_id in key_sources(key):
        found |= lineage(source_id, sources)
    if lineages is not None:
        lineages[key] = found
    return found


def independent_set(source_ids: list, sources: dict[str, dict],
                    lineages: dict | None = None) -> list:
    """The largest set of these sources of which no two share reporting, in their first order.

    Two sources are independent when neither derives from the other and they do not both repeat a
    common source (the data model's definition, pairwise): a source that repeats two unrelated
    sources does not make those two one. An entry may be an `item_key` (a source with what one of
    its items relays), so that what a source repeats in one claim does not tie its other claims.
    Of several largest sets, earlier entries are kept where that costs nothing. `lineages`, when given, keeps
    each entry's lineage from one call to the next, for many routes over the same (unchanging) sources.
    """
    ids = list(dict.fromkeys(s for s in source_ids if isinstance(s, (str, tuple))))
    ancestry = [key_lineage(key, sources, lineages) for key in ids]
    # (lineage sets may be shared with `lineages`: never changed in place)
    n = len(ids)
    clash = [0] * n  # bit j of clash[i]: sources i and j share reporting
    for i in range(n):
        for j in range(i + 1, n):
            if not ancestry[i].isdisjoint(ancestry[j]):
                clash[i] |= 1 << j
                clash[j] |= 1 << i
    if not any(clash):
        return ids
    best = _largest_independent((1 << n) - 1, clash)
    return [source_id for i, source_id in enumerate(ids) if best >> i & 1]


# Above this many sources that clash in one tangle (after the easy ones are taken), the largest set
# is not searched for but built greedily: a count that may be lower than the largest, never higher.
EXACT_LIMIT = 40


def _count(bits: int) -> int:
    return bin(bits).count("1")


def _largest_independent(candidates: int, clash: list[int]) -> int:
    """The bit set of a largest independent set among `candidates` of the graph `clash`, one connected
    part at a time (sources that share nothing with the rest never multiply the work)."""
    result, rest = 0, candidates
    while rest:
        part = frontier = rest & -rest
        while frontier:
            bit = frontier & -frontier
            frontier ^= bit
            grown = clash[bit.bit_length() - 1] & candidates & ~part
            part |= grown
            frontier |= grown
        rest &= ~part
        result |= _largest_in_part(part, clash)
    return result


def _largest_in_part(candidates: int, clash: list[int]) -> int:
    """A largest independent set of one connected part: sources that clash with at most one other are
    always in some largest set, so they are taken at once (earliest first); what is left is searched
    by branching on the source with the most clashes, or, beyond EXACT_LIMIT, built greedily."""
    taken = 0
    changed = True
    while candidates and changed:
        changed = False
        bits = candidates
        while bits:
            bit = bits & -bits
            bits ^= bit
            if not bit & candidates:
                continue
            near = clash[bit.bit_length() - 1] & candidates
            if near & (near - 1) == 0:  # at most one clash
                taken |= bit
                candidates &= ~bit & ~near
                changed = True
    if not candidates:
        return taken
    order = []
    bits = candidates
    while bits:
        bit = bits & -bits
        bits ^= bit
        order.append((-_count(clash[bit.bit_length() - 1] & candidates), bit))
    if len(order) > EXACT_LIMIT:  # greedy: the source with the fewest clashes first
        while candidates:
            bit = min((_count(clash[b.bit_length() - 1] & candidates), b.bit_length(), b)
                      for b in _bits(candidates))[2]
            taken |= bit
            candidates &= ~bit & ~clash[bit.bit_length() - 1]
        return taken
    bit = min(order)[1]  # the most clashes (the earliest of them)
    i = bit.bit_length() - 1
    with_it = bit | _largest_independent(candidates & ~bit & ~clash[i], clash)
    without = _largest_independent(candidates & ~bit, clash)
    return taken | (without if _count(without) > _count(with_it) else with_it)


def _bits(value: int):
    while value:
        bit = value & -value
        value ^= bit
        yield bit


def supporting_sources(route: dict) -> list:
    """What each evidence item that supports the route rests on (`item_key`: a source id, or a source
    with what the item relays), in their order (repeats kept)."""
    return [item_key(e) for e in props(route).get("evidence") or []
            if isinstance(e, dict) and e.get("stance") == "supports" and isinstance(e.get("source"), str)]


def independent_sources(route: dict, sources: dict[str, dict], lineages: dict[str, set[str]] | None = None) -> int:
    """How many independent sources support the route (see `independent_set`)."""
    return len(independent_set(supporting_sources(route), sources, lineages))


def status_allows(status: str, independent: int) -> bool:
    """Whether the status rules allow `status` with this many independent supporting sources:
    `corroborated` needs two (`confirmed` rests on an official finding, which a count cannot show)."""
    return status != "corroborated" or independent >= 2


def grade(item: dict, sources: dict[str, dict]) -> str:
    """The Admiralty grade of an evidence item: source reliability and information credibility, e.g. "B2"."""
    source = sources.get(item.get("source")) or {}
    return f"{source.get('reliability', 'F')}{item.get('credibility', 6)}"


def period_text(route: dict) -> str:
    """The period as people write it: "2014–2023", "c. 1999–2004", "?–2008", "2014", or "unknown"."""
    start, end = period(route)
    if bound_year(start) is None and bound_year(end) is None:
        return "unknown"
    if bound_year(start) == bound_year(end) and bound_approximate(start) == bound_approximate(end):
        return bound_text(start)
    return f"{bound_text(start)}–{bound_text(end)}"


def relays_text(item: dict, sources: dict[str, dict]) -> str | None:
    """The sources an evidence item repeats (`relays`), by title: "The 2014 report of a … deal"; None
    when it relays none."""
    relays = [r for r in item.get("relays") or [] if isinstance(r, str)] if isinstance(item.get("relays"), list) else []
    if not relays:
        return None
    titles = []
    for source_id in relays:
        source = sources.get(source_id)
        title = source.get("title") if isinstance(source, dict) else None
        titles.append(str(title) if title else source_id)
    return "; ".join(dict.fromkeys(titles))


def dispute_text(item: dict) -> str:
    """Who disputes and how, for a disputing item: "denied by North Korea", "not confirmed by John Kirby"."""
    verb = DISPUTES.get(item.get("dispute"), "disputed by")
    who = item.get("said_by") if isinstance(item.get("said_by"), str) and item.get("said_by") else None
    return f"{verb} {who}" if who else {"denied by": "a denial", "not confirmed by": "not confirmed",
                                       "contradicted by": "contradicted", "disputed by": "disputed"}[verb]

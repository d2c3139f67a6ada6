"""The filters shared by every command that selects routes (list, show, render, export, report)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import chain

from . import model
from .dataset import Dataset
from .errors import UsageError
from .names import closest, normalise

# The filters' names as a user gives them: the CLI's options (`--weapon F-7`) and the keyword
# arguments of `routes.select` (`weapon="F-7"`), each with the field of `Filters` it fills.
OPTIONS = {"weapon": "weapons", "category": "categories", "actor": "actors", "place": "places",
           "since": "since", "until": "until", "min_status": "min_status", "route": "route_ids",
           "kind": "kinds", "disputed": "disputed"}
_MANY = ("weapons", "categories", "actors", "places", "route_ids", "kinds")
YEAR_RANGE = (1800, 2100)


@dataclass(frozen=True)
class Filters:
    """What a user asked for. Empty fields select everything; fields combine with AND, values in one
    field with OR.

    Every many-valued field takes one string or several (``Filters(actors="Hamas")`` is the actor
    Hamas, not five letters); years are whole numbers with ``since`` no later than ``until``;
    ``disputed`` is True for disputed routes only, False for undisputed ones only. A value that can
    never match raises `UsageError` here, before any data is read.
    """

    weapons: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    since: int | None = None
    until: int | None = None
    min_status: str | None = None
    route_ids: tuple[str, ...] = ()
    kinds: tuple[str, ...] = field(default=())
    disputed: bool | None = None

    def __post_init__(self) -> None:
        for name in _MANY:
            object.__setattr__(self, name, _strings(name, getattr(self, name)))
        for name in ("since", "until"):
            year = getattr(self, name)
            if year is None:
                continue
            if isinstance(year, bool) or not isinstance(year, int):
                try:
                    year = int(str(year).strip())
                except ValueError:
                    raise UsageError(f"{name} must be a year, e.g. 2014, not {year!r}") from None
                object.__setattr__(self, name, year)
            low, high = YEAR_RANGE
            if not low <= year <= high:
                raise UsageError(f"{name} {year} is out of range; give a year from {low} to {high}")
        if self.since is not None and self.until is not None and self.since > self.until:
            raise UsageError(f"since {self.since} is later than until {self.until}: no period can end in "
                             f"{self.since} or later and start in {self.until} or earlier; swap them")
        if self.min_status is not None and self.min_status not in model.STATUS_RANK:
            raise UsageError(f"unknown status {self.min_status!r}; give one of {', '.join(model.STATUSES)}",
                             suggestions=closest(str(self.min_status), {s: s for s in model.STATUSES}))
        for kind in self.kinds:
            if kind not in model.KINDS:
                raise UsageError(f"unknown kind {kind!r}; give one of {', '.join(model.KINDS)}",
                                 suggestions=closest(kind, {k: k for k in model.KINDS}))
        if self.disputed is not None and not isinstance(self.disputed, bool):
            raise UsageError(f"disputed must be True, False or None, not {self.disputed!r}")

    @classmethod
    def of(cls, **options) -> Filters:
        """Filters from the names a user gives (`OPTIONS`: weapon, category, actor, place, since, until,
        min_status, route, kind, disputed), each a string, a list of strings or None.

        >>> Filters.of(weapon="F-7", since=2014).describe()
        'weapon F-7, since 2014'
        """
        unknown = sorted(set(options) - set(OPTIONS))
        if unknown:
            raise UsageError(f"unknown filter {unknown[0]!r}; the filters are {', '.join(OPTIONS)}",
                             suggestions=closest(unknown[0], {k: k for k in OPTIONS}))
        for name, value in options.items():
            if OPTIONS[name] in _MANY and value is not None:
                _strings(name, value)  # (a wrong type is named as the user gave it: weapon, not weapons)
        values = {OPTIONS[name]: value for name, value in options.items() if value is not None}
        return cls(**values)

    def is_empty(self) -> bool:
        return self == Filters()

    def __repr__(self) -> str:
        return f"<Filters: {self.describe()}>"

    def describe(self) -> str:
        """The filter in words, for map titles and messages, e.g. "weapon F-7, since 2010"."""
        parts = []
        for label, values in (("weapon", self.weapons), ("category", self.categories), ("actor", self.actors),
                              ("place", self.places), ("route", self.route_ids), ("kind", self.kinds)):
            if values:
                parts.append(f"{label} {' or '.join(values)}")
        if self.since is not None:
            parts.append(f"since {self.since}")
        if self.until is not None:
            parts.append(f"until {self.until}")
        if self.min_status:
            parts.append(f"status {self.min_status} or stronger")
        if self.disputed is not None:
            parts.append("disputed" if self.disputed else "not disputed")
        return ", ".join(parts) if parts else "all routes"


def _strings(name: str, value: object) -> tuple[str, ...]:
    """A many-valued filter as a tuple of strings: one string is one value (never its letters)."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    try:
        values = tuple(value)
    except TypeError:
        raise UsageError(f"{name} must be a string or a list of strings, not {value!r}") from None
    for item in values:
        if not isinstance(item, str):
            raise UsageError(f"{name} must be a string or a list of strings, not {item!r} in {value!r}")
    return values


def select(dataset: Dataset, filters: Filters | None = None, /, **options) -> Dataset:
    """The routes that pass every filter, in the order of the data, as a selection.

    Parameters
    ----------
    dataset : Dataset
        A dataset or a selection; selecting from a selection narrows it further.
    filters : Filters, optional
        What to select; or give the filters by name instead (not both).
    **options
        The filters by the CLI's names (`OPTIONS`): ``weapon``, ``category``, ``actor``, ``place``,
        ``since``, ``until``, ``min_status``, ``route``, ``kind``, ``disputed``; each a string or a
        list of strings (years: whole numbers; ``disputed``: True or False).

    Returns
    -------
    Dataset
        The selection: it remembers its `filters` and its `description` ("weapon F-7, since 2014",
        names as the data spells them), which every map, image, report and message of it uses; no
        routes when none passes.

    Raises
    ------
    UsageError
        For an unknown weapon, category, place, actor or route id (with the closest names), or a
        value no route can have (years the wrong way round, an unknown status or kind).

    Notes
    -----
    A route with an unknown start or end year is kept by since/until: its period is open. An
    approximate year ("c. 1999", SIPRI's "1999?") counts as the year given (see `overlaps`).

    Examples
    --------
    >>> from routes.dataset import load_dataset
    >>> chosen = select(load_dataset(remember=False), weapon="RPG-7")
    >>> chosen.description
    'weapon F-7'
    >>> [route["id"] for route in chosen.routes]
    ['prk-gaza-weapons-found']
    """
    if filters is not None and options:
        raise UsageError("give a Filters or filters by name, not both")
    if filters is None:
        filters = Filters.of(**options)
    elif not isinstance(filters, Filters):
        raise UsageError(f"filters must be a Filters, not {type(filters).__name__}; or give them by name: "
                         "select(dataset, weapon=\"F-7\")")
    weapon_ids: set[str] = set()
    for name in filters.weapons:
        weapon_ids.update(dataset.weapons.resolve(name))
    categories = {dataset.weapons.check_category(c) for c in filters.categories}
    place_ids, countries = places_matched(dataset, filters.places)
    route_ids = set(filters.route_ids)
    known_ids = {r.get("id") for r in dataset.routes}
    for route_id in route_ids - known_ids:
        raise UsageError(f"unknown route {route_id!r}",
                         suggestions=closest(route_id, {normalise(i): i for i in known_ids if i}))
    actors = _actors(dataset, filters.actors)
    min_rank = model.STATUS_RANK[filters.min_status] if filters.min_status else None

    chosen = []
    for route in dataset.routes:
        p = model.props(route)
        if route_ids and route.get("id") not in route_ids:
            continue
        if filters.kinds and model.kind(route) not in filters.kinds:
            continue
        weapons = p.get("weapons") or []
        if weapon_ids and not weapon_ids.intersection(weapons):
            continue
        if categories and not categories.intersection(dataset.weapons.category(w) for w in weapons):
            continue
        if actors and not _has_actor(p, actors):
            continue
        if (place_ids or countries) and not _passes_through(dataset, p, place_ids, countries):
            continue
        if not overlaps(route, filters.since, filters.until):
            continue
        if min_rank is not None and model.STATUS_RANK.get(p.get("status"), -1) < min_rank:
            continue
        if filters.disputed is not None and model.is_disputed(route) != filters.disputed:
            continue
        chosen.append(route)
    combined = combine(dataset.filters, filters)
    return dataset.selected(chosen, combined, describe(dataset, combined))


def selection(dataset: Dataset, filters: Filters | None = None) -> Dataset:
    """`dataset` as the selection `filters` make of it: itself when `filters` is None or is how it was
    selected. Every output takes its filters this way, so a map given filters draws what they select
    and says so, and a selection remembers its words wherever it goes."""
    if filters is None or filters == dataset.filters:
        return dataset
    return select(dataset, filters)


def combine(first: Filters | None, then: Filters) -> Filters:
    """The filters of a selection made from a selection: `then` alone when `first` is None or empty,
    or when they agree; otherwise one field at a time: the later value of a field `first` leaves
    empty, the narrower years, the stronger status. (Lists that differ keep the later one in the
    description: a route passes both anyway.)"""
    if first is None or first.is_empty() or first == then:
        return then
    merged = {}
    for name in Filters.__dataclass_fields__:
        a, b = getattr(first, name), getattr(then, name)
        if name == "since":
            merged[name] = max((y for y in (a, b) if y is not None), default=None)
        elif name == "until":
            merged[name] = min((y for y in (a, b) if y is not None), default=None)
        elif name == "min_status":
            merged[name] = max((s for s in (a, b) if s), key=model.STATUS_RANK.__getitem__, default=None)
        else:
            merged[name] = b if b not in ((), None) else a
    try:
        return Filters(**merged)
    except UsageError:  # (years that cross: no route passes both, and the later filter says why)
        return then


def describe(dataset: Dataset, filters: Filters | None) -> str:
    """The filter in words, with weapon systems, categories and places by their own names, as the
    data spells them: so `--weapon f7`, `--weapon F-7` and `--weapon RPG-7` (an alias) are all "weapon
    F-7", on the map, the image, the report and in messages alike."""
    if filters is None:
        return "all routes"
    weapons = []
    for name in filters.weapons:
        try:
            ids = dataset.weapons.resolve(name, suggest=False)
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
    places = [_place_name(dataset, name) for name in filters.places]
    return replace(filters, weapons=tuple(dict.fromkeys(weapons)), categories=tuple(dict.fromkeys(categories)),
                   places=tuple(dict.fromkeys(places))).describe()


def _place_name(dataset: Dataset, query: str) -> str:
    """A place filter by the gazetteer's name for it ("gaza" -> "Gaza Strip", "SYR" -> "Syria"); as
    typed when it names no one place."""
    country = dataset.places.country_of(query)
    if country:
        place = dataset.places.country_place(country)
        return place.name if place is not None else country
    try:
        return dataset.places.resolve(query, suggest=False).name
    except UsageError:
        return query


def places_matched(dataset: Dataset, queries: tuple[str, ...]) -> tuple[set[str], set[str]]:
    """The places a place filter matches, and the countries it names: each place a query names
    (`Gazetteer.resolve`) with every place inside it (`Gazetteer.inside`: "Gaza Strip" matches Rafah);
    for a country (an ISO code, or a country-level place by name), its code and every place inside it."""
    places = dataset.places
    place_ids: set[str] = set()
    countries: set[str] = set()
    for query in queries:
        country = places.country_of(query)
        if country:
            countries.add(country)
            place_ids |= places.inside_country(country)
        else:
            place_ids |= places.inside(places.resolve(query).id)
    return place_ids, countries


def _actors(dataset: Dataset, actors: tuple[str, ...]) -> list[str]:
    """The actors of a filter as `_has_actor` compares them (normalised). `UsageError`, with the closest
    names, for one that no route (nor unplaced deal) of `dataset` names as supplier, recipient or
    intermediary (no other filter could make it match: a misspelling, not an empty selection)."""
    keys = [normalise(a) for a in actors]
    for actor, key in zip(actors, keys):
        if not key:
            raise UsageError(f"actor {actor!r} names no one; give a supplier, recipient or intermediary")
    missing = dict(zip(keys, actors))
    names: dict[str, str] = {}
    # (the unplaced deals' actors too: `--actor NATO` finds the deals no map can draw)
    for p in chain((model.props(route) for route in dataset.routes), dataset.unplaced):
        if not missing:
            return keys  # (every actor found: no need to read the other routes)
        for name in _actor_names(p):
            key = normalise(name)
            if key not in names:
                names[key] = name
                missing = {k: a for k, a in missing.items() if k not in key}
    if missing:
        actor = next(iter(missing.values()))
        among = "" if dataset.filters is None else f" of the selection ({dataset.description})"
        raise UsageError(f"unknown actor {actor!r}: no route{among} names it as supplier, recipient or "
                         "intermediary", suggestions=closest(actor, names))
    return keys


def _actor_names(p: dict) -> list[str]:
    return [str(n) for n in (p.get("supplier"), p.get("recipient"), *(p.get("intermediaries") or [])) if n]


def _has_actor(p: dict, actors: list[str]) -> bool:
    keys = [normalise(n) for n in _actor_names(p)]
    return any(actor and actor in key for actor in actors for key in keys)


def _passes_through(dataset: Dataset, p: dict, place_ids: set[str], countries: set[str]) -> bool:
    """Whether a route passes one of the places (`places_matched`: every place of the countries too);
    a stand-in does not count (the sources do not say the route passed it: it only stands in for what
    they name)."""
    waypoints = p.get("waypoints") if isinstance(p.get("waypoints"), list) else []
    for waypoint in waypoints:
        if isinstance(waypoint, dict) and waypoint.get("stand_in") is True:
            continue
        if model.place_id(waypoint) in place_ids:
            return True
    return False


def overlaps(route: dict, since: int | None, until: int | None) -> bool:
    """Whether a route's period overlaps the years since..until (either may be None: open).

    The one rule of every time filter (the CLI's --since/--until, the map's): a period overlaps when
    it ends in `since` or later and starts in `until` or earlier. An unknown bound is open, so a route
    of unknown date is always kept (`undated` counts them, so that a title can say so); an
    approximate bound counts as the year it gives, as SIPRI's own filters count its "?" years.
    """
    start, end = model.period_years(route)
    if since is not None and end is not None and end < since:
        return False
    if until is not None and start is not None and start > until:
        return False
    return True


def undated(dataset: Dataset, filters: Filters | None) -> int:
    """How many routes of `dataset` (a selection) a time filter let through only because the bound it
    tests is unknown: 0 when `filters` set no years."""
    if filters is None or (filters.since is None and filters.until is None):
        return 0
    return sum(1 for route in dataset.routes if kept_undated(route, filters))


def kept_undated(route: dict, filters: Filters | None) -> bool:
    """Whether a time filter kept this route only for want of a year: its known years alone would not
    show the overlap (a route that starts in --since or later overlaps whatever its end; one that ends
    by --until, whatever its start)."""
    if filters is None:
        return False
    since, until = filters.since, filters.until
    start, end = model.period_years(route)
    return bool((since is not None and end is None and not (start is not None and start >= since)) or
                (until is not None and start is None and not (end is not None and end <= until)))


def matched_weapons(dataset: Dataset, filters: Filters | None) -> tuple[set[str], set[str]]:
    """The weapon system ids and the categories that `filters` asked for (empty sets when none)."""
    if filters is None:
        return set(), set()
    ids: set[str] = set()
    for name in filters.weapons:
        try:
            ids.update(dataset.weapons.resolve(name))
        except UsageError:
            pass
    categories = set()
    for name in filters.categories:
        try:
            categories.add(dataset.weapons.check_category(name))
        except UsageError:
            pass
    return ids, categories


def unplaced_deals(dataset: Dataset, filters: Filters | None) -> list[dict]:
    """The deals of `dataset.unplaced` (deals of a dataset source whose supplier or recipient has no
    place) that a selection by `filters` keeps, in their order.

    The filters that speak of a deal itself apply as they do to routes: weapon, category, actor
    (supplier or recipient), since/until (`overlaps`), kind (every deal is arms). A filter on what
    only a route has (a place it passes, its id, its evidence status, a dispute) leaves every
    unplaced deal out: a deal without a path or evidence items cannot be said to pass it.
    """
    deals = dataset.unplaced
    if filters is None or filters.is_empty() or not deals:
        return list(deals)
    if filters.places or filters.route_ids or filters.min_status or filters.disputed is not None:
        return []
    if filters.kinds and "arms" not in filters.kinds:
        return []
    weapon_ids, categories = matched_weapons(dataset, filters)
    actors = [normalise(a) for a in filters.actors]
    kept = []
    for deal in deals:
        weapons = [w for w in deal.get("weapons") or [] if isinstance(w, str)]
        if filters.weapons and not weapon_ids.intersection(weapons):
            continue
        if categories and not categories.intersection(dataset.weapons.category(w) for w in weapons):
            continue
        if actors and not _has_actor(deal, actors):
            continue
        if not overlaps({"properties": deal}, filters.since, filters.until):
            continue
        kept.append(deal)
    return kept

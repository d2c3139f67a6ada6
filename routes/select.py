"""The filters shared by every command that selects routes (list, show, render, export, report)."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import model
from .dataset import Dataset
from .errors import UsageError
from .names import closest, normalise


@dataclass(frozen=True)
class Filters:
    """What a user asked for. Empty fields select everything; fields combine with AND, values in one field with OR."""

    weapons: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    since: int | None = None
    until: int | None = None
    min_status: str | None = None
    route_ids: tuple[str, ...] = ()
    kinds: tuple[str, ...] = field(default=())

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
        return ", ".join(parts) if parts else "all routes"


def select(dataset: Dataset, filters: Filters) -> Dataset:
    """The routes that pass every filter, in the order of the data; an empty dataset when none do.

    Raises `UsageError` (with the closest names) for an unknown weapon, category, place or route id.
    A route with an unknown start or end year is kept by --since/--until: its period is open. An
    approximate year ("c. 1999", SIPRI's "1999?") counts as the year given (see `overlaps`).
    """
    weapon_ids: set[str] = set()
    for name in filters.weapons:
        weapon_ids.update(dataset.weapons.resolve(name))
    categories = {dataset.weapons.check_category(c) for c in filters.categories}
    place_ids, countries = _resolve_places(dataset, filters.places)
    route_ids = set(filters.route_ids)
    known_ids = {r.get("id") for r in dataset.routes}
    for route_id in route_ids - known_ids:
        raise UsageError(f"unknown route {route_id!r}",
                         suggestions=closest(route_id, {normalise(i): i for i in known_ids if i}))
    actors = [normalise(a) for a in filters.actors]
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
        chosen.append(route)
    return dataset.with_routes(chosen)


def _resolve_places(dataset: Dataset, queries: tuple[str, ...]) -> tuple[set[str], set[str]]:
    place_ids: set[str] = set()
    countries: set[str] = set()
    for query in queries:
        country = dataset.places.country_of(query)
        if country:
            countries.add(country)
        else:
            place_ids.add(dataset.places.resolve(query).id)
    return place_ids, countries


def _has_actor(p: dict, actors: list[str]) -> bool:
    names = [p.get("supplier") or "", p.get("recipient") or "", *(p.get("intermediaries") or [])]
    keys = [normalise(n) for n in names]
    return any(actor and actor in key for actor in actors for key in keys)


def _passes_through(dataset: Dataset, p: dict, place_ids: set[str], countries: set[str]) -> bool:
    """Whether a route passes one of the places or countries; a stand-in does not count (the sources do
    not say the route passed it: it only stands in for what they name)."""
    waypoints = p.get("waypoints") if isinstance(p.get("waypoints"), list) else []
    for waypoint in waypoints:
        if isinstance(waypoint, dict) and waypoint.get("stand_in") is True:
            continue
        place_id = model.place_id(waypoint)
        if place_id in place_ids:
            return True
        place = dataset.places.get(place_id)
        if place and place.country in countries:
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

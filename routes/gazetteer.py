"""The gazetteer: places by id, name or alias (data/geo/places.geojson and a dataset's `places`)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .errors import DataFileError, UnknownPlace
from .names import closest, normalise

_LATLON = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    country: str
    kind: str
    lon: float
    lat: float
    aliases: tuple[str, ...] = field(default=())
    precision: str | None = None  # as the gazetteer gives it (see model.PRECISIONS); None: by its kind
    within: tuple[str, ...] = field(default=())  # the ids of the places it lies in (see `Gazetteer.inside`)

    @classmethod
    def from_feature(cls, feature: dict) -> Place:
        props = feature.get("properties") or {}
        lon, lat = feature["geometry"]["coordinates"][:2]
        return cls(
            id=feature["id"],
            name=props.get("name", feature["id"]),
            country=props.get("country", ""),
            kind=props.get("kind", "city"),
            lon=float(lon),
            lat=float(lat),
            aliases=tuple(props.get("aliases", ())),
            precision=props.get("precision") if isinstance(props.get("precision"), str) else None,
            within=tuple(w for w in props.get("within") or () if isinstance(w, str)),
        )

    def definition(self) -> str:
        """The place in a few words, to tell two definitions apart: "Nampo, PRK, at 38.73, 125.395"
        ("..., within gaza-strip" for a place that lies within others)."""
        within = f", within {', '.join(self.within)}" if self.within else ""
        return f"{self.name}, {self.country}, at {self.lat:g}, {self.lon:g}{within}"

    def to_feature(self) -> dict:
        return {
            "type": "Feature",
            "id": self.id,
            "properties": {"name": self.name, "aliases": list(self.aliases), "country": self.country, "kind": self.kind,
                           **({"precision": self.precision} if self.precision else {}),
                           **({"within": list(self.within)} if self.within else {})},
            "geometry": {"type": "Point", "coordinates": [self.lon, self.lat]},
        }


class Gazetteer:
    """Places by id, and every id, name and alias by its normalised form."""

    def __init__(self, places: Iterable[Place] = ()) -> None:
        self._places: dict[str, Place] = {}
        self._keys: dict[str, list[str]] = {}
        self._contents: dict[str, list[str]] | None = None  # (parent id -> the places `within` it, when asked)
        self._by_country: dict[str, list[str]] | None = None  # (ISO code -> its places, when asked)
        self.extend(places)
        self.digest: str | None = None  # of the file it was loaded from, as it was read (see routes.cache)

    @classmethod
    def load(cls, path: Path | None = None) -> Gazetteer:
        path = Path(path) if path else paths.bundled_places()
        try:
            raw = path.read_bytes()
            gazetteer = cls(Place.from_feature(f) for f in json.loads(raw.decode("utf-8"))["features"])
        except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
            raise DataFileError(f"cannot read the gazetteer: {exc}", path=path) from None
        for place_id, index, problem in gazetteer.within_problems():
            raise DataFileError(f"place {place_id!r}: within[{index}]: {problem}", path=path)
        gazetteer.digest = hashlib.sha256(raw).hexdigest()
        return gazetteer

    def extend(self, places: Iterable[Place]) -> Gazetteer:
        self.digest = None  # no longer the file's content
        self._contents = self._by_country = None
        for place in places:
            self._places[place.id] = place
            for name in (place.id, place.name, *place.aliases):
                ids = self._keys.setdefault(normalise(name), [])
                if place.id not in ids:
                    ids.append(place.id)
        return self

    def copy(self) -> Gazetteer:
        return Gazetteer(self._places.values())

    def __contains__(self, place_id: object) -> bool:
        return place_id in self._places

    def __iter__(self) -> Iterator[Place]:
        return iter(self._places.values())

    def __len__(self) -> int:
        return len(self._places)

    def get(self, place_id: str) -> Place | None:
        return self._places.get(place_id)

    def countries(self) -> set[str]:
        return {p.country for p in self._places.values()}

    def country_of(self, query: str) -> str | None:
        """The ISO 3166-1 alpha-3 code a query names: a code itself, or a country-level place."""
        if query.strip().upper() in self.countries() and len(query.strip()) == 3:
            return query.strip().upper()
        ids = self._keys.get(normalise(query), [])
        countries = [self._places[i] for i in ids if self._places[i].kind == "country"]
        return countries[0].country if countries else None

    def country_place(self, code: str) -> Place | None:
        """The country-level place of an ISO 3166-1 alpha-3 code (the first, if there are several), or None."""
        return next((self._places[i] for i in self._country_index().get(code, ()) if self._places[i].kind == "country"),
                    None)

    def inside(self, place_id: str) -> set[str]:
        """The ids of the place and of every place inside it: those that name it in their `within`, and
        for a country-level place every place with its ISO code; transitively (what lies within a place
        inside it is inside it too). An empty set for an id the gazetteer does not hold.

        Containment goes one way: a route through Rafah passes through the Gaza Strip, but one through
        the Gaza Strip (an area) is not known to pass through Rafah."""
        contents, by_country = self._contents_index(), self._country_index()
        found: set[str] = set()
        todo = [place_id]
        while todo:
            current = todo.pop()
            place = self._places.get(current)
            if place is None or current in found:
                continue
            found.add(current)
            todo.extend(contents.get(current, ()))
            if place.kind == "country":
                todo.extend(by_country.get(place.country, ()))
        return found

    def inside_country(self, code: str) -> set[str]:
        """The ids of every place with an ISO 3166-1 alpha-3 code and of every place inside one of them
        (`inside`); empty for a code no place has."""
        found: set[str] = set()
        for place_id in self._country_index().get(code, ()):
            if place_id not in found:
                found |= self.inside(place_id)
        return found

    def within_problems(self, place_ids: Iterable[str] | None = None) -> list[tuple[str, int, str]]:
        """What is wrong with the `within` of these places (every place when None), as (place id, index in
        its `within`, message): an id that names no place or the place itself, a place inside it (a
        cycle), or a country-level place of another country than the place's own."""
        problems = []
        for place_id in self._places if place_ids is None else place_ids:
            place = self._places.get(place_id)
            for index, outer_id in enumerate(place.within if place else ()):
                outer = self._places.get(outer_id)
                if outer_id == place_id:
                    problem = "a place cannot lie within itself"
                elif outer is None:
                    problem = f"unknown place {outer_id!r}; `within` lists the ids of the places this one lies in"
                elif place_id in self._around(outer_id):
                    problem = (f"{outer_id!r} lies within {place_id!r} (through `within`), so it cannot also "
                               "contain it; remove one of the two")
                elif outer.kind == "country" and outer.country != place.country:
                    problem = (f"{outer_id!r} is the country-level place of {outer.country}, but this place is in "
                               f"{place.country or 'no country'} (its `country`); a place lies in the country its "
                               "code gives")
                else:
                    continue
                problems.append((place_id, index, problem))
        return problems

    def _around(self, place_id: str) -> set[str]:
        """The ids of the places a place lies within, through `within` alone, transitively."""
        found: set[str] = set()
        todo = list(self._places[place_id].within) if place_id in self._places else []
        while todo:
            current = todo.pop()
            if current not in found and current in self._places:
                found.add(current)
                todo.extend(self._places[current].within)
        return found

    def _contents_index(self) -> dict[str, list[str]]:
        if self._contents is None:
            self._contents = {}
            for place in self._places.values():
                for outer in place.within:
                    self._contents.setdefault(outer, []).append(place.id)
        return self._contents

    def _country_index(self) -> dict[str, list[str]]:
        if self._by_country is None:
            self._by_country = {}
            for place in self._places.values():
                self._by_country.setdefault(place.country, []).append(place.id)
        return self._by_country

    def resolve(self, query: str, *, allow_coordinates: bool = False, suggest: bool = True) -> Place:
        """The one place a query names (id, name or alias, any case); "lat,lon" makes a new point when allowed.

        `UnknownPlace` otherwise, with the closest names unless `suggest` is false (finding them takes
        time in proportion to the gazetteer)."""
        if allow_coordinates and (match := _LATLON.match(query)):
            lat, lon = float(match.group(1)), float(match.group(2))
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise UnknownPlace(f"coordinates {query!r} are out of range; give them as \"lat,lon\"")
            return Place(id=f"pt-{lat:.4f}-{lon:.4f}".replace(".", "p").replace("--", "-m"),
                         name=f"{lat:.4f}, {lon:.4f}", country="", kind="region", lon=lon, lat=lat, precision="site")
        ids = self.ids_named(query)
        if len(ids) == 1:
            return self._places[ids[0]]
        if len(ids) > 1:
            options = [f"{i} ({self._places[i].name}, {self._places[i].country})" for i in ids]
            raise UnknownPlace(f"place {query!r} is ambiguous; use one of the ids: {', '.join(options)}")
        if not suggest:
            raise UnknownPlace(f"unknown place {query!r}")
        display = {normalise(n): p.id for p in self._places.values() for n in (p.id, p.name, *p.aliases)}
        raise UnknownPlace(f"unknown place {query!r}", suggestions=closest(query, display))

    def ids_named(self, query: str) -> list[str]:
        """The ids of the places whose id, name or alias is `query`, in any case or punctuation."""
        return list(self._keys.get(normalise(query), ()))

    def search(self, query: str | None = None) -> list[Place]:
        """Places whose id, name, alias or country contains the query (all places when it is empty)."""
        if not query:
            return list(self._places.values())
        key = normalise(query)
        return [
            p for p in self._places.values()
            if any(key in normalise(n) for n in (p.id, p.name, *p.aliases)) or key == normalise(p.country)
        ]

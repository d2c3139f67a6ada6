"""Adding to a dataset from the command line: a route, a source, a place.

Every edit takes the file's `edit_lock`, reads the file, checks that it is valid, makes the change,
validates the whole result, and only then writes it (atomically, in the canonical format of
`routes.fmt`), still holding the lock: other arms-routes writers of the file wait their turn, and a
file that another program changed in the meantime is not overwritten. Nothing is written when
anything fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import geometry, model, paths
from .dataset import edit_lock, write_atomic
from .encode import link_url
from .errors import DataFileError, InvalidDataset, RoutesError, UnknownPlace, UnknownWeapon, UsageError, WriteConflict
from .fmt import document_places, geojson_text, read_for_edit, rounded_note
from .gazetteer import Gazetteer, Place
from .names import closest, normalise
from .schema import validator
from .text import MAX_ID_LENGTH, is_slug, noun, plural
from .validate import date_problem, validate_document
from .weapons import Taxonomy

PLACE_KINDS = ("city", "port", "airport", "border crossing", "region", "country")
NO_COUNTRY = "XXX"  # an ISO 3166 user-assigned code: a raw point outside every country (at sea)
PLACE_DISTANCE_WARNING_KM = 100.0
_DATE = re.compile(r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$")
_VIA_SEPARATOR = re.compile(r"\s*(?:>|→|->)\s*")
STAND_IN_MARK = "~"
_APPROXIMATE_YEAR = re.compile(r"^\s*(?:(?:c\.?|ca\.?|~)\s*(\d{4})|(\d{4})\s*\?)\s*$", re.IGNORECASE)
_YEAR = re.compile(r"^\s*(\d{4})\s*$")


@dataclass
class NewSource:
    """A source to register under the collection's `sources`."""

    id: str
    title: str
    kind: str = "other"
    reliability: str = "F"
    author: str | None = None
    publisher: str | None = None
    published: str | None = None
    url: str | None = None
    derived_from: list[str] = field(default_factory=list)


@dataclass
class NewRoute:
    """A route as `arms-routes add` describes it: places by name, leg modes, one evidence item."""

    id: str
    via: str
    supplier: str
    recipient: str
    source: str
    claim: str
    name: str | None = None
    modes: str | None = None
    paths: str | None = None
    weapons: list[str] = field(default_factory=list)
    intermediaries: list[str] = field(default_factory=list)
    since: int | str | None = None  # a year, or an approximate one: "1999?", "c1999" (see `parse_year`)
    until: int | str | None = None
    evidence_legs: str | None = None  # the legs the claim speaks to: "0,2"
    evidence_weapons: list[str] = field(default_factory=list)  # the weapon systems the claim speaks to
    status: str = "alleged"
    kind: str = "arms"
    stance: str = "supports"
    credibility: int = 6
    quote: str | None = None
    said_by: str | None = None
    notes: str | None = None
    new_source: NewSource | None = None


@dataclass
class EditResult:
    """What an edit wrote: a summary line, details (one per leg), and notes worth a look."""

    path: Path
    summary: str
    details: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# -- reading and writing -----------------------------------------------------------------------------------
@dataclass
class _Opened:
    path: Path
    doc: dict
    digest: str | None
    existed: bool
    notes: list[str] = field(default_factory=list)  # what rewriting the file changes beyond the edit


def _open_dataset(path: Path, *, create: bool) -> _Opened:
    """Read a dataset for editing and check it is valid as it stands (a missing file is a new, empty dataset)."""
    path = Path(path)
    if create and not path.exists():
        return _Opened(path, {"type": "FeatureCollection", "sources": {}, "features": []}, None, False)
    opened = read_for_edit(path)
    doc, digest, text = opened.doc, opened.digest, opened.text
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise DataFileError('is not a GeoJSON FeatureCollection; a dataset is {"type": "FeatureCollection", '
                            '"features": [...]}', path=path)
    report = validate_document(doc, path, text=text, weapons=Taxonomy.load(), places=Gazetteer.load())
    if not report.ok:
        first, count = report.errors[0], len(report.errors)
        raise RoutesError(f"has {plural(count, 'error')} already, so nothing was written; fix "
                          f"{noun(count, 'it', 'them')} first (`arms-routes validate {path}`). Line {first.line}: "
                          f"{first.route_id}: {first.field}: {first.message}", path=path)
    return _Opened(path, doc, digest, True, rounded_note(opened))


def _save(opened: _Opened) -> None:
    """Validate the edited dataset as a whole, then write it; nothing is written when it is invalid."""
    report = validate_document(opened.doc, opened.path, weapons=Taxonomy.load(), places=Gazetteer.load())
    if not report.ok:
        raise InvalidDataset(report.errors, opened.path)
    _write(opened.path, geojson_text(opened.doc), opened.digest, opened.existed)


def _write(path: Path, text: str, digest: str | None, existed: bool) -> None:
    if not existed and path.exists():
        raise WriteConflict("the file was created by someone else while this command ran; nothing was written. "
                            "Run the command again", path=path)
    write_atomic(path, text, expected_digest=digest if existed else None)


def problem_lines(error: InvalidDataset) -> list[str]:
    """The problems of an edit that was refused, one line each, as ROUTE-ID: FIELD: message."""
    return [f"{p.route_id}: {p.field}: {p.message}" for p in error.problems]


# -- checks of option values -------------------------------------------------------------------------------
def _slug(value: str, what: str, option: str) -> str:
    if not is_slug(value):
        raise UsageError(f"{value!r} is not a valid {what} id: use lower-case letters, digits and single hyphens, "
                         f"at most {MAX_ID_LENGTH} characters, e.g. 'iran-yemen-dhow'", field=option)
    return value


def parse_via(via: str) -> list[str]:
    """The places of a --via value: "Bandar Abbas > Mukalla > Sanaa" (also → or ->)."""
    parts = [p.strip() for p in _VIA_SEPARATOR.split(via or "")]
    if any(not p for p in parts) or len(parts) < 2:
        raise UsageError(f"--via {via!r} needs two or more places separated by '>', e.g. \"Bandar Abbas > Mukalla\"",
                         field="--via")
    return parts


def _per_leg(text: str | None, legs: int, choices, option: str, what: str) -> list[str] | None:
    """One value per leg from "a,b"; a single value applies to every leg; None when none is given."""
    if not text:
        return None
    items = [m.strip().lower() for m in text.split(",")]
    for item in items:
        if item not in choices:
            raise UsageError(f"{option} {item!r} is not a {what}; use one of: {', '.join(choices)}", field=option)
    if len(items) == 1:
        return items * legs
    if len(items) != legs:
        raise UsageError(f"{option} gives {len(items)} {what}s for {legs} legs; give one per leg (between consecutive "
                         f"--via places) or a single {what} for all", field=option)
    return items


def parse_modes(modes: str | None, legs: int) -> list[str]:
    """One mode per leg from "sea,land"; a single mode applies to every leg; none is `unknown`."""
    return _per_leg(modes, legs, model.MODES, "--mode", "mode") or ["unknown"] * legs


def parse_paths(paths: str | None, legs: int) -> list[str | None]:
    """One leg path (model.PATHS) per leg from "plausible,schematic", like `parse_modes`; without
    --path, None for every leg (its path then follows from its mode)."""
    return _per_leg(paths, legs, model.PATHS, "--path", "path") or [None] * legs


def parse_year(value: int | str | None, option: str) -> int | dict | None:
    """A period bound from an option: "2014" is a year; "2014?", "c2014", "c. 2014" are the approximate
    year {"year": 2014, "approximate": true}; nothing is unknown (None)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value)
    exact, approximate = _YEAR.match(text), _APPROXIMATE_YEAR.match(text)
    if not exact and not approximate:
        raise UsageError(f"{text!r} is not a year; write 2014, or 2014? (also c2014) for an approximate year",
                         field=option)
    year = int(exact.group(1) if exact else approximate.group(1) or approximate.group(2))
    if not 1800 <= year <= 2100:
        raise UsageError(f"{year} is out of range; give a year from 1800 to 2100", field=option)
    return year if exact else {"year": year, "approximate": True}


def parse_legs(text: str | None, legs: int) -> list[int]:
    """The leg numbers of --evidence-legs, "0,2" (legs count from 0, as `add` prints them)."""
    if not text:
        return []
    numbers = []
    for item in text.split(","):
        item = item.strip()
        if not item.isdigit() or int(item) >= legs:
            raise UsageError(f"{item!r} is not a leg of this route; its legs are 0 to {legs - 1} "
                             "(leg 0 runs from the first --via place to the second)", field="--evidence-legs")
        if int(item) not in numbers:
            numbers.append(int(item))
    return numbers


def _check_source_fields(source: NewSource, known: dict) -> None:
    _slug(source.id, "source", "--source")
    if not (source.title or "").strip():
        raise UsageError("a source needs a title", field="--title")
    if source.kind not in model.SOURCE_KINDS:
        raise UsageError(f"source kind {source.kind!r} is not allowed; use one of: {', '.join(model.SOURCE_KINDS)}",
                         field="--kind")
    if source.reliability not in model.RELIABILITY:
        raise UsageError(f"reliability {source.reliability!r} is not allowed; use A to F", field="--reliability")
    if source.url is not None and not link_url(source.url):
        raise UsageError(f"url {source.url!r} is not an http:// or https:// address that can be a link "
                         "(a host, no spaces, quotes or angle brackets)", field="--url")
    if source.published is not None and not _DATE.match(source.published):
        raise UsageError(f"published {source.published!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD",
                         field="--published")
    if source.published is not None and date_problem(source.published):
        raise UsageError(date_problem(source.published), field="--published")
    for parent in source.derived_from:
        if parent not in known:
            raise UsageError(f"unknown source {parent!r}", field="--derived-from",
                             suggestions=closest(parent, {normalise(k): k for k in known}))


def _source_record(source: NewSource) -> dict:
    return {"title": source.title.strip(), "author": source.author, "publisher": source.publisher,
            "published": source.published, "url": _stored_url(source.url), "kind": source.kind,
            "reliability": source.reliability, "derived_from": list(source.derived_from)}


def _stored_url(url: str | None) -> str | None:
    """An address as the file keeps it: the link it makes (`encode.link_url`), its scheme in lower case."""
    link = link_url(url)
    if link is None:
        return None
    scheme, rest = link.split(":", 1)
    return f"{scheme.lower()}:{rest}"


def _register_source(doc: dict, source: NewSource, path: Path) -> None:
    sources = doc.setdefault("sources", {})
    if not isinstance(sources, dict):
        raise DataFileError('"sources" is not an object of sources by id', path=path, field="sources")
    if source.id in sources:
        raise RoutesError(f"source {source.id!r} is already registered ({sources[source.id].get('title')!r}); "
                          "cite it without the new-source options, or choose another id", path=path,
                          field=f"sources.{source.id}")
    _check_source_fields(source, sources)
    sources[source.id] = _source_record(source)


# -- add-source -------------------------------------------------------------------------------------------
def add_source(path: Path, source: NewSource) -> EditResult:
    """Register a source in a dataset's `sources` (the file is created when missing)."""
    with edit_lock(path):
        return _add_source(path, source)


def _add_source(path: Path, source: NewSource) -> EditResult:
    opened = _open_dataset(path, create=True)
    _register_source(opened.doc, source, opened.path)
    _save(opened)
    return EditResult(opened.path, f"added source {source.id} to {opened.path}",
                      notes=[f"cite it with `arms-routes add ... --source {source.id}`", *opened.notes])


# -- add (a route) -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Via:
    """One --via place: the place, and what it stands in for when marked with ~."""

    place: Place
    stands_for: str | None = None
    precision: str | None = None

    @property
    def waypoint(self) -> str | dict:
        """The waypoint as the data model writes it: the place id, or an object for a stand-in."""
        if self.stands_for is None:
            return self.place.id
        return {"place": self.place.id, "stand_in": True, "stands_for": self.stands_for,
                **({"precision": self.precision} if self.precision else {})}

    @property
    def title(self) -> str:
        """The waypoint in a route's default name: what the sources name."""
        return self.stands_for or self.place.name


def _resolve_waypoints(queries: list[str], doc: dict, places: Gazetteer, path: Path) -> list[_Via]:
    """Each --via place by id, name or alias (any case), or a raw "lat,lon" added to the dataset's places;
    "PLACE~WHAT" marks it as a stand-in for WHAT, "PLACE~" for the country PLACE lies in."""
    found: list[_Via] = []
    for query in queries:
        query, marked, what = query.partition(STAND_IN_MARK)
        query, what = query.strip(), what.strip()
        try:
            place = places.resolve(query, allow_coordinates=True)
        except UnknownPlace as exc:
            raise UnknownPlace(f"{exc.message} (`arms-routes places QUERY` lists place ids; "
                               "`arms-routes add-place` adds one)", path=path, field="--via") from None
        if place.id in places:
            place = places.get(place.id)  # (a "lat,lon" the file already holds: its place as recorded)
        else:
            country = geometry.country_at(place.lon, place.lat) or NO_COUNTRY
            place = Place(place.id, place.name, country, "region", round(place.lon, 4), round(place.lat, 4),
                          precision="site")  # (given as coordinates: the very point)
            doc.setdefault("places", []).append(place.to_feature())
            places.extend([place])
        found.append(_stand_in(place, what, places, f"{query}{STAND_IN_MARK}{what}", path) if marked else _Via(place))
    return found


def _country_place(code: str, places: Gazetteer) -> Place | None:
    """The country-level place of an ISO 3166-1 alpha-3 code, if the gazetteer has one."""
    return places.country_place(code)


def _stand_in(place: Place, what: str, places: Gazetteer, written: str, path: Path) -> _Via:
    """A --via place marked with ~: a stand-in for WHAT (precision `country` when WHAT names a country),
    or with nothing after the ~, for the country the place lies in."""
    if what:
        code = places.country_of(what)
        country = _country_place(code, places) if code else None
        if country is not None and what.strip().upper() == code:
            what = country.name  # "Nampo~PRK" stands for "North Korea", in words
    else:
        country = _country_place(place.country, places)
        if country is None:
            code = place.country or "its country"
            raise UsageError(f"{written!r}: the gazetteer has no country-level place of {code}"
                             f", so '~' alone cannot say what {place.name} stands for; write what the sources name "
                             f"after the '~', e.g. {written + 'Houthis'!r}", path=path, field="--via")
        what = country.name
    if country is not None and country.id == place.id:
        raise UsageError(f"{written!r}: {place.name} is the country-level place of {place.country} itself; drop the "
                         "'~' (a country the sources name is drawn as the country, not as a stand-in)",
                         path=path, field="--via")
    return _Via(place, what, "country" if country is not None else None)


def _resolve_weapons(names: list[str], doc: dict, path: Path) -> list[str]:
    taxonomy = Taxonomy.load().copy()
    extra = doc.get("weapons")
    if isinstance(extra, list):
        check = validator("weapon")
        taxonomy.extend(w for w in extra if check.is_valid(w))
    ids: list[str] = []
    for name in names:
        try:
            resolved = taxonomy.resolve(name)
        except UnknownWeapon as exc:
            raise UnknownWeapon(f"{exc.message} (`arms-routes weapons` lists them)", path=path, field="--weapon") from None
        ids.extend(i for i in resolved if i not in ids)
    return ids


def _route_feature(new: NewRoute, via: list[_Via], modes: list[str], paths: list[str | None],
                   weapons: list[str], evidence_legs: list[int], evidence_weapons: list[str]) -> dict:
    evidence = {"source": new.source, "claim": new.claim.strip(), "quote": new.quote, "stance": new.stance,
                "credibility": new.credibility, "legs": evidence_legs or None, "weapons": evidence_weapons or None,
                "said_by": new.said_by}
    properties = {
        "name": new.name or " → ".join(v.title for v in via),
        "kind": new.kind,
        "waypoints": [v.waypoint for v in via],
        "legs": [{"mode": m, **({"path": p} if p else {})} for m, p in zip(modes, paths)],
        "weapons": weapons,
        "supplier": new.supplier,
        "recipient": new.recipient,
        "intermediaries": list(new.intermediaries),
        "period": {"start": parse_year(new.since, "--since"), "end": parse_year(new.until, "--until")},
        "status": new.status,
        "evidence": [{k: v for k, v in evidence.items() if v is not None}],
        "notes": new.notes,
    }
    return {"type": "Feature", "id": new.id,
            "properties": {k: v for k, v in properties.items() if v is not None}, "geometry": None}


def _check_paths(paths: list[str | None], modes: list[str], evidence_legs: list[int], stance: str) -> None:
    """A leg path the data model would refuse, as a usage error naming the option to change."""
    for i, (path, mode) in enumerate(zip(paths, modes)):
        if path == "plausible" and mode == "unknown":
            raise UsageError(f"leg {i} is 'plausible' but its --mode is unknown; a line is plausible only "
                             "for a mode: give the mode the sources report, or use schematic", field="--path")
        if path == "documented" and (i not in evidence_legs or stance != "supports"):
            raise UsageError(f"leg {i} is 'documented', so the supporting claim must speak to it: add "
                             f"--evidence-legs {','.join(map(str, sorted({*evidence_legs, i})))} when the source "
                             "describes that path, or use plausible or schematic", field="--path")


def _resolve_evidence_weapons(names: list[str], weapons: list[str], doc: dict, path: Path) -> list[str]:
    ids = _resolve_weapons(names, doc, path) if names else []
    for weapon_id in ids:
        if weapon_id not in weapons:
            raise UsageError(f"{weapon_id!r} is not one of the route's weapon systems "
                             f"({', '.join(weapons) or 'none'}); give it with --weapon too", field="--evidence-weapon")
    return ids


def _leg_line(index: int, a: Place, b: Place, leg: dict) -> str:
    how = leg.get("geometry", "")
    through = f" through {', '.join(leg['passages'])}" if leg.get("passages") else ""
    return f"leg {index}: {a.name} → {b.name}, {leg.get('mode')} ({model.leg_path(leg)}): {how}{through}"


def add_route(path: Path, new: NewRoute) -> EditResult:
    """Append a route to a dataset, with places resolved by name and geometry built per leg (sea lanes at sea).

    Raises `UsageError` for a bad option value (an unknown place lists the closest matches),
    `RoutesError` for an id that exists, and `InvalidDataset` when the result would not validate.
    """
    with edit_lock(path):
        return _add_route(path, new)


def _add_route(path: Path, new: NewRoute) -> EditResult:
    opened = _open_dataset(path, create=True)
    doc = opened.doc
    _slug(new.id, "route", "ROUTE-ID")
    features = doc.setdefault("features", [])
    taken = next((i for i, f in enumerate(features) if isinstance(f, dict) and f.get("id") == new.id), None)
    if taken is not None:
        raise RoutesError(f"route {new.id!r} already exists (features[{taken}]); choose another id, or edit that "
                          "route by hand", path=opened.path, route_id=new.id, field="id")
    for text, option in ((new.supplier, "--supplier"), (new.recipient, "--recipient"), (new.claim, "--claim")):
        if not (text or "").strip():
            raise UsageError("must not be empty", field=option)
    places = document_places(doc)
    via = _resolve_waypoints(parse_via(new.via), doc, places, opened.path)
    legs = len(via) - 1
    modes, paths = parse_modes(new.modes, legs), parse_paths(new.paths, legs)
    evidence_legs = parse_legs(new.evidence_legs, legs)
    _check_paths(paths, modes, evidence_legs, new.stance)
    weapons = _resolve_weapons(new.weapons, doc, opened.path)
    evidence_weapons = _resolve_evidence_weapons(new.evidence_weapons, weapons, doc, opened.path)
    if new.new_source is not None:
        _register_source(doc, new.new_source, opened.path)
    elif new.source not in (doc.get("sources") or {}):
        known = doc.get("sources") or {}
        raise UsageError(f"unknown source {new.source!r}; register it in this command with --source-title (and "
                         "--source-kind, --source-reliability) or first with `arms-routes add-source`",
                         path=opened.path, field="--source",
                         suggestions=closest(new.source, {normalise(k): k for k in known}))
    feature = _route_feature(new, via, modes, paths, weapons, evidence_legs, evidence_weapons)
    built = geometry.build_route(feature, places)
    feature["properties"]["legs"] = built.legs
    feature["geometry"] = built.geometry
    features.append(feature)
    _save(opened)
    points = [v.place for v in via]
    details = [_leg_line(i, a, b, leg) for i, (a, b, leg) in enumerate(zip(points, points[1:], built.legs))]
    details += [model.waypoint(v.waypoint, places).describe() for v in via if v.stands_for is not None]
    return EditResult(opened.path, f"added route {new.id} to {opened.path}", details, built.notes + opened.notes)


# -- add-place ---------------------------------------------------------------------------------------------
def _check_place(place: Place) -> Place:
    _slug(place.id, "place", "PLACE-ID")
    if not place.name.strip():
        raise UsageError("a place needs a name", field="--name")
    country = place.country.strip().upper()
    if not re.match(r"^[A-Z]{3}$", country):
        raise UsageError(f"country {place.country!r} is not an ISO 3166-1 alpha-3 code such as 'IRN'", field="--country")
    if place.kind not in PLACE_KINDS:
        raise UsageError(f"kind {place.kind!r} is not allowed; use one of: {', '.join(PLACE_KINDS)}", field="--kind")
    if not (-90 <= place.lat <= 90 and -180 <= place.lon <= 180):
        raise UsageError(f"{place.lat}, {place.lon} is not a position; --lat is -90..90 and --lon -180..180",
                         field="--lat")
    if place.precision is not None and place.precision not in model.PRECISIONS:
        raise UsageError(f"precision {place.precision!r} is not allowed; use one of: {', '.join(model.PRECISIONS)}",
                         field="--precision")
    return Place(place.id, place.name.strip(), country, place.kind, round(place.lon, 4), round(place.lat, 4),
                 tuple(a.strip() for a in place.aliases if a.strip()), place.precision)


def _place_notes(place: Place, places: Gazetteer) -> list[str]:
    notes = []
    for name in dict.fromkeys((place.name, *place.aliases)):
        other = [i for i in places.ids_named(name) if i != place.id]
        if other:
            notes.append(f"{name!r} also names {', '.join(other)}; that name is now ambiguous, the ids are not")
    distance = geometry.distance_to_country(place.lon, place.lat, place.country)
    if distance is not None and distance > PLACE_DISTANCE_WARNING_KM:
        swapped = geometry.distance_to_country(place.lat, place.lon, place.country)
        hint = " (are --lat and --lon swapped?)" if swapped is not None and swapped < PLACE_DISTANCE_WARNING_KM else ""
        notes.append(f"{place.lat}, {place.lon} lies {distance:.0f} km outside {place.country} on the country "
                     f"shapes; check the coordinates{hint}")
    return notes


def add_place(path: Path, place: Place, *, gazetteer: bool = False) -> EditResult:
    """Add a place to a dataset's own `places` (default) or, with `gazetteer`, to a gazetteer file."""
    place = _check_place(place)
    with edit_lock(path):
        return _add_place(path, place, gazetteer)


def _add_place(path: Path, place: Place, gazetteer: bool) -> EditResult:
    known = Gazetteer.load()
    if gazetteer:
        read = read_for_edit(path)
        doc, digest, rewrite_notes = read.doc, read.digest, rounded_note(read)
        if not isinstance(doc, dict) or not isinstance(doc.get("features"), list):
            raise DataFileError("is not a gazetteer (a GeoJSON FeatureCollection of places)", path=path)
        check = validator("place")
        known = known.copy().extend(Place.from_feature(f) for f in doc["features"] if check.is_valid(f))
        target = doc["features"]
    else:
        opened = _open_dataset(path, create=True)
        doc, digest, rewrite_notes = opened.doc, opened.digest, opened.notes
        known = document_places(doc, known)
        target = doc.setdefault("places", [])
    if place.id in known:
        other = known.get(place.id)
        raise RoutesError(f"place {place.id!r} already exists ({other.name}, {other.country}); choose another id",
                          path=path, field="PLACE-ID")
    notes = _place_notes(place, known)
    feature = place.to_feature()
    error = next(validator("place").iter_errors(feature), None)
    if error is not None:
        raise UsageError(f"the place would be invalid: {error.message}", path=path, field="PLACE-ID")
    target.append(feature)
    if gazetteer:
        _write(Path(path), geojson_text(doc), digest, True)
    else:
        _save(opened)
    where = "gazetteer" if gazetteer else "places"
    return EditResult(Path(path), f"added place {place.id} ({place.name}, {place.country}) to the {where} of {path}",
                      notes=notes + rewrite_notes)


def default_dataset() -> Path:
    """The file `add`, `add-source` and `add-place` edit when no --data is given: the bundled dataset."""
    return paths.bundled_dataset()


"""Importing the SIPRI Arms Transfers Database: a CSV export becomes a dataset, one route per deal.

Two export layouts are recognised from their header row, after any preamble: the trade register
(one row per deal, `?` columns after uncertain figures) and the per-delivery layout (one row per deal
and delivery year; the rows of one deal are merged into one route). Nothing is dropped silently: a
deal whose supplier or recipient has no place (an unknown supplier, a multinational organisation)
is kept in the dataset's `unplaced` list with its reason, and a row that is no usable deal (a
malformed row) becomes a `Reject` with its reason.

Each route goes supplier -> recipient between country-level places (data/geo/sipri-countries.json;
a state the bundled gazetteer holds at its own point), which the dataset carries in its `places` member; designations that the bundled taxonomy does not know
are carried in its `weapons` member. SIPRI's own figures stay in each route's `sipri` property.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import io
import json
import math
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import model, paths
from .dataset import refuse_input, same_file, write_all_atomic, write_atomic
from .encode import csv_writer, for_csv_cell
from .errors import DataFileError, RoutesError, UsageError
from .fmt import geojson_text
from .gazetteer import Gazetteer
from .geometry import great_circle, split_antimeridian, unwrap
from .jsonfile import read_bytes
from .names import normalise
from .text import noun, plural, slug
from .weapons import Taxonomy

SOURCE_ID = "sipri-at-database"
SOURCE = {
    "title": "SIPRI Arms Transfers Database",
    "author": None,
    "publisher": "Stockholm International Peace Research Institute (SIPRI)",
    "published": None,
    "url": "https://www.sipri.org/databases/armstransfers",
    "kind": "dataset",
    "reliability": "B",
    "derived_from": [],
}
HEADER_SCAN_LINES = 60
MAX_FILE_BYTES = 256 * 1024 * 1024

Progress = Callable[[int, int], None]


# -- layouts -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Layout:
    """An export layout: the column titles it must have, and those it may have."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()


TRADE_REGISTER = Layout(
    "trade-register",
    required=("Recipient", "Supplier", "Year of order", "Number ordered", "Weapon designation",
              "Weapon description", "Number delivered", "Year(s) of delivery"),
    optional=("status", "Comments", "SIPRI TIV per unit", "SIPRI TIV for total order",
              "SIPRI TIV of delivered weapons"),
)
PER_DELIVERY = Layout(
    "per-delivery",
    required=("SIPRI AT Database ID", "Supplier", "Recipient", "Designation", "Description"),
    optional=("Armament category", "Order date", "Order date is estimate", "Numbers delivered",
              "Numbers delivered is estimate", "Delivery year", "Delivery year is estimate", "Status",
              "SIPRI estimate", "TIV deal unit", "TIV delivery values", "Local production"),
)
LAYOUTS = (TRADE_REGISTER, PER_DELIVERY)
_COLUMN_ALIASES = {"yearsofdeliveries": "yearsofdelivery", "yearofdelivery": "yearsofdelivery",
                   "yearsofdeliverie": "yearsofdelivery", "weapondescriptions": "weapondescription"}


@functools.lru_cache(maxsize=256)
def _column_key(title: str) -> str:
    key = normalise(title)
    return _COLUMN_ALIASES.get(key, key)


@dataclass
class Export:
    """A SIPRI CSV export as read: its layout, encoding, header and data rows (with line numbers)."""

    path: Path
    layout: Layout
    encoding: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    generated: str | None = None
    columns: dict[str, int] = field(default_factory=dict)
    flags: dict[str, int] = field(default_factory=dict)

    def cell(self, row: list[str], title: str) -> str:
        index = self.columns.get(_column_key(title))
        return row[index].strip() if index is not None and index < len(row) else ""

    def flagged(self, row: list[str], title: str) -> bool:
        """Whether SIPRI marks the figure in this column uncertain (`?` in the unnamed column after it)."""
        index = self.flags.get(_column_key(title))
        return index is not None and index < len(row) and row[index].strip() == "?"


def _decode(raw: bytes, path: Path) -> tuple[str, str]:
    if not raw.strip():
        raise DataFileError("file is empty; expected a CSV export of the SIPRI Arms Transfers Database", path=path)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise DataFileError("file starts like UTF-16 text but is not; save it as CSV (UTF-8)", path=path) from None
    if b"\x00" in raw[:4096]:
        raise DataFileError("binary content (NUL bytes); this is not a CSV file. An .xlsx export must be "
                            "saved as CSV first", path=path)
    bom = raw.startswith(b"\xef\xbb\xbf")
    body = raw[3:] if bom else raw
    try:
        return body.decode("utf-8"), "UTF-8 with byte-order mark" if bom else "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return body.decode("cp1252"), "Latin-1 (Windows-1252)"
    except UnicodeDecodeError:
        return body.decode("latin-1"), "Latin-1"


def _header_match(cells: list[str], layout: Layout) -> list[str]:
    """The required columns of a layout that a header row lacks (empty when it matches)."""
    keys = {_column_key(c) for c in cells}
    return [title for title in layout.required if _column_key(title) not in keys]


def read_export(path: Path) -> Export:
    """Read a SIPRI CSV export: detect the encoding, skip the preamble, recognise the layout by its header.

    Raises `DataFileError` for a file that cannot be read, and `RoutesError` naming the expected columns
    of each known layout when no header row matches one.
    """
    path = Path(path)
    raw = read_bytes(path, limit=MAX_FILE_BYTES, what="a SIPRI export", noun="a CSV file",
                     hint="is it a SIPRI CSV export?")
    text, encoding = _decode(raw, path)
    lines = text.splitlines(keepends=True)
    offset = 0
    nearest: tuple[int, Layout, list[str], int] | None = None
    first_line = next((line.strip() for line in lines if line.strip()), "")
    for number, line in enumerate(lines[:HEADER_SCAN_LINES], start=1):
        if line.strip():
            for delimiter in (",", ";", "\t"):
                try:
                    with _field_limit(len(text)):
                        cells = next(csv.reader([line], delimiter=delimiter), [])
                except csv.Error:
                    continue  # (a line the csv module cannot split, such as a quote left open, is no header)
                for layout in LAYOUTS:
                    missing = _header_match(cells, layout)
                    if not missing:
                        return _read_rows(path, text[offset:], number, cells, delimiter, layout, encoding, lines)
                    found = len(layout.required) - len(missing)
                    if found >= 3 and (nearest is None or found > nearest[3]):
                        nearest = (number, layout, missing, found)
        offset += len(line)
    expected = "; or ".join(f"the {layout.name} columns {', '.join(layout.required)}" for layout in LAYOUTS)
    if nearest:
        number, layout, missing, _ = nearest
        raise RoutesError(f"line {number} looks like a SIPRI {layout.name} header but lacks the "
                          f"{noun(len(missing), 'column')} {', '.join(missing)}; expected {expected}",
                          path=path, line=number)
    raise RoutesError(f"not a SIPRI export this tool knows: no header row in the first {HEADER_SCAN_LINES} "
                      f"lines. Expected {expected}. The file starts with {first_line[:80]!r}", path=path)


@contextlib.contextmanager
def _field_limit(size: int):
    """Let the csv module read a field as long as the file (its default stops at 128 KiB, with an
    error): the file is in memory already, and bounded by `MAX_FILE_BYTES`."""
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, size + 1))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _read_rows(path: Path, text: str, header_line: int, header: list[str], delimiter: str, layout: Layout,
               encoding: str, lines: list[str]) -> Export:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        with _field_limit(len(text)):
            next(reader)
            rows: list[tuple[int, list[str]]] = []
            start = reader.line_num
            for row in reader:
                if any(cell.strip() for cell in row):
                    rows.append((header_line + start, row))
                start = reader.line_num
    except csv.Error as exc:
        raise RoutesError(f"the CSV cannot be read after line {header_line + reader.line_num}: {exc}",
                          path=path, line=header_line + reader.line_num) from None
    columns: dict[str, int] = {}
    flags: dict[str, int] = {}
    for index, title in enumerate(header):
        key = _column_key(title)
        if key and key not in columns:
            columns[key] = index
            if index + 1 < len(header) and not header[index + 1].strip():
                flags[key] = index + 1
    preamble = "".join(lines[: header_line - 1])
    return Export(path, layout, encoding, header, rows, _generated(preamble), columns, flags)


_MONTHS = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                        "september", "october", "november", "december"), start=1)}


def _generated(preamble: str) -> str | None:
    """The date of the export from its preamble ("Data generated: 18 May 2026 2:29:20 PM"), as YYYY-MM-DD."""
    match = re.search(r"generated:\s*(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})", preamble, re.IGNORECASE)
    if not match or match.group(2).lower() not in _MONTHS:
        return None
    return f"{match.group(3)}-{_MONTHS[match.group(2).lower()]:02d}-{int(match.group(1)):02d}"


# -- deals ---------------------------------------------------------------------------------------
@dataclass
class Deal:
    """One deal as SIPRI lists it, from one trade-register row or several per-delivery rows."""

    rows: list[tuple[int, list[str]]]
    supplier: str
    recipient: str
    designation: str
    description: str
    armament_category: str = ""
    deal_id: str | None = None
    order_year: int | str | None = None
    number_ordered: int | float | str | None = None
    number_delivered: int | float | str | None = None
    delivery_years: list = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)
    approximate_years: set = field(default_factory=set)  # delivery years SIPRI marks as estimates (`?`)
    status: str = ""
    comments: str = ""
    tiv: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


@dataclass
class Reject:
    """A deal that could not be mapped: its original rows and why."""

    rows: list[tuple[int, list[str]]]
    reason: str


def _number(text: str) -> int | float | str | None:
    """A SIPRI figure: a whole number, a decimal, None when empty, or the text itself when it is neither."""
    text = text.strip()
    if not text or text == "?":
        return None
    plain = text.replace(",", "").replace(" ", "").replace("\u00a0", "")
    try:
        return int(plain)
    except ValueError:
        pass
    try:
        value = float(plain)
        return value if math.isfinite(value) else text
    except ValueError:
        return text


def _year(text: str) -> int | str | None:
    match = re.search(r"\b(1[89]\d\d|20\d\d|2100)\b", text or "")
    if match:
        return int(match.group(1))
    return text.strip() or None


def _years(text: str) -> list:
    return _marked_years(text)[0]


def _marked_years(text: str) -> tuple[list, set[int]]:
    """The years of a list such as "1991; 1992?; 1993", and those SIPRI marks uncertain with `?`."""
    years, marked = [], set()
    for part in re.split(r"[;,]", text or ""):
        part = part.strip()
        uncertain = part.endswith("?")
        part = part.rstrip("?").strip()
        if part:
            value = _year(part)
            years.append(value)
            if uncertain and isinstance(value, int):
                marked.add(value)
    return years, marked


def _truthy(text: str) -> bool:
    return text.strip().lower() in {"?", "yes", "y", "true", "1", "x", "estimate", "estimated"}


def _trade_register_deals(export: Export) -> tuple[list[Deal], list[Reject]]:
    deals, rejects = [], []
    width = len(export.header)
    for line, row in export.rows:
        if len(row) != width:
            rejects.append(Reject([(line, row)], f"malformed row: {len(row)} columns where the header has {width}"))
            continue
        c = lambda title, row=row: export.cell(row, title)  # noqa: E731
        uncertain = [name for name, title in (("order_year", "Year of order"), ("number_ordered", "Number ordered"),
                                              ("number_delivered", "Number delivered"))
                     if export.flagged(row, title)]
        delivery_years, approximate = _marked_years(c("Year(s) of delivery"))
        if approximate:
            uncertain.append("delivery_years")
        deals.append(Deal(
            rows=[(line, row)], supplier=c("Supplier"), recipient=c("Recipient"),
            designation=c("Weapon designation"), description=c("Weapon description"),
            order_year=_year(c("Year of order")), number_ordered=_number(c("Number ordered")),
            number_delivered=_number(c("Number delivered")), delivery_years=delivery_years,
            uncertain=uncertain, approximate_years=approximate, status=c("status"), comments=c("Comments"),
            tiv={"per_unit": _number(c("SIPRI TIV per unit")), "total_order": _number(c("SIPRI TIV for total order")),
                 "delivered": _number(c("SIPRI TIV of delivered weapons"))},
        ))
    return deals, rejects


_DEAL_IDENTITY = ("Supplier", "Recipient", "Designation", "Description", "Order date")


def _per_delivery_deals(export: Export) -> tuple[list[Deal], list[Reject]]:
    """Merge the rows of each deal (same SIPRI AT Database ID) into one deal, in order of first appearance."""
    groups: dict[str, list[tuple[int, list[str]]]] = {}
    rejects: list[Reject] = []
    width = len(export.header)
    for line, row in export.rows:
        if len(row) != width:
            rejects.append(Reject([(line, row)], f"malformed row: {len(row)} columns where the header has {width}"))
            continue
        deal_id = export.cell(row, "SIPRI AT Database ID")
        if not deal_id:
            rejects.append(Reject([(line, row)], "no SIPRI AT Database ID"))
            continue
        groups.setdefault(deal_id, []).append((line, row))
    deals = []
    for deal_id, rows in groups.items():
        first = rows[0][1]
        kept, seen_years = [rows[0]], {export.cell(first, "Delivery year")}
        for line, row in rows[1:]:
            differs = [t for t in _DEAL_IDENTITY if export.cell(row, t) != export.cell(first, t)]
            year = export.cell(row, "Delivery year")
            if differs:
                rejects.append(Reject([(line, row)], f"row of deal {deal_id} gives another {differs[0].lower()} "
                                                     f"than its first row (line {rows[0][0]})"))
            elif year in seen_years:
                rejects.append(Reject([(line, row)], f"deal {deal_id} lists delivery year {year or '(none)'} twice "
                                                     f"(first at line {rows[0][0]})"))
            else:
                kept.append((line, row))
                seen_years.add(year)
        c = lambda title, first=first: export.cell(first, title)  # noqa: E731
        delivered = [_number(export.cell(r, "Numbers delivered")) for _, r in kept]
        years, approximate = [], set()
        for _, r in kept:
            found, marked = _marked_years(export.cell(r, "Delivery year"))
            years += found
            estimated = _truthy(export.cell(r, "Delivery year is estimate"))
            approximate |= marked | ({y for y in found if isinstance(y, int)} if estimated else set())
        values = [_number(export.cell(r, "TIV delivery values")) for _, r in kept]
        uncertain = []
        if _truthy(c("Order date is estimate")):
            uncertain.append("order_year")
        if any(_truthy(export.cell(r, "Numbers delivered is estimate")) for _, r in kept):
            uncertain.append("number_delivered")
        if approximate:
            uncertain.append("delivery_years")
        deals.append(Deal(
            rows=kept, supplier=c("Supplier"), recipient=c("Recipient"), designation=c("Designation"),
            description=c("Description"), armament_category=c("Armament category"), deal_id=deal_id,
            order_year=_year(c("Order date")), number_delivered=_sum(delivered),
            delivery_years=sorted(set(years), key=lambda y: (not isinstance(y, int), str(y))),
            uncertain=uncertain, approximate_years=approximate, status=c("Status"),
            tiv={"per_unit": _number(c("TIV deal unit")), "delivered": _sum(values)},
            extra={key: value for key, value in (("sipri_estimate", c("SIPRI estimate")),
                                                 ("local_production", c("Local production"))) if value},
        ))
    return deals, rejects


def _sum(values: list) -> int | float | None:
    numbers = [v for v in values if isinstance(v, (int, float))]
    if not numbers:
        return None
    total = sum(numbers)
    return round(total, 6) if isinstance(total, float) else total


def deals_of(export: Export) -> tuple[list[Deal], list[Reject]]:
    """The deals of an export (per-delivery rows merged), and the rows that are not a usable deal."""
    if export.layout is PER_DELIVERY:
        return _per_delivery_deals(export)
    return _trade_register_deals(export)


# -- places --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Party:
    """A supplier or recipient: the actor's name on the route and the place it is drawn at."""

    actor: str
    place: str


class Countries:
    """SIPRI's names of states, territories and non-state actors, and the country-level place of each."""

    def __init__(self, places: list[dict], names: dict[str, dict]) -> None:
        self.places = {p["id"]: p for p in places}
        self.names = names
        # SIPRI's spellings as it writes them, and then in any case or punctuation ("Unknown rebel group*")
        self._names = {normalise(name): entry for name, entry in reversed(names.items())}
        self._index: dict[str, str] = {}
        for place in places:
            for name in (place["name"], *place.get("aliases", ())):
                self._index.setdefault(normalise(name), place["id"])
        for name, entry in names.items():
            if "place" in entry and "actor" not in entry:
                self._index.setdefault(normalise(name), entry["place"])

    @classmethod
    def load(cls, path: Path | None = None) -> Countries:
        path = Path(path) if path else paths.data_dir() / "geo" / "sipri-countries.json"
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            return cls(doc["places"], doc["names"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise DataFileError(f"cannot read the table of SIPRI country names: {exc}", path=path) from None

    def party(self, name: str, role: str) -> Party | str:
        """The actor and place a SIPRI name stands for, or why it has none (a reject reason)."""
        name = name.strip()
        if not name:
            return f"{role} is empty"
        entry = self.names.get(name) or self._names.get(normalise(name))
        if entry is not None:
            if "reject" in entry:
                return f"{role} {entry['reject']}"
            return Party(entry.get("actor") or name, entry["place"])
        place = self._index.get(normalise(name))
        if place:
            return Party(name, place)
        if name.endswith("**"):
            return f"{role} is a multinational organisation ({name.rstrip('*').strip()}), not a place"
        if name.endswith("*"):
            return self._non_state(name, role)
        return f"{role} {name!r} has no place (add it to data/geo/sipri-countries.json)"

    def _non_state(self, name: str, role: str) -> Party | str:
        bare = name.rstrip("*").strip()
        match = re.match(r"^(.*?)\s*\(([^()]*)\)$", bare)
        if match:
            for where in reversed(match.group(2).split("/")):
                place = self._index.get(normalise(where))
                if place:
                    return Party(match.group(1).strip() or bare, place)
        else:
            key = normalise(bare)
            prefixes = [k for k in self._index if len(k) >= 4 and key.startswith(k)]
            if prefixes:
                return Party(bare, self._index[max(prefixes, key=len)])
        return f"{role} {name!r} is a non-state actor in no known country (add it to data/geo/sipri-countries.json)"

    def feature(self, place_id: str) -> dict:
        p = self.places[place_id]
        return {"type": "Feature", "id": p["id"],
                "properties": {"name": p["name"], "aliases": list(p.get("aliases", ())), "country": p["country"],
                               "kind": p.get("kind", "country"), "drawn_at": p.get("point")},
                "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]}}


# -- weapon systems ------------------------------------------------------------------------------
# Matched in order against SIPRI's weapon description (lower case); the first match decides.
_CATEGORY_RULES = [(re.compile(pattern), category) for pattern, category in (
    (r"\b(drones?|ugv)\b|loitering munition", "drones"),
    (r"\bengines?\b|turbofan|turbojet|turboprop|turboshaft|gas turbine|reactor", "engines"),
    (r"(?<!anti-)radar|sonar|electro-optical|satellite|search system|reconnaissance system|intelligence system"
     r"|surveillance system|fire-control system", "sensors"),
    (r"(aircraft|helicopter|airship)$", "aircraft"),
    (r"(ship|boat|craft|submarine|frigate|corvette|(?<!tank )destroyer|cruiser|(?<!personnel )carrier"
     r"|minesweeper|minehunter|minelayer|tug|tanker|icebreaker|gunboat)$", "ships"),
    (r"anti-ballistic|surface-to-air|anti-aircraft|air-defence|air defence", "air-defence"),
    (r"anti-tank", "anti-tank"),
    (r"^(submarine-launched )?ballistic missile|^surface-to-surface missile|^short-range ballistic",
     "ballistic-missiles"),
    (r"torpedo|naval mine|\bmines?\b|depth charge|anti-submarine (rocket launcher|mortar)|naval gun"
     r"|naval multiple rocket", "naval-weapons"),
    (r"coastal defence system|missile", "missiles"),
    (r"bomb|guided shell|munition", "munitions"),
    (r"rocket|\bguns?\b|howitzer|mortar|coastal defence|artillery", "artillery-rockets"),
    (r"tank|armou?red|vehicle|personnel carrier|\bapc\b|\bifv\b", "armour-vehicles"),
    (r"air refuel", "aircraft"),
)]
# SIPRI's armament categories (per-delivery layout), used when the description says nothing known.
ARMAMENT_CATEGORIES = {
    "aircraft": "aircraft", "airdefencesystems": "air-defence", "antisubmarinewarfare": "naval-weapons",
    "armouredvehicles": "armour-vehicles", "artillery": "artillery-rockets", "engines": "engines",
    "missiles": "missiles", "navalweapons": "naval-weapons", "satellites": "sensors", "sensors": "sensors",
    "ships": "ships", "other": "other",
}
# Categories of platforms: a designation shared with a bundled weapon of another category is another thing
# (SIPRI's "Osa" patrol boat is not an Osa missile), so it is not mapped to the bundled system.
_PLATFORMS = {"aircraft", "ships", "engines", "sensors", "armour-vehicles"}
_CALIBRE = re.compile(r"\s+\d+(\.\d+)?\s*mm$", re.IGNORECASE)
# SIPRI designations of systems that the bundled taxonomy groups as a family under other names, so that
# `--weapon Scud` finds SIPRI's "R-17 Elbrus" too.
SIPRI_FAMILIES = {normalise(designation): family for designation, family in (
    ("R-17 Elbrus", "scud"), ("R-17", "scud"), ("R-17E", "scud"), ("R-300", "scud"), ("Scud", "scud"),
    ("Scud-B", "scud"), ("Scud-C", "scud"), ("Hwasong-5", "scud"), ("Hwasong-6", "scud"),
)}
_GENERIC_WORDS = {"mk", "block", "tel", "type", "sea", "super", "patrol", "version", "apc", "ifv", "sp", "mod",
                  "class", "new", "light", "heavy", "mobile", "naval", "land", "air", "launcher", "system"}


def category_of(description: str, armament_category: str = "") -> str:
    """The weapon category for SIPRI's weapon description, or its armament category, else `other`."""
    text = re.sub(r"\s+(turret|chassis)$", "", description.strip().lower())
    for pattern, category in _CATEGORY_RULES:
        if pattern.search(text):
            return category
    return ARMAMENT_CATEGORIES.get(normalise(armament_category), "other")


def _slug(text: str) -> str:
    return slug(text, 120)  # (the one rule of ids made of names, routes.text.slug; room left for a prefix)


class _WeaponPlan:
    """Which weapon system ids each (designation, category) gets: a bundled one, or one of the dataset's own."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self._known: dict[str, str] = {}
        self._category: dict[str, str] = {}
        for system in taxonomy:
            self._category[system["id"]] = system.get("category", "other")
            for name in (system["id"], system.get("name", ""), *system.get("aliases", [])):
                key = normalise(name)
                if key:
                    self._known.setdefault(key, system["id"])
        self._spellings: dict[str, Counter] = {}
        self._descriptions: dict[tuple[str, str], Counter] = {}
        self.ids: dict[tuple[str, str], list[str]] = {}
        self.systems: list[dict] = []

    def add(self, designation: str, category: str, description: str) -> tuple[str, str]:
        key = normalise(designation) or designation
        self._spellings.setdefault(key, Counter())[designation] += 1
        self._descriptions.setdefault((key, category), Counter())[description] += 1
        return key, category

    def _lookup(self, text: str, category: str) -> str | None:
        for candidate in dict.fromkeys((text, _CALIBRE.sub("", text))):
            weapon_id = self._known.get(normalise(candidate))
            if weapon_id and self._compatible(category, weapon_id):
                return weapon_id
        return None

    def _compatible(self, category: str, weapon_id: str) -> bool:
        known = self._category.get(weapon_id, "other")
        return known == category or (known not in _PLATFORMS and category not in _PLATFORMS)

    def _bundled(self, designation: str, category: str) -> list[str]:
        whole = self._lookup(designation, category)
        if whole:
            return [whole]
        parts = [p for p in re.split(r"\s*/\s*", designation) if p.strip()]
        found: list[str] = []
        for part in parts:
            weapon_id = self._lookup(part, category) or self._by_word(part, category)
            if weapon_id is None:
                return []
            found.append(weapon_id)
        return list(dict.fromkeys(found))

    def _by_word(self, text: str, category: str) -> str | None:
        """A bundled system named by one word of a longer designation ("R-17 Elbrus" -> R-17), if only one is."""
        words = _CALIBRE.sub("", text).split()
        if len(words) < 2:
            return None
        found = {self._lookup(w, category) for w in words
                 if len(normalise(w)) >= 3 and normalise(w) not in _GENERIC_WORDS}
        found.discard(None)
        return found.pop() if len(found) == 1 else None

    def plan(self) -> None:
        """Decide every id: bundled systems first, then one system of the dataset's own per designation and category."""
        taken_ids = _Taken(self._category)
        taken_names = set(self._known)
        own: dict[str, list[str]] = {}
        for (key, category) in self._descriptions:
            spelling = self._spellings[key].most_common(1)[0][0]
            bundled = self._bundled(spelling, category)
            if bundled:
                self.ids[(key, category)] = bundled
            else:
                own.setdefault(key, []).append(category)
        for key, categories in own.items():
            spelling = self._spellings[key].most_common(1)[0][0]
            shared = len(categories) > 1 or key in taken_names
            for category in categories:
                description = self._descriptions[(key, category)].most_common(1)[0][0]
                base = f"sipri-{_slug(spelling) or hashlib.sha1(key.encode()).hexdigest()[:8]}"
                weapon_id = f"{base}-{category}" if shared else base
                name = f"{spelling} ({description})" if shared and description else spelling
                if shared and not description:
                    name = f"{spelling} ({category})"
                weapon_id = _unique(weapon_id, taken_ids)
                if normalise(name) in taken_names:
                    name = f"{name} [{weapon_id}]"
                taken_ids.add(weapon_id)
                taken_names.update({normalise(name), normalise(weapon_id)})
                system = {"id": weapon_id, "name": _within_limit(name, "the sipri.designation of its routes"),
                          "aliases": [], "category": category}
                if description:
                    system["description"] = f"SIPRI: {description}"
                family = SIPRI_FAMILIES.get(normalise(_CALIBRE.sub("", spelling)))
                if family is None and shared and key not in self._known:
                    family = spelling
                if family:
                    system["family"] = family
                self.systems.append(system)
                self.ids[(key, category)] = [weapon_id]
        self.systems.sort(key=lambda s: s["id"])


class _Taken(set):
    """Ids given out, and for each id asked for twice the next number to try (see `_unique`)."""

    def __init__(self, ids=()) -> None:
        super().__init__(ids)
        self.next_number: dict[str, int] = {}


def _unique(candidate: str, taken: _Taken) -> str:
    """`candidate`, or `candidate-2`, `-3`, ... the first not `taken`; the search for one candidate goes
    on where it stopped last time, so that many deals of one identity cost time in proportion to their number."""
    if candidate not in taken:
        return candidate
    n = taken.next_number.get(candidate, 2)
    while f"{candidate}-{n}" in taken:
        n += 1
    taken.next_number[candidate] = n + 1
    return f"{candidate}-{n}"


# -- routes --------------------------------------------------------------------------------------
def _figure(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _span(years: list, approximate=()) -> str:
    """Delivery years as every output writes a period (`model.period_text`): "1999–2004", a year SIPRI
    marks "?" as "c. 1999"."""
    numbers = sorted(y for y in years if isinstance(y, int))
    if not numbers:
        return ""
    start, end = (_bound(y, y in approximate) for y in (numbers[0], numbers[-1]))
    return model.period_text({"properties": {"period": {"start": start, "end": end}}})


def _summary(deal: Deal, supplier: str, recipient: str) -> str:
    """A plain sentence of what SIPRI lists, for deals without comments."""
    what = deal.designation + (f" ({deal.description})" if deal.description and deal.designation else deal.description)
    count = f"{_figure(deal.number_ordered)} " if deal.number_ordered is not None else ""
    if "number_ordered" in deal.uncertain and count:
        count = f"about {count}"
    when = f" in {deal.order_year}" if deal.order_year is not None else ""
    if "order_year" in deal.uncertain and when:
        when = f" in about {deal.order_year}"
    text = f"SIPRI lists an order by {recipient} from {supplier} of {count}{what}{when}"
    if deal.delivery_years or deal.number_delivered:
        delivered = _figure(deal.number_delivered) if deal.number_delivered is not None else "some"
        years = _span(deal.delivery_years, deal.approximate_years)
        text += f"; delivered: {delivered}" + (f" in {years}" if years else "")
    else:
        text += "; no deliveries listed"
    return text + "."


def _period(deal: Deal) -> dict:
    """From the year of order (or the first delivery, if earlier) to the last delivery; a bound is
    approximate ({"year": Y, "approximate": true}) when SIPRI marks the year it comes from with `?`."""
    marked = {y for y in deal.approximate_years if isinstance(y, int)}
    years = [y for y in deal.delivery_years if isinstance(y, int) and 1800 <= y <= 2100]
    order = deal.order_year if isinstance(deal.order_year, int) and 1800 <= deal.order_year <= 2100 else None
    # (year, whether SIPRI marks it uncertain) of each year the start may come from
    starts = [(y, approximate) for y, approximate in (
        (order, "order_year" in deal.uncertain),
        (min(years, default=None), min(years, default=0) in marked)) if y is not None]
    start = min((y for y, _ in starts), default=None)
    # a year known exactly from one column is exact, though another column marks it uncertain
    start_approximate = start is not None and all(approximate for y, approximate in starts if y == start)
    end = max(years) if years else None
    return {"start": _bound(start, start_approximate), "end": _bound(end, end in marked)}


def _bound(year: int | None, approximate: bool) -> int | dict | None:
    return {"year": year, "approximate": True} if year is not None and approximate else year


def _line(a: tuple[float, float], b: tuple[float, float]) -> dict:
    """A great-circle line from a to b, split where it crosses the antimeridian (RFC 7946, 3.1.9)."""
    geometry = _arc(a, b)
    if geometry["type"] == "LineString":
        return {"type": "LineString", "coordinates": [p[:] for p in geometry["coordinates"]]}
    return {"type": "MultiLineString", "coordinates": [[p[:] for p in line] for line in geometry["coordinates"]]}


@functools.lru_cache(maxsize=8192)
def _arc(a: tuple[float, float], b: tuple[float, float]) -> dict:
    parts = split_antimeridian(unwrap(great_circle(a, b)))
    if len(parts) == 1:
        return {"type": "LineString", "coordinates": parts[0]}
    return {"type": "MultiLineString", "coordinates": parts}


def _sipri_properties(deal: Deal, supplier: Party, recipient: Party) -> dict:
    """SIPRI's own figures for a deal; its names of supplier and recipient where the route shows others."""
    sipri = {
        "designation": deal.designation, "description": deal.description,
        "order_year": deal.order_year, "number_ordered": deal.number_ordered,
        "number_delivered": deal.number_delivered, "delivery_years": deal.delivery_years,
        "uncertain": deal.uncertain, "status": deal.status or None,
        **({"approximate_delivery_years": sorted(deal.approximate_years)} if deal.approximate_years else {}),
        "tiv": deal.tiv,
    }
    names = {role: name for role, name, party in (("supplier", deal.supplier, supplier),
                                                   ("recipient", deal.recipient, recipient)) if name != party.actor}
    sipri = {**({"deal_id": deal.deal_id} if deal.deal_id is not None else {}), **names, **sipri}
    if deal.armament_category:
        sipri["armament_category"] = deal.armament_category
    sipri.update(deal.extra)
    return sipri


def _route_id(deal: Deal, taken: _Taken) -> str:
    """`sipri-deal-<SIPRI id>`, or `sipri-<hash of the deal's identity>` for the trade register (stable on reimport)."""
    if deal.deal_id is not None:
        base = f"sipri-deal-{_slug(deal.deal_id) or hashlib.sha1(deal.deal_id.encode()).hexdigest()[:10]}"
    else:
        identity = "\x1f".join(str(v) for v in (deal.supplier, deal.recipient, deal.order_year, deal.designation,
                                                 deal.description, deal.number_ordered))
        base = f"sipri-{hashlib.sha1(identity.encode('utf-8')).hexdigest()[:10]}"
    route_id = _unique(base, taken)
    taken.add(route_id)
    return route_id


# SIPRI's `?` marks uncertain figures, not doubt that the deal exists; its comments say when the supplier
# or recipient itself is in doubt ("Supplier uncertain", "supplier possibly Iran"), and then the claim
# that this route existed is only possibly true (Admiralty 3) rather than probably true (2).
_DOUBTED_PARTY = re.compile(
    r"\b(supplier|recipient)s?\b[^;]{0,40}?\b(uncertain|unclear|unconfirmed|possibly|probably)\b"
    r"|\b(uncertain|possibly|probably)\b[^;]{0,20}?\b(supplier|recipient)s?\b", re.IGNORECASE)


def _route(deal: Deal, route_id: str, supplier: Party, recipient: Party, weapons: list[str],
           countries: Countries, gazetteer: Gazetteer) -> dict:
    a, b = (_point(p.place, countries, gazetteer) for p in (supplier, recipient))
    summary = _summary(deal, supplier.actor, recipient.actor)
    count = f"{_figure(deal.number_ordered)} " if deal.number_ordered is not None else ""
    ordered = deal.order_year
    if isinstance(ordered, int):  # a year as every output writes one: "c. 1990" when SIPRI marks it "?"
        ordered = model.bound_text(_bound(ordered, "order_year" in deal.uncertain))
    year = f" ({ordered})" if ordered is not None else ""
    sipri = _sipri_properties(deal, supplier, recipient)
    props = {
        "name": _within_limit(f"{supplier.actor} → {recipient.actor}: {count}{deal.designation or deal.description}"
                              f"{year}", "sipri.designation and sipri.description"),
        "kind": "arms",
        "waypoints": [supplier.place, recipient.place],
        "legs": [{"mode": "unknown", "geometry": "great-circle"}],
        "weapons": weapons,
        "supplier": _within_limit(supplier.actor, "sipri.supplier"),
        "recipient": _within_limit(recipient.actor, "sipri.recipient"),
        "period": _period(deal),
        "status": "reported",
    }
    for role, party, name in (("supplier", supplier, deal.supplier), ("recipient", recipient, deal.recipient)):
        if props[role] != party.actor:
            sipri[role] = name  # (SIPRI's name in full, for the name cut short)
    if deal.delivery_years or (isinstance(deal.number_delivered, (int, float)) and deal.number_delivered > 0):
        props["outcome"] = "delivered"
    claim = _within_limit(deal.comments or summary, "sipri.comments" if deal.comments else "the route's sipri figures")
    if deal.comments and claim != deal.comments:
        sipri["comments"] = deal.comments
    props["evidence"] = [{"source": SOURCE_ID, "claim": claim, "stance": "supports",
                          "credibility": 3 if _DOUBTED_PARTY.search(deal.comments) else 2}]
    if deal.comments:
        props["notes"] = summary
    props["sipri"] = sipri
    return {"type": "Feature", "id": route_id, "properties": props,
            "geometry": _line((a["lon"], a["lat"]), (b["lon"], b["lat"]))}


TEXT_LIMIT = 20_000  # characters: the longest name, actor or claim the data model (its schema's "text") allows


def _within_limit(text: str, whole_in: str) -> str:
    """`text`, or, when it is longer than a dataset's texts may be (`TEXT_LIMIT`), its beginning with a
    mark that says it was cut and where the whole text is kept (`whole_in`, a member of the route), so
    that the dataset validates and nothing SIPRI wrote is lost."""
    if len(text) <= TEXT_LIMIT:
        return text
    mark = f" […] (cut at {TEXT_LIMIT:,} of its {len(text):,} characters; the whole text is in {whole_in})"
    return text[:TEXT_LIMIT - len(mark)].rstrip() + mark


@dataclass
class ImportResult:
    """What an import made: the dataset, the deals it could not place, the rows it could not read as a
    deal, and what was read."""

    dataset: dict
    rejects: list[Reject]  # rows that are no usable deal (malformed): not in the dataset
    export: Export
    deals: int
    own_weapons: int
    output: Path | None = None
    rejects_path: Path | None = None
    bytes_written: int = 0
    seconds: float = 0.0
    unplaced: list[Reject] = field(default_factory=list)  # deals kept in the dataset's `unplaced`, not drawn

    @property
    def routes(self) -> int:
        return len(self.dataset["features"])

    @property
    def rejected_rows(self) -> int:
        return sum(len(r.rows) for r in self.rejects)

    @property
    def unplaced_rows(self) -> int:
        return sum(len(r.rows) for r in self.unplaced)

    def reject_counts(self) -> list[tuple[str, int]]:
        """Rejected rows by reason, most frequent first."""
        return _counts(self.rejects)

    def unplaced_counts(self) -> list[tuple[str, int]]:
        """Rows of the deals that could not be placed, by reason, most frequent first."""
        return _counts(self.unplaced)


def _counts(rejects: list[Reject]) -> list[tuple[str, int]]:
    counts = Counter()
    for reject in rejects:
        counts[reject.reason] += len(reject.rows)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def convert(export: Export, *, taxonomy: Taxonomy | None = None, countries: Countries | None = None,
            gazetteer: Gazetteer | None = None, progress: Progress | None = None) -> ImportResult:
    """Turn an export into a dataset: one route per deal that can be placed, one record of the
    dataset's `unplaced` list per deal whose supplier or recipient has no place (an unknown supplier,
    a multinational organisation), and a `Reject` for every row that is no usable deal.

    A place of SIPRI's table that the bundled gazetteer (`gazetteer`, default: the bundled one) also
    holds is written as the gazetteer defines it, so that the two never disagree. `progress(done,
    total)` is called as deals are mapped.
    """
    taxonomy = taxonomy if taxonomy is not None else Taxonomy.load()
    countries = countries if countries is not None else Countries.load()
    gazetteer = gazetteer if gazetteer is not None else Gazetteer.load()
    deals, rejects = deals_of(export)
    weapons = _WeaponPlan(taxonomy)
    mapped: list[tuple[Deal, Party, Party, tuple[str, str]]] = []
    unplaced: list[tuple[Deal, Party | str, Party | str, tuple[str, str], str]] = []
    for deal in deals:
        supplier = countries.party(deal.supplier, "supplier")
        recipient = countries.party(deal.recipient, "recipient")
        designation = deal.designation or deal.description
        missing = [f"{role} is empty" for role, name in (("supplier", deal.supplier), ("recipient", deal.recipient))
                   if not name.strip()]
        if missing or not designation:
            rejects.append(Reject(deal.rows, "; ".join(missing) or "no weapon designation or description"))
            continue
        key = weapons.add(designation, category_of(deal.description, deal.armament_category), deal.description)
        reason = "; ".join(p for p in (supplier, recipient) if isinstance(p, str))
        supplier, recipient = (_bundled_country(p, countries, gazetteer) for p in (supplier, recipient))
        if reason:
            unplaced.append((deal, supplier, recipient, key, reason))
        else:
            mapped.append((deal, supplier, recipient, key))
    weapons.plan()
    total = len(mapped)
    features, taken, used_places = [], _Taken(), set()
    for done, (deal, supplier, recipient, key) in enumerate(mapped, start=1):
        features.append(_route(deal, _route_id(deal, taken), supplier, recipient, weapons.ids[key], countries,
                               gazetteer))
        used_places.update((supplier.place, recipient.place))
        if progress and (done % 500 == 0 or done == total):
            progress(done, total)
    if progress and total == 0:
        progress(0, 0)
    records = [_unplaced(deal, _route_id(deal, taken), supplier, recipient, weapons.ids[key], reason)
               for deal, supplier, recipient, key, reason in unplaced]
    rejects.sort(key=lambda r: r.rows[0][0])
    source = dict(SOURCE, published=export.generated)
    dataset = {
        "type": "FeatureCollection",
        "name": f"SIPRI Arms Transfers Database ({export.layout.name} export {export.path.name}"
                + (f", generated {export.generated}" if export.generated else "") + ")",
        "sipri_import": {"file": export.path.name, "layout": export.layout.name, "encoding": export.encoding,
                         "generated": export.generated, "rows": len(export.rows), "deals": len(deals),
                         "routes": len(features), "unplaced": len(records),
                         "rejected_rows": sum(len(r.rows) for r in rejects)},
        "sources": {SOURCE_ID: source},
        "weapons": weapons.systems,
        "places": [_place_feature(p, countries, gazetteer) for p in sorted(used_places)],
        "features": features,
    }
    if records:
        dataset["unplaced"] = records
    return ImportResult(dataset, rejects, export, len(deals), len(weapons.systems),
                        unplaced=[Reject(deal.rows, reason) for deal, *_, reason in unplaced])


def _bundled_country(party: Party | str, countries: Countries, gazetteer: Gazetteer) -> Party | str:
    """A state at the bundled gazetteer's own point for its country when it has one (North Korea at
    `prk`, not at SIPRI's `country-prk`): a map of SIPRI's deals beside the bundled routes then shows one
    point per country, not two. Places of other kinds (a region, a rebel group's area) stay SIPRI's."""
    if not isinstance(party, Party):
        return party
    place = countries.places.get(party.place)
    if not place or place.get("kind") != "country" or not place.get("country"):
        return party
    bundled = gazetteer.country_place(place["country"])
    return Party(party.actor, bundled.id) if bundled is not None else party


def _point(place_id: str, countries: Countries, gazetteer: Gazetteer) -> dict:
    """The lon and lat of a place a route runs between: the bundled gazetteer's, else SIPRI's table's."""
    bundled = gazetteer.get(place_id)
    if bundled is not None:
        return {"lon": bundled.lon, "lat": bundled.lat}
    return countries.places[place_id]


def _place_feature(place_id: str, countries: Countries, gazetteer: Gazetteer) -> dict:
    """A place the dataset carries: as the bundled gazetteer defines it when it holds that id (the Gaza
    Strip), else from SIPRI's table."""
    bundled = gazetteer.get(place_id)
    return bundled.to_feature() if bundled is not None else countries.feature(place_id)


def _unplaced(deal: Deal, deal_id: str, supplier: Party | str, recipient: Party | str, weapons: list[str],
              reason: str) -> dict:
    """The record of a deal that cannot be drawn (a party has no place): the actors (a name SIPRI marks
    as a group, `NATO**`, without its marks), its weapon systems and period as a route would have
    them, why it has no place, the source, and SIPRI's own figures and comments."""
    parties = [p if isinstance(p, Party) else Party(name.strip().rstrip("*").strip() or name.strip(), "")
               for p, name in ((supplier, deal.supplier), (recipient, deal.recipient))]
    sipri = _sipri_properties(deal, *parties)
    if deal.comments:
        sipri["comments"] = deal.comments
    return {"id": deal_id, "supplier": _within_limit(parties[0].actor, "sipri.supplier"),
            "recipient": _within_limit(parties[1].actor, "sipri.recipient"), "weapons": weapons,
            "period": _period(deal), "reason": reason, "source": SOURCE_ID, "sipri": sipri}


def rejects_csv(result: ImportResult) -> str:
    """The rows that are not a route, as CSV: the export's own header plus a `reason` column, then every
    row of every deal that could not be placed and of every reject, in the order of the export. Every
    cell is quoted and none runs as a formula in a spreadsheet (`encode.for_csv_cell`): the rows come
    from a file anyone could have written."""
    buffer = io.StringIO(newline="")
    writer = csv_writer(buffer, lineterminator="\r\n")
    writer.writerow([for_csv_cell(cell) for cell in [*result.export.header, "reason"]])
    for reject in sorted([*result.unplaced, *result.rejects], key=lambda r: r.rows[0][0]):
        for _, row in reject.rows:
            writer.writerow([for_csv_cell(cell) for cell in [*row, reject.reason]])
    return buffer.getvalue()


OUTPUT_SUFFIXES = (".geojson", ".json")


def import_sipri(path: Path, output: Path, *, rejects: Path | None = None, taxonomy: Taxonomy | None = None,
                 countries: Countries | None = None, progress: Progress | None = None) -> ImportResult:
    """Read a SIPRI CSV export, map every deal, and write the dataset (and the rows that are not a
    route, when asked).

    Raises `UsageError` for an output whose name does not end in .geojson or .json (before anything
    is read), `RoutesError` for an unreadable file or an unknown layout, and when no deal could be
    placed (after writing the rows that are not a route). Files are written whole or not at all.
    """
    started = time.perf_counter()
    path, output = Path(path), Path(output)
    if output.suffix.lower() not in OUTPUT_SUFFIXES:
        raise UsageError(f"cannot write the dataset as {output.name!r}: import-sipri writes GeoJSON, so the file "
                         f"name must end in {' or '.join(OUTPUT_SUFFIXES)} (e.g. {output.stem or 'sipri'}.geojson)")
    rejects = Path(rejects) if rejects is not None else None
    refuse_input(output, [path])
    if rejects is not None:
        refuse_input(rejects, [path], option="--rejects")
        if same_file(output, rejects) or output.absolute() == rejects.absolute():
            raise RoutesError("--output and --rejects name the same file; choose two files", path=output)
    result = convert(read_export(path), taxonomy=taxonomy, countries=countries, progress=progress)
    if not result.routes:
        if rejects is not None:  # (the rows that are not a route are then the whole result: they say why)
            write_atomic(rejects, rejects_csv(result))
            result.rejects_path = rejects
        rows = result.rejected_rows + result.unplaced_rows
        raise RoutesError(f"no deal could be mapped ({rows} rows rejected"
                          + (f"; wrote them with their reasons to {rejects}" if rejects else
                             "; run again with --rejects FILE to see why") + "); no dataset was written", path=path)
    text = geojson_text(result.dataset, layout="lines")
    if rejects is not None:
        write_all_atomic([(output, text), (rejects, rejects_csv(result))])
        result.rejects_path = rejects
    else:
        write_atomic(output, text)
    result.output = output
    result.bytes_written = len(text.encode("utf-8"))
    result.seconds = time.perf_counter() - started
    return result


def describe(result: ImportResult) -> tuple[str, list[str]]:
    """The summary line of an import, and the lines counting by reason the deals that could not be
    placed (kept in the dataset) and the rows that were rejected (left out)."""
    size = f"{result.bytes_written / 2**20:.1f} MiB" if result.bytes_written >= 2**20 else \
        f"{result.bytes_written / 2**10:.0f} KiB"
    rows = len(result.export.rows)
    read = f"{rows} deals" if result.export.layout is TRADE_REGISTER else f"{rows} rows ({result.deals} deals)"
    unplaced = f" and {plural(len(result.unplaced), 'unplaced deal')}" if result.unplaced else ""
    summary = (f"wrote {result.output}: {result.routes} routes{unplaced} from {read} "
               f"({result.export.layout.name} layout, {result.export.encoding}; "
               f"{result.own_weapons} weapon systems and {len(result.dataset['places'])} places of its own; "
               f"{size} in {result.seconds:.1f} s)")
    lines: list[str] = []
    where = f"written to {result.rejects_path}" if result.rejects_path else \
        "--rejects FILE writes them with their reasons"
    for rejects, counts, head in (
            (result.unplaced, result.unplaced_counts(),
             f"could not place {result.unplaced_rows} of {rows} rows on the map (kept in the dataset's "
             f"unplaced deals, which maps and reports table; {where}):"),
            (result.rejects, result.reject_counts(), f"rejected {result.rejected_rows} of {rows} rows ({where}):")):
        if rejects:
            width = len(str(counts[0][1]))
            lines += [head, *(f"  {count:>{width}}  {reason}" for reason, count in counts)]
    return summary, lines

"""Canonical formatting of dataset and gazetteer files, so that diffs show only what changed.

The canonical form:
- known keys in the documented order (the data model's), then unknown keys in their original order;
- features, lists and source ids never reordered;
- coordinates of routes and places rounded to `PRECISION` decimals (0.0001° ≈ 11 m);
- 2-space indentation, one feature per block; a line's coordinates on one line, short lists and
  objects of plain values on one line when they fit in `WIDTH` columns;
- UTF-8 without escapes, LF line ends, a trailing newline.

Formatting is idempotent, and keeps every value, unknown properties and foreign members included.
Where JSON allows one value to be written several ways, the canonical form picks one: a whole number
where the data model has one (a year 2000.0 is written 2000), and an unpaired surrogate as the
escape it was written as (`"\\ud800"`), since UTF-8 cannot hold it. A number with more digits than a
double holds is written as the double reads it; `read_for_edit` notes each one, so that commands say so.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from . import geometry, model
from . import paths as data_paths
from .dataset import edit_lock, file_digest, write_atomic
from .errors import DataFileError, UsageError
from .gazetteer import Gazetteer, Place
from .jsonfile import line_at, parse_strict, read_text, rounding_text
from .schema import validator
from .text import plural
from .validate import as_whole_numbers

PRECISION = geometry.PRECISION
WIDTH = 100

COLLECTION_HEAD = ("type", "name")
COLLECTION_TAIL = ("sources", "weapons", "places", "features", "unplaced")
FEATURE_KEYS = ("type", "id", "properties", "geometry")
ROUTE_KEYS = ("name", "kind", "waypoints", "legs", "weapons", "supplier", "recipient", "intermediaries", "period",
              "status", "outcome", "interdicted", "intended_waypoints", "evidence", "notes")
PLACE_KEYS = ("name", "aliases", "country", "kind", "precision", "within")
WAYPOINT_KEYS = model.WAYPOINT_KEYS
LEG_KEYS = ("mode", "path", "status", "note", "geometry", "passages")
EVIDENCE_KEYS = ("source", "relays", "claim", "quote", "stance", "credibility", "legs", "weapons", "said_by", "dispute",
                 "note")
PERIOD_KEYS = ("start", "end")
BOUND_KEYS = ("year", "approximate", "note")
INTERDICTED_KEYS = ("place", "stand_in", "stands_for", "precision", "date", "note")
SOURCE_KEYS = ("title", "author", "publisher", "published", "url", "kind", "reliability", "derived_from", "note")
WEAPON_KEYS = ("id", "name", "aliases", "category", "family", "description")
GEOMETRY_KEYS = ("type", "coordinates")
# a deal that has no place (import-sipri's `unplaced` list)
UNPLACED_KEYS = ("id", "supplier", "recipient", "weapons", "period", "reason", "source", "sipri")


def _ordered(obj: dict, head: tuple[str, ...], tail: tuple[str, ...] = ()) -> dict:
    """`head` keys first, unknown keys in their original order, then `tail` keys."""
    known = set(head) | set(tail)
    out = {k: obj[k] for k in head if k in obj}
    out.update((k, v) for k, v in obj.items() if k not in known)
    out.update((k, obj[k]) for k in tail if k in obj)
    return out


def round_coordinates(value):
    """Coordinates rounded to `PRECISION` decimals, at any depth; whole numbers and non-numbers untouched."""
    if isinstance(value, list):
        return [round_coordinates(v) for v in value]
    if isinstance(value, float):
        value = round(value, PRECISION)
        return 0.0 if value == 0 else value
    return value


def _geometry(geom):
    if not isinstance(geom, dict):
        return geom
    out = _ordered(geom, GEOMETRY_KEYS)
    if "coordinates" in out:
        out["coordinates"] = round_coordinates(out["coordinates"])
    return out


def _map_list(items, fn):
    return [fn(i) for i in items] if isinstance(items, list) else items


def _keys(head):
    return lambda obj: _ordered(obj, head) if isinstance(obj, dict) else obj


def _route_properties(props):
    if not isinstance(props, dict):
        return props
    out = _ordered(props, ROUTE_KEYS)
    for key, fn in (("waypoints", _keys(WAYPOINT_KEYS)), ("intended_waypoints", _keys(WAYPOINT_KEYS)),
                    ("legs", _keys(LEG_KEYS)), ("evidence", _keys(EVIDENCE_KEYS))):
        if key in out:
            out[key] = _map_list(out[key], fn)
    for key, head in (("period", PERIOD_KEYS), ("interdicted", INTERDICTED_KEYS)):
        if isinstance(out.get(key), dict):
            out[key] = _ordered(out[key], head)
    if isinstance(out.get("period"), dict):
        out["period"] = {k: _ordered(v, BOUND_KEYS) if k in PERIOD_KEYS and isinstance(v, dict) else v
                         for k, v in out["period"].items()}
    as_whole_numbers(out)  # (on the copies made above: the document itself is not changed)
    return out


def _feature(feature):
    if not isinstance(feature, dict):
        return feature
    out = _ordered(feature, FEATURE_KEYS)
    is_place = isinstance(out.get("geometry"), dict) and out["geometry"].get("type") == "Point"
    if isinstance(out.get("properties"), dict):
        out["properties"] = _ordered(out["properties"], PLACE_KEYS) if is_place else _route_properties(out["properties"])
    if "geometry" in out:
        out["geometry"] = _geometry(out["geometry"])
    return out


def canonical(doc):
    """The document with known keys in canonical order and coordinates rounded; everything else as it was."""
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        return doc
    out = _ordered(doc, COLLECTION_HEAD, COLLECTION_TAIL)
    if isinstance(out.get("sources"), dict):
        out["sources"] = {k: _ordered(v, SOURCE_KEYS) if isinstance(v, dict) else v for k, v in out["sources"].items()}
    for key, fn in (("weapons", _keys(WEAPON_KEYS)), ("places", _feature), ("features", _feature),
                    ("unplaced", _unplaced)):
        if key in out:
            out[key] = _map_list(out[key], fn)
    return out


def _unplaced(deal):
    if not isinstance(deal, dict):
        return deal
    out = _ordered(deal, UNPLACED_KEYS)
    if isinstance(out.get("period"), dict):
        out["period"] = {k: _ordered(v, BOUND_KEYS) if k in PERIOD_KEYS and isinstance(v, dict) else v
                         for k, v in _ordered(out["period"], PERIOD_KEYS).items()}
    return out


# -- layout -------------------------------------------------------------------------------------------
def _scalar(value) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _compact(value) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))


def _depth(value) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _layout(value, indent: int, prefix_len: int, key: str | None = None) -> str:
    """`value` laid out at `indent`, where `prefix_len` characters (indent and key) precede it on its line."""
    if not isinstance(value, (dict, list)) or not value:
        return _compact(value)
    pad, inner = " " * indent, " " * (indent + 2)
    if key == "coordinates" and isinstance(value, list):
        if _depth(value) <= 2:
            return _compact(value)
        items = [inner + _layout(v, indent + 2, indent + 2, "coordinates") for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    compact = _compact(value)
    if _depth(value) <= 2 and prefix_len + len(compact) + 1 <= WIDTH:
        return compact
    if isinstance(value, list):
        items = [inner + _layout(v, indent + 2, indent + 2) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    items = []
    for k, v in value.items():
        head = f"{inner}{_scalar(k)}: "
        items.append(head + _layout(v, indent + 2, len(head), k))
    return "{\n" + ",\n".join(items) + "\n" + pad + "}"


# -- the one GeoJSON writer -------------------------------------------------------------------------------
LAYOUTS = ("canonical", "lines")
_LINE_MEMBERS = ("features", "places", "weapons", "unplaced")  # lists written one item per line in the "lines" layout


def geojson_text(doc, layout: str = "canonical") -> str:
    """The one GeoJSON writer: the text of every dataset (or gazetteer) the tool writes, ending with a newline.

    Every layout writes UTF-8 text as it is (no \\u escapes but for an unpaired surrogate, which no file
    can hold otherwise), never NaN or Infinity (which are not JSON), and the collection's members in
    order. The layouts differ only in where lines break:

    - "canonical" (`fmt`, `add`, `add-source`, `add-place`): the document in `canonical` form (known keys
      in order, coordinates rounded), each value on one line when it fits in WIDTH characters, else laid
      out over several, so that a diff of a file people edit shows what changed;
    - "lines" (`export -o x.geojson`, `import-sipri`): the document as it is, its members indented and
      each feature, place, weapon system and unplaced deal on one line: for files of thousands of
      routes, which this writes about ten times faster and a quarter smaller than the canonical layout.
    """
    if layout == "canonical":
        text = _layout(canonical(doc), 0, 0) + "\n"
    elif layout == "lines":
        text = _lines(doc)
    else:
        raise ValueError(f"unknown layout {layout!r}; use one of {', '.join(LAYOUTS)}")
    return _SURROGATE.sub(_escaped, text) if _SURROGATE.search(text) else text


def _lines(doc) -> str:
    if not isinstance(doc, dict):
        return _scalar(doc) + "\n"
    members = []
    for key, value in doc.items():
        if key in _LINE_MEMBERS and isinstance(value, list) and value:
            items = ",\n".join("    " + json.dumps(item, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
                               for item in value)
            members.append(f"  {_scalar(key)}: [\n{items}\n  ]")
        else:
            text = json.dumps(value, ensure_ascii=False, allow_nan=False, indent=2).replace("\n", "\n  ")
            members.append(f"  {_scalar(key)}: {text}")
    return "{\n" + ",\n".join(members) + "\n}\n" if members else "{}\n"


def dumps(doc) -> str:
    """The canonical text of a document (a dataset or a gazetteer): `geojson_text` in its canonical layout."""
    return geojson_text(doc)


_SURROGATE = re.compile("[\ud800-\udfff]")  # (only an unpaired one can be in a str decoded from JSON)


def _escaped(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04x}"


# -- files -----------------------------------------------------------------------------------------------
@dataclass
class FormatResult:
    """What formatting one file did (or, with check, would do)."""

    path: Path
    changed: bool
    built: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class ForEdit(NamedTuple):
    """A file read to be rewritten: its document, the digest of its bytes as read, its text, and
    the numbers a double rounds (`jsonfile.Parsed.rounded`)."""

    doc: object
    digest: str | None
    text: str
    rounded: list[tuple[str, str]]


def read_for_edit(path: Path) -> ForEdit:
    """Parse a file that is about to be rewritten (see `ForEdit`).

    The digest is taken first, so a change made while the file is read is noticed when it is written.
    Refuses a file in which an object repeats a key, since rewriting it would drop one of the values.
    """
    path = Path(path)
    digest = file_digest(path)
    text = read_text(path)
    doc, repeated, _, rounded = parse_strict(text, path)
    if repeated:
        raise DataFileError("an object repeats a key, and rewriting the file would drop one of the values; "
                            f"remove the repeat first (`arms-routes validate {path}` shows where)", path=path)
    return ForEdit(doc, digest, text, rounded)


def rounded_note(opened: ForEdit) -> list[str]:
    """A note for the numbers that rewriting the file writes rounded, naming the first; [] when there are none."""
    if not opened.rounded:
        return []
    written, double = opened.rounded[0]
    at = opened.text.find(written)
    more = len(opened.rounded) - 1
    return [f"line {line_at(opened.text, at)}: {rounding_text(written, double)}, and the file now says {double}"
            + (f"; {plural(more, 'more number')} likewise (`arms-routes validate` lists them)"
               if more else "")]


def document_places(doc: object, base: Gazetteer | None = None) -> Gazetteer:
    """The bundled gazetteer extended with the valid places a document carries in its `places` member."""
    places = (base or Gazetteer.load()).copy()
    extra = doc.get("places") if isinstance(doc, dict) else None
    if isinstance(extra, list):
        check = validator("place")
        places.extend(Place.from_feature(f) for f in extra if check.is_valid(f))
    return places


def rebuild_geometry(doc: dict, places: Gazetteer, *, force: bool = False) -> FormatResult:
    """Build the geometry of every route made by arms-routes or left null (all routes with `force`), in place."""
    result = FormatResult(Path(), False)
    features = doc.get("features") if isinstance(doc, dict) else None
    for feature in features if isinstance(features, list) else []:
        if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
            continue
        route_id = str(feature.get("id"))
        if not force and not geometry.is_built(feature):
            result.kept.append(route_id)
            continue
        built = geometry.build_route(feature, places)
        feature["properties"]["legs"] = built.legs
        feature["geometry"] = built.geometry
        result.built.append(route_id)
        result.notes.extend(f"{route_id}: {note}" for note in built.notes)
    return result


def format_file(path: Path, *, check: bool = False, rebuild: bool = False, force: bool = False) -> FormatResult:
    """Format one file in place (or only report, with `check`); `rebuild` also builds route geometry.

    A file that is not JSON raises `DataFileError`; a file that changed on disk meanwhile is not overwritten.
    """
    if check and rebuild:
        raise UsageError("--check cannot be combined with --rebuild-geometry")
    path = Path(path)
    if check:
        return _format_file(path, check=True, rebuild=False, force=False)
    with edit_lock(path):  # (from reading to renaming: another writer of the file waits its turn)
        return _format_file(path, check=False, rebuild=rebuild, force=force)


def _format_file(path: Path, *, check: bool, rebuild: bool, force: bool) -> FormatResult:
    opened = read_for_edit(path)
    doc, digest = opened.doc, opened.digest
    result = FormatResult(path, False)
    if rebuild:
        if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
            raise DataFileError("is not a GeoJSON FeatureCollection; cannot build route geometry", path=path)
        result = rebuild_geometry(doc, document_places(doc), force=force)
        result.path = path
    text = geojson_text(doc)
    result.changed = hashlib.sha256(text.encode("utf-8")).hexdigest() != digest
    if result.changed and not check:
        write_atomic(path, text, expected_digest=digest)
        result.notes.extend(rounded_note(opened))
    return result


def format_files(paths: list[Path] | None = None, *, check: bool = False, rebuild: bool = False,
                 force: bool = False) -> list[FormatResult]:
    """Format several files (the bundled dataset when none is given); see `format_file`."""
    if force and not rebuild:
        raise UsageError("--force only applies with --rebuild-geometry")
    files = [Path(p) for p in paths] if paths else [data_paths.bundled_dataset()]
    return [format_file(p, check=check, rebuild=rebuild, force=force) for p in files]


def describe(result: FormatResult) -> list[str]:
    """What formatting did to a file, as lines for a person."""
    lines = [f"formatted {result.path}" if result.changed else f"{result.path} was already formatted"]
    if result.built:
        lines.append(f"{result.path}: built the geometry of {plural(len(result.built), 'route')}")
    if result.kept:
        lines.append(f"{result.path}: kept the hand-drawn geometry of {', '.join(result.kept)} "
                     "(--force replaces it)")
    lines.extend(f"note: {note}" for note in result.notes)
    return lines

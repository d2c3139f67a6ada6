"""Validation of a dataset: syntax, GeoJSON structure, the schema, references, geometry, evidence.

Every problem is reported in one pass as `PATH:LINE: ROUTE-ID: FIELD: message`, with a fix where
there is one. Warnings are reported too but do not make a file invalid.

Validation takes time in proportion to the file, whatever the file holds: "did you mean" is worked
out for the first `MAX_SUGGESTIONS` unknown names only (each costs a pass over every known name),
and the `derived_from` graph of the sources is walked once (`lineage_roots`), not once per edge.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from itertools import chain, combinations
from operator import itemgetter
from pathlib import Path

from . import cache, model, schema
from .errors import DataFileError, UsageError
from .gazetteer import Gazetteer, Place
from .jsonfile import Locator, decode, line_at, parse_strict, read_bytes, rounding_text
from .names import closest, normalise
from .text import is_slug, plural
from .weapons import Taxonomy

ENDPOINT_TOLERANCE_DEG = 0.1
# Precisions from the finest; "water" is of another kind and compares with none of them.
_PRECISION_RANK = {"site": 0, "area": 1, "admin1": 2, "country": 3, "region": 4}
MAX_SUGGESTIONS = 20  # unknown names that get a "did you mean"; the rest only the way to list the known ones
MAX_ID_LENGTH = 200  # as the schema's slug
# A route is the path of one transfer: a few places, not thousands. (Each leg is drawn as a great circle
# of many vertices, so a route of 200,000 waypoints, 2 MB of text, would take gigabytes to draw.)
MAX_WAYPOINTS = 1000
COLLECTION = "-"


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    route_id: str
    field: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        level = "warning: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}: {self.route_id}: {self.field}: {level}{self.message}"


@dataclass
class Report:
    path: Path
    problems: list[Problem] = field(default_factory=list)
    routes: int = 0
    unplaced: int = 0  # deals in the file's `unplaced` list

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_file(path: Path, *, weapons: Taxonomy | None = None, places: Gazetteer | None = None,
                  remember: bool = True) -> Report:
    """Check one dataset file and report every problem in it.

    Against the bundled weapon systems and places unless others are given; a file that passes is
    recorded as valid against them (see `routes.cache`) unless `remember` is false.
    """
    path = Path(path)
    try:
        raw = read_bytes(path)
        text = decode(raw, path)
        doc, repeated, quick_exact, rounded = parse_strict(text, path, raw[3:] if raw[:3] == b"\xef\xbb\xbf" else raw)
    except DataFileError as exc:
        return Report(path, [Problem(path, exc.line or 1, COLLECTION, "file", exc.message)])
    weapons, places = weapons or Taxonomy.load(), places or Gazetteer.load()
    checker = _Checker(path, text, weapons, places)
    checker.check(doc, repeated)
    checker.check_rounded(rounded)
    report = Report(path, checker.sorted_problems(), checker.route_count, checker.unplaced_count)
    if report.ok and quick_exact and remember:  # commands that load this file need not check it again
        cache.remember_valid(cache.key(raw, weapons, places))
    return report


def validate_document(
    doc: object, path: Path, *, text: str | None = None, weapons: Taxonomy, places: Gazetteer,
    warnings: bool = True, repeated_keys: bool = False,
) -> Report:
    """Check a parsed document (data being loaded, or built in memory before it is written).

    `warnings=False` reports errors only, which is quicker for commands that only need to know the
    data is sound. `repeated_keys` says that parsing `text` found an object repeating a key (see
    `jsonfile.parse`), which is reported as an error with its line.
    """
    checker = _Checker(Path(path), text, weapons, places, warnings=warnings)
    checker.check(doc, repeated_keys)
    return Report(Path(path), checker.sorted_problems(), checker.route_count, checker.unplaced_count)


def _field(parts) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            part = str(part) if len(str(part)) <= 80 else str(part)[:79] + "…"  # (a key may be a megabyte long)
            out += f".{part}" if out else part
    return out or "feature"


def _route_field(parts) -> list:
    """A field path inside a route as users name it: `status`, not `properties.status`."""
    parts = list(parts)
    return parts[1:] if len(parts) > 1 and parts[0] == "properties" else parts


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_EXAMPLES = {
    "name": '"name": "North Korea → Iran → Syria"',
    "waypoints": '"waypoints": ["nampo", "bandar-abbas"] (place ids; `arms-routes places QUERY` finds them)',
    "weapons": '"weapons": ["f-7"] (ids from `arms-routes weapons`; [] for training or payment)',
    "supplier": '"supplier": "North Korea"',
    "recipient": '"recipient": "Hamas"',
    "period": '"period": {"start": 2014, "end": null}',
    "status": '"status": "alleged" (or reported, corroborated, confirmed)',
    "evidence": '"evidence": [{"source": "SOURCE-ID", "claim": "...", "stance": "supports", "credibility": 3}]',
    "source": '"source": "SOURCE-ID" (a key of the collection\'s "sources")',
    "claim": '"claim": "what the source says, in your own words"',
    "stance": '"stance": "supports" (or "disputes")',
    "credibility": '"credibility": 3 (Admiralty 1-6)',
    "geometry": '"geometry": null (then run `arms-routes fmt --rebuild-geometry FILE`)',
    "properties": '"properties": {...} (see the README, "Add a route by hand")',
    "id": '"id": "prk-irn-syr" (lower-case letters, digits and hyphens)',
    "type": '"type": "Feature"',
    "mode": '"mode": "unknown" (or sea, land, air, rail)',
    "title": '"title": "..."',
    "kind": '"kind": "news" (or analysis, official, court, un_report, dataset, other)',
    "reliability": '"reliability": "F" (Admiralty A-F; F when it cannot be judged)',
    "features": '"features": []',
    "place": '"place": "PLACE-ID"',
    "country": '"country": "IRN"',
    "category": '"category": "anti-tank"',
}

_PATTERNS = {
    "slug": "use lower-case letters, digits and single hyphens, e.g. 'prk-irn-syr'",
    "https?": "only http:// and https:// addresses are allowed as a source url; use null when there is none",
    "[0-9]{4}": "use a date as YYYY, YYYY-MM or YYYY-MM-DD, or null when unknown",
    "[A-Z]{3}": "use an ISO 3166-1 alpha-3 code such as 'IRN'",
}


_TYPE_NAMES = {"integer": "a whole number", "number": "a number", "string": "a string", "array": "a list",
               "object": "an object", "null": "null", "boolean": "true or false"}
# Hints for the values that take one of several forms, found by the members the forms mention.
_ONE_OF_HINTS = (
    (("approximate",), '; write a year as 2014, an unknown one as null, an approximate one as '
                       '{"year": 2014, "approximate": true}'),
    (("stands_for",), '; write a place id ("nampo"), or an object such as {"place": "nampo", "stand_in": true, '
                      '"stands_for": "North Korea"}'),
)


def _type_names(branch: dict) -> list[str]:
    """The JSON types a schema branch accepts, in words (following a local $ref)."""
    ref = branch.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        from . import schema as _schema

        branch = _schema.schema()["$defs"].get(ref.rsplit("/", 1)[-1], {})
    kinds = branch.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds] if kinds else []
    return [_TYPE_NAMES.get(k, k) for k in kinds]


def _mentions(branches: list, key: str) -> bool:
    return any(key in ((b.get("properties") or {}) if isinstance(b, dict) else {}) for b in branches)


def _meant_branch(error) -> list | None:
    """For a oneOf/anyOf error, the errors of the one branch the value was meant for (its own JSON type
    and its "type" member both match); None when there is no such single branch."""
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        return None
    branches: dict[int, list] = {}
    for sub in error.context:
        branches.setdefault(sub.schema_path[0], []).append(sub)
    meant = [errs for errs in branches.values()
             if not any(e.validator == "type" and not e.relative_path for e in errs)
             and not any(e.validator == "const" and list(e.relative_path) == ["type"] for e in errs)]
    return meant[0] if len(meant) == 1 else None


def _each_error(errors):
    """Every schema error, a value that takes one of several forms (a waypoint object, a period bound)
    giving each error of the form it was meant to take: every problem in one pass."""
    for error in errors:
        meant = _meant_branch(error)
        if meant is None:
            yield error
        else:
            yield from _each_error(meant)


def _schema_message(error) -> tuple[list, str]:
    """The field path and a plain-words message for one jsonschema error."""
    from jsonschema.exceptions import best_match

    if error.validator in ("oneOf", "anyOf") and error.context:
        meant = _meant_branch(error)
        if meant is not None:
            error = best_match(meant)
        else:
            kinds = []
            for branch in error.validator_value:
                const = ((branch.get("properties") or {}).get("type") or {}).get("const")
                kinds.append(const or branch.get("type") or branch.get("$ref", "").rsplit("/", 1)[-1])
            if not any(isinstance(k, str) and k.startswith(("Line", "Multi")) for k in kinds):
                names = []
                for branch in error.validator_value:
                    names += _type_names(branch)
                hint = next((h for keys, h in _ONE_OF_HINTS if all(_mentions(error.validator_value, k) for k in keys)), "")
                return list(error.absolute_path), (f"must be {' or '.join(dict.fromkeys(names))}, not "
                                                   f"{_json_type(error.instance)} ({_short(error.instance)}){hint}")
            got = error.instance.get("type") if isinstance(error.instance, dict) else _json_type(error.instance)
            return list(error.absolute_path), f"must be one of: {', '.join(map(str, kinds))} (got {_short(got)})"
    parts = list(error.absolute_path)
    value = error.instance
    kind = error.validator
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        example = _EXAMPLES.get(missing)
        return parts + [missing], "is missing" + (f"; add {example}" if example else "")
    if kind == "enum":
        choices = ", ".join(str(c) for c in error.validator_value if c is not None)
        return parts, f"{_short(value)} is not allowed; use one of: {choices}"
    if kind == "const":
        return parts, f"must be {error.validator_value!r}, not {_short(value)}"
    if kind == "type":
        names = {"integer": "a whole number", "number": "a number", "string": "a string", "array": "a list",
                 "object": "an object", "null": "null", "boolean": "true or false"}
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        wanted = " or ".join(names.get(w, w) for w in wanted)
        return parts, f"must be {wanted}, not {_json_type(value)} ({_short(value)})"
    if kind == "pattern":
        hint = next((h for key, h in _PATTERNS.items() if key in error.validator_value), "see the data model")
        if "[a-z0-9]" in error.validator_value:
            hint = _PATTERNS["slug"]
        return parts, f"{_short(value)} is not allowed: {hint}"
    if kind in ("minimum", "maximum"):
        return parts, f"{_short(value)} is out of range ({error.message.split(' is ', 1)[-1]})"
    if kind == "minItems":
        return parts, f"needs at least {plural(error.validator_value, 'item')}"
    if kind == "maxItems":
        return parts, f"has more than {error.validator_value} items"
    if kind in ("minLength",):
        return parts, "must not be empty"
    if kind == "maxLength":
        return parts, f"is longer than {error.validator_value} characters"
    return parts, error.message


class _Checker:
    def __init__(self, path: Path, text: str | None, weapons: Taxonomy, places: Gazetteer, *,
                 warnings: bool = True) -> None:
        self.with_warnings = warnings
        self.path = path
        self.text = text
        self.weapons = weapons
        self.places = places
        self.problems: list[Problem] = []
        self._locator: Locator | None = None
        self.route_count = 0
        self.unplaced_count = 0
        self.sources: dict = {}
        self.roots: dict[str, frozenset] = {}  # each source's lineage roots (see `lineage_roots`)
        self._hints: dict[tuple, str] = {}  # the "did you mean" of each unknown name, worked out once
        self._source_names: dict[str, str] | None = None
        self._suggested: dict[str, int] = {}  # how many names of each kind got a "did you mean"

    # -- reporting -------------------------------------------------------------------------
    def _line(self, json_path: tuple) -> int:
        if self.text is None:
            return 1
        if self._locator is None:
            self._locator = Locator(self.text)
        return self._locator.line(json_path)

    def add(self, json_path: tuple, route_id: str, field_parts, message: str, severity: str = "error") -> None:
        self.problems.append(
            Problem(self.path, self._line(json_path), route_id, _field(field_parts), message, severity)
        )

    def warn(self, json_path: tuple, route_id: str, field_parts, message: str) -> None:
        if self.with_warnings:
            self.add(json_path, route_id, field_parts, message, "warning")

    def sorted_problems(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: (p.line, p.severity != "error"))

    # -- the whole document ----------------------------------------------------------------
    def check(self, doc: object, repeated_keys: bool) -> None:
        if repeated_keys and self.text is not None:
            located = Locator(self.text, full=True).repeated_keys
            if not located:  # (the locator steps over coordinates; the parser saw a repeat all the same)
                self.problems.append(Problem(self.path, 1, COLLECTION, "file",
                                             "an object repeats a key; JSON keeps only the last value, so the "
                                             "first would be lost. Find the repeat and remove one"))
            for obj_path, key, line in located:
                route_id = self._route_id_at(doc, obj_path)
                self.problems.append(Problem(
                    self.path, line, route_id,
                    _field(_route_field(list(obj_path[2:]) + [key]) if obj_path[:1] == ("features",) else list(obj_path) + [key]),
                    f"key {key!r} appears twice in one object; JSON keeps only the last value, so the first would be lost. Remove one",
                ))
        if isinstance(doc, list):
            self.add((), COLLECTION, ["file"], "is a JSON list; a dataset is a GeoJSON FeatureCollection object "
                     '{"type": "FeatureCollection", "features": [...]}')
            return
        if not isinstance(doc, dict):
            self.add((), COLLECTION, ["file"], f"is a single JSON {_json_type(doc).split()[-1]}; a dataset is a "
                     "GeoJSON FeatureCollection object")
            return
        if doc.get("type") == "Feature":
            self.add(("type",), COLLECTION, ["type"], "is a single Feature; wrap it in "
                     '{"type": "FeatureCollection", "features": [ ... ]}')
            return
        self._check_collection(doc)
        if self.text is None or _SURROGATE_ESCAPE.search(self.text) or (
                self.with_warnings and (_SUSPECT_TEXT.search(self.text) or "\\u" in self.text)):
            self._check_text(doc)
        self._check_sources(doc)
        self._extend_from_document(doc)
        features = doc.get("features")
        if not isinstance(features, list):
            return
        self.route_count = len(features)
        seen: dict[str, int] = {}
        cited: set[str] = set()
        for index, feature in enumerate(features):
            route_id = self._route_id(feature, index)
            base = ("features", index)
            if isinstance(feature, dict) and isinstance(feature.get("id"), str):
                if feature["id"] in seen:
                    self.add(base + ("id",), route_id, ["id"],
                             f"{feature['id']!r} is used by another route too (features[{seen[feature['id']]}]); "
                             "route ids must be unique")
                else:
                    seen[feature["id"]] = index
            geometry = feature.get("geometry", "missing") if isinstance(feature, dict) else "missing"
            plain = _plain_geometry(geometry)
            # a null or plain geometry is known good: spare the schema a slow walk of the coordinates
            trusted = ("geometry",) if plain or geometry is None else ()
            for error in _each_error(schema.errors("route", feature, trusted=trusted)):
                if error.validator == "maxItems" and list(error.absolute_path)[-1:] in (["waypoints"], ["intended_waypoints"]):
                    continue  # (said below, with what to do: `_check_route`)
                parts, message = _schema_message(error)
                self.add(base + tuple(parts), route_id, _route_field(parts) or ["feature"], message)
            if isinstance(feature, dict):
                self._check_route(feature, base, route_id, cited, plain)
        self._check_unplaced(doc, seen, cited)
        repeated = {parent for source in self.sources.values() if isinstance(source, dict)
                    and isinstance(source.get("derived_from"), list) for parent in source["derived_from"]
                    if isinstance(parent, str)}
        for source_id in self.sources:
            if source_id not in cited and source_id not in repeated and isinstance(self.sources[source_id], dict):
                self.warn(("sources", source_id), COLLECTION, ["sources", source_id], "no route cites this source")

    def _check_text(self, doc: dict) -> None:
        """Every text and key of the document, for what no reader could see or trust:
        - an unpaired UTF-16 surrogate ("\\ud800", an error): JSON lets one be written as an escape, but
          it is not a character, and no page, CSV or KML can hold it;
        - characters that cannot be seen or that reorder the text around them (a warning): a zero-width
          space, a bidirectional override; a text of nothing else reads as empty;
        - a word that mixes Latin letters with Cyrillic or Greek ones that look alike (a warning):
          "Hаmas" with a Cyrillic "а" is not found by a search for "Hamas"."""
        for json_path, text, is_key in _texts(doc):
            if text.isascii():
                continue
            in_route = json_path[:1] == ("features",)
            route_id = self._route_id_at(doc, json_path) if in_route else COLLECTION
            where = _route_field(json_path[2:]) if in_route else list(json_path)
            what = "key" if is_key else "text"
            surrogate = _surrogate_in(text)
            if surrogate:
                self.add(json_path, route_id, where,
                         f"holds an unpaired surrogate escape (\\u{ord(surrogate):04x}), which is not a character; "
                         "remove it, or write the character itself")
                continue
            if not self.with_warnings:
                continue
            hidden = _invisible(text)
            if hidden:
                names = ", ".join(dict.fromkeys(_character_name(c) for c in hidden))
                if not _INVISIBLE.sub("", text).strip():
                    self.warn(json_path, route_id, where, f"this {what} holds only invisible characters ({names}), "
                              "so it reads as empty; write the text itself")
                else:
                    self.warn(json_path, route_id, where,
                              f"this {what} holds characters a reader cannot see or that reorder the text around "
                              f"them ({names}): {_short(text)}; a name that looks the same without them is not "
                              "the same name. Remove them unless they are meant")
            for word in _mixed_script_words(text):
                foreign = [c for c in dict.fromkeys(word) if _CONFUSABLE.match(c)]
                scripts = " and ".join(dict.fromkeys(unicodedata.name(c, "?").split()[0].title() for c in foreign))
                letters = ", ".join(f"{c!r} {_character_name(c)}" for c in foreign[:3])
                self.warn(json_path, route_id, where,
                          f"the word {word!r} mixes Latin and {scripts} letters ({letters}), which look alike but "
                          "are not the same: a search or filter for the Latin spelling misses it. Retype the word "
                          "in one script")

    def check_rounded(self, rounded: list[tuple[str, str]]) -> None:
        """A warning for each number that has more digits than a double holds (`Parsed.rounded`): every
        command that rewrites the file writes it rounded."""
        if not self.with_warnings or not rounded or self.text is None:
            return
        at = 0
        for written, double in rounded:  # (in the order of the text, so the search goes on from the last)
            found = self.text.find(written, at)
            line = line_at(self.text, found) if found >= 0 else 1
            at = found + len(written) if found >= 0 else at
            self.problems.append(Problem(
                self.path, line, COLLECTION, "number",
                f"{rounding_text(written, double)}, so `arms-routes fmt` (and every command that rewrites the "
                f"file) writes {double}; write it so, or as text if every digit matters",
                "warning"))

    def _route_id(self, feature: object, index: int) -> str:
        if isinstance(feature, dict) and isinstance(feature.get("id"), str) and feature["id"]:
            return feature["id"][:80]
        return f"features[{index}]"

    def _route_id_at(self, doc: object, obj_path: tuple) -> str:
        if len(obj_path) >= 2 and obj_path[0] == "features" and isinstance(doc, dict):
            features = doc.get("features")
            if isinstance(features, list) and isinstance(obj_path[1], int) and obj_path[1] < len(features):
                return self._route_id(features[obj_path[1]], obj_path[1])
        return COLLECTION

    def _check_collection(self, doc: dict) -> None:
        # Routes, sources, weapon systems and places are checked one by one (each with its own path and
        # route id) by the checks below; here only the collection itself, so that nothing is reported twice.
        members = {k: v for k, v in doc.items() if k != "sources"}
        for key in ("features", "weapons", "places", "unplaced"):
            if isinstance(members.get(key), list):
                members[key] = []
        for error in schema.errors(None, members):
            parts, message = _schema_message(error)
            self.add(tuple(parts), COLLECTION, parts or ["file"], message)
        if "type" not in doc or "features" not in doc:
            return

    def _check_sources(self, doc: dict) -> None:
        sources = doc.get("sources", {})
        if "sources" not in doc:
            self.warn(("type",), COLLECTION, ["sources"], 'no "sources" member; every evidence item must cite a source '
                      'registered there, e.g. "sources": {"SOURCE-ID": {"title": ..., "kind": "news", "reliability": "F"}}')
        if not isinstance(sources, dict):
            self.add(("sources",), COLLECTION, ["sources"], f"must be an object of sources by id, not {_json_type(sources)}")
            return
        self.sources = sources
        self.roots, in_cycle = lineage_roots(sources)
        undated: list[str] = []
        for source_id, source in sources.items():
            base = ("sources", source_id)
            if len(source_id) > MAX_ID_LENGTH:
                self.add(base, COLLECTION, ["sources", source_id], f"is not a valid source id: it is "
                         f"{len(source_id)} characters long, and an id is at most {MAX_ID_LENGTH}")
            elif not is_slug(source_id):
                self.add(base, COLLECTION, ["sources", source_id], f"{_short(source_id)} is not a valid source id: "
                         + _PATTERNS["slug"])
            for error in schema.errors("source", source):
                parts, message = _schema_message(error)
                self.add(base + tuple(parts), COLLECTION, ["sources", source_id, *parts], message)
            if not isinstance(source, dict):
                continue
            derived = source.get("derived_from") or []
            if isinstance(derived, list):
                for i, parent in enumerate(derived):
                    if not isinstance(parent, str):
                        continue
                    if parent == source_id:
                        self.add(base + ("derived_from", i), COLLECTION, ["sources", source_id, "derived_from", i],
                                 "a source cannot derive from itself")
                    elif parent not in sources:
                        self.add(base + ("derived_from", i), COLLECTION, ["sources", source_id, "derived_from", i],
                                 f"unknown source {parent!r}" + self._did_you_mean(parent, sources))
                    elif (source_id, parent) in in_cycle:
                        self.add(base + ("derived_from", i), COLLECTION, ["sources", source_id, "derived_from", i],
                                 f"{parent!r} also derives from {source_id!r}; derived_from must not go round in a circle")
            if source.get("published", "missing") is None:
                undated.append(source_id)
            elif isinstance(source.get("published"), str):
                self._check_date(source["published"], base + ("published",), COLLECTION,
                                 ["sources", source_id, "published"])
        if undated:
            first = undated[0]
            which = "" if len(undated) == 1 else f"{len(undated)} sources have "
            whose = "" if len(undated) == 1 else f" ({', '.join(undated)})"
            self.warn(("sources", first, "published"), COLLECTION,
                      ["sources", first, "published"] if len(undated) == 1 else ["sources"],
                      f"{which}no publication date{whose}; readers cannot judge how recent the claims are (null is "
                      "right when the date is unknown: say why in the source's note)")

    def _extend_from_document(self, doc: dict) -> None:
        """The document's own weapon systems and places, added to the bundled ones for the checks of its
        routes: each id once in a file; one that redefines a bundled one, or that reads like one, warned of."""
        bundled_weapons, bundled_places = self.weapons, self.places
        extra_weapons = doc.get("weapons")
        if isinstance(extra_weapons, list):
            good, seen = [], {}
            for i, system in enumerate(extra_weapons):
                errors = schema.errors("weapon", system)
                for error in errors:
                    parts, message = _schema_message(error)
                    self.add(("weapons", i, *parts), COLLECTION, ["weapons", i, *parts], message)
                if errors:
                    continue
                if system["category"] in model.KINDS and system["category"] != "arms":
                    self.add(("weapons", i, "category"), COLLECTION, ["weapons", i, "category"],
                             f"{system['category']!r} names a kind of route (what moved), which maps draw in a colour "
                             "of its own; give the weapon category another name")
                    continue
                if self._unique_in_file(seen, system["id"], i, "weapons", "weapon system"):
                    good.append(system)
                known = bundled_weapons.get(system["id"])
                if known is not None and known != system:
                    self._warn_redefinition(("weapons", i), ["weapons", i], "weapon system", system["id"],
                                            Taxonomy.definition(system), Taxonomy.definition(known))
                alike = bundled_weapons.id_named(system["id"]) if known is None else None
                if alike is not None:
                    self.warn(("weapons", i, "id"), COLLECTION, ["weapons", i, "id"],
                              f"{system['id']!r} is written like the bundled weapon system {alike!r} "
                              f"({Taxonomy.definition(bundled_weapons.get(alike))}): --weapon finds this one only "
                              f"by its exact id, and any other spelling finds {alike!r}; give it an id of its own")
            self.weapons = self.weapons.copy().extend(good)
        extra_places = doc.get("places")
        if isinstance(extra_places, list):
            good_places, seen = [], {}
            for i, feature in enumerate(extra_places):
                errors = schema.errors("place", feature)
                for error in errors:
                    parts, message = _schema_message(error)
                    self.add(("places", i, *parts), COLLECTION, ["places", i, *parts], message)
                if errors:
                    continue
                place = Place.from_feature(feature)
                if self._unique_in_file(seen, place.id, i, "places", "place"):
                    good_places.append(place)
                known = bundled_places.get(place.id)
                if known is not None and known != place:
                    self._warn_redefinition(("places", i), ["places", i], "place", place.id, place.definition(),
                                            known.definition())
            self.places = self.places.copy().extend(good_places)
            for place_id, j, problem in self.places.within_problems(p.id for p in good_places):
                self.add(("places", seen[place_id], "properties", "within", j), COLLECTION,
                         ["places", seen[place_id], "properties", "within", j], problem)

    def _unique_in_file(self, seen: dict, item_id: str, index: int, member: str, what: str) -> bool:
        if item_id in seen:
            self.add((member, index, "id"), COLLECTION, [member, index, "id"],
                     f"{item_id!r} is also the id of {member}[{seen[item_id]}]; {what} ids must be unique, or the "
                     "second would silently replace the first. Remove one, or give it another id")
            return False
        seen[item_id] = index
        return True

    def _warn_redefinition(self, json_path, where, what: str, item_id: str, new: str, known: str) -> None:
        self.warn(json_path, COLLECTION, where,
                  f"redefines the bundled {what} {item_id!r} ({known}) as ({new}); this file's routes use its own "
                  "definition, and loading it with another file that uses the bundled one is refused. Give it "
                  "another id if it is another " + what)

    def _check_date(self, text: str, json_path: tuple, route_id: str, where) -> None:
        problem = date_problem(text)
        if problem:
            self.add(json_path, route_id, where, problem)

    def _did_you_mean(self, value: str, known) -> str:
        """"; did you mean 'a', 'b'?" for an unknown source id (known: the sources), within the budget."""
        if not self._suggest(("source", value)):
            return self._hints.get(("source", value), "")
        if self._source_names is None:
            self._source_names = {normalise(k): k for k in known}
        near = closest(value, self._source_names, n=3)
        hint = f"; did you mean {', '.join(repr(n) for n in near)}?" if near else ""
        self._hints[("source", value)] = hint
        return hint

    def _suggest(self, key: tuple) -> bool:
        """Whether to work out a "did you mean" for this unknown name: not once more for a name already
        answered, nor past the first `MAX_SUGGESTIONS` names (each costs a pass over every known name)."""
        if key in self._hints or self._suggested.get(key[0], 0) >= MAX_SUGGESTIONS:
            return False
        self._suggested[key[0]] = self._suggested.get(key[0], 0) + 1
        return True

    # -- the deals that have no place ------------------------------------------------------
    def _check_unplaced(self, doc: dict, route_ids: dict[str, int], cited: set[str]) -> None:
        """The `unplaced` deals (what import-sipri could not place): each as the schema has it, with an id
        no other deal or route has, a registered source of kind dataset, known weapon systems and a
        period in order. A problem names the deal's id and its field: `unplaced[3].source`."""
        deals = doc.get("unplaced")
        if not isinstance(deals, list):
            return  # (the collection's schema says what it must be)
        self.unplaced_count = len(deals)
        seen: dict[str, int] = {}
        for index, deal in enumerate(deals):
            base = ("unplaced", index)
            where = ["unplaced", index]
            deal_id = deal["id"][:80] if isinstance(deal, dict) and isinstance(deal.get("id"), str) and deal["id"] \
                else COLLECTION
            for error in _each_error(schema.errors("unplaced", deal)):
                parts, message = _schema_message(error)
                self.add(base + tuple(parts), deal_id, [*where, *parts], message)
            if not isinstance(deal, dict):
                continue
            if isinstance(deal.get("id"), str):
                if deal["id"] in seen:
                    self.add(base + ("id",), deal_id, [*where, "id"], f"{deal['id']!r} is also the id of "
                             f"unplaced[{seen[deal['id']]}]; the ids of unplaced deals must be unique")
                elif deal["id"] in route_ids:
                    self.add(base + ("id",), deal_id, [*where, "id"], f"{deal['id']!r} is also the id of a route "
                             f"(features[{route_ids[deal['id']]}]); a deal is either drawn as a route or unplaced, "
                             "not both: remove one")
                seen.setdefault(deal["id"], index)
            source_id = deal.get("source")
            if isinstance(source_id, str):
                cited.add(source_id)
                source = self.sources.get(source_id)
                if source is None:
                    self.add(base + ("source",), deal_id, [*where, "source"],
                             f"unknown source {source_id!r}{self._did_you_mean(source_id, self.sources)}; "
                             "register it under the collection's \"sources\"")
                elif isinstance(source, dict) and source.get("kind") != "dataset":
                    self.add(base + ("source",), deal_id, [*where, "source"],
                             f"{source_id!r} is a source of kind {source.get('kind')!r}, but unplaced deals are "
                             "records of a dataset source (kind \"dataset\", as import-sipri registers SIPRI): a "
                             "claim from another source is a route, with waypoints at the places it names")
            self._check_weapons(deal, base, deal_id, tuple(where))
            period = deal.get("period")
            if isinstance(period, dict):
                start, end = model.bound_year(period.get("start")), model.bound_year(period.get("end"))
                if start is not None and end is not None and start > end:
                    self.add(base + ("period",), deal_id, [*where, "period"],
                             f"starts in {start} but ends in {end}; swap them")

    # -- one route -------------------------------------------------------------------------
    def _check_route(self, feature: dict, base: tuple, route_id: str, cited: set[str], plain: bool = False) -> None:
        props = feature.get("properties")
        if not isinstance(props, dict):
            return
        pbase = base + ("properties",)
        waypoints = props.get("waypoints")
        waypoint_places: list[Place | None] = []
        for key in ("waypoints", "intended_waypoints"):
            if isinstance(props.get(key), list) and len(props[key]) > MAX_WAYPOINTS:
                self.add(pbase + (key,), route_id, [key], f"has {len(props[key]):,} waypoints; a route may have at "
                         f"most {MAX_WAYPOINTS:,} (a route is the path of one transfer: split a longer one into "
                         "several routes)")
                return
        if isinstance(waypoints, list):
            for i, waypoint in enumerate(waypoints):
                place = self._check_waypoint(waypoint, pbase + ("waypoints", i), route_id, ["waypoints", i])
                waypoint_places.append(place)
            legs = props.get("legs")
            if isinstance(legs, list) and len(waypoints) >= 2 and len(legs) != len(waypoints) - 1:
                self.add(pbase + ("legs",), route_id, ["legs"],
                         f"has {len(legs)} legs for {len(waypoints)} waypoints; give one leg per consecutive pair "
                         f"of waypoints ({len(waypoints) - 1})")
        self._check_weapons(props, pbase, route_id)
        for key in ("intended_waypoints",):
            if isinstance(props.get(key), list):
                for i, waypoint in enumerate(props[key]):
                    self._check_waypoint(waypoint, pbase + (key, i), route_id, [key, i])
        interdicted = props.get("interdicted")
        if isinstance(interdicted, dict) and isinstance(interdicted.get("place"), str):
            self._check_waypoint(interdicted, pbase + ("interdicted",), route_id, ["interdicted"])
        if isinstance(interdicted, dict) and isinstance(interdicted.get("date"), str):
            self._check_date(interdicted["date"], pbase + ("interdicted", "date"), route_id, ["interdicted", "date"])
        for json_suffix, value in whole_numbers_as_decimals(props):
            self.warn(pbase + json_suffix, route_id, list(json_suffix),
                      f"{value!r} is a whole number written as a decimal; write {int(value)} (every command reads "
                      f"it as {int(value)}, and `arms-routes fmt` writes it so)")
        period = props.get("period")
        if isinstance(period, dict):
            start, end = model.bound_year(period.get("start")), model.bound_year(period.get("end"))
            if start is not None and end is not None and start > end:
                self.add(pbase + ("period",), route_id, ["period"], f"starts in {start} but ends in {end}; swap them")
        self._check_legs(props, pbase, route_id)
        self._check_evidence(props, pbase, route_id, cited)
        self._check_geometry(feature, base, route_id, waypoint_places, plain)

    def _check_waypoint(self, waypoint, json_path, route_id, field_parts) -> Place | None:
        """A waypoint (a place id, or an object with `place`): its place, and what it says of the sources."""
        if not isinstance(waypoint, dict):
            return self._check_place(waypoint, json_path, route_id, field_parts)
        place = self._check_place(waypoint.get("place"), json_path + ("place",), route_id, [*field_parts, "place"])
        stand_in, stands_for = waypoint.get("stand_in"), waypoint.get("stands_for")
        if stand_in is True and stands_for is None:
            self.add(json_path, route_id, [*field_parts, "stands_for"],
                     'is missing: a stand-in must say what the sources name instead, e.g. "stands_for": "Iran"')
        if stand_in in (None, False) and isinstance(stands_for, str):  # (a stand_in of another type is its own error)
            self.add(json_path + ("stands_for",), route_id, [*field_parts, "stands_for"],
                     f'says this place stands for {stands_for!r}, but "stand_in" is not true; add "stand_in": true '
                     "(or remove stands_for)")
        if stand_in is True and waypoint.get("precision") == "site":
            self.add(json_path + ("precision",), route_id, [*field_parts, "precision"],
                     "'site' means the sources name this very place, so it cannot be a stand-in; give the precision of "
                     "what the sources name (area, admin1, country, region, water), or drop \"stand_in\"")
        precision = waypoint.get("precision")
        if place is not None and precision in _PRECISION_RANK and stand_in is not True:
            own = place.precision or model.default_precision(place.kind)
            # (a named place located coarsely, "the Bandar Abbas area", is fine; but a city or port that
            # means only its country or region is a stand-in, and must be labelled with what it stands for)
            if own in _PRECISION_RANK and precision in ("country", "region") and \
                    _PRECISION_RANK[precision] > _PRECISION_RANK[own]:
                point = getattr(self.places.country_place(place.country), "id", None)
                self.add(json_path + ("precision",), route_id, [*field_parts, "precision"],
                         f"{precision!r} says the sources name only the {precision}, so {place.id!r} ({place.name}) "
                         "only stands in for what they name: add \"stand_in\": true and \"stands_for\""
                         + (f", or use the country point {point!r}" if point and precision == "country" else ""))
            elif own in _PRECISION_RANK and _PRECISION_RANK[precision] < _PRECISION_RANK[own]:
                self.add(json_path + ("precision",), route_id, [*field_parts, "precision"],
                         f"{precision!r} is finer than the place itself ({place.id!r} locates {own!r}): a waypoint "
                         "cannot be more precise than the point it is drawn at; choose a place that is")
        return place

    def _check_legs(self, props: dict, pbase: tuple, route_id: str) -> None:
        """A leg's `path` against its mode and the evidence: documented needs an item on that leg."""
        legs = props.get("legs")
        if not isinstance(legs, list):
            return
        items = props.get("evidence") if isinstance(props.get("evidence"), list) else []
        on_leg = {leg for item in items if isinstance(item, dict) and item.get("stance") == "supports"
                  and isinstance(item.get("legs"), list) for leg in item["legs"] if isinstance(leg, int)}
        for i, leg in enumerate(legs):
            if not isinstance(leg, dict):
                continue
            path = leg.get("path")
            if path == "documented" and i not in on_leg:
                self.add(pbase + ("legs", i, "path"), route_id, ["legs", i, "path"],
                         f"'documented' needs a supporting evidence item on this leg; add {i} to the \"legs\" of the "
                         "item whose source describes the path, or use 'plausible' or 'schematic'")
            if path == "plausible" and leg.get("mode", "unknown") == "unknown":
                self.add(pbase + ("legs", i, "path"), route_id, ["legs", i, "path"],
                         "'plausible' needs a known mode (sea, land, air, rail), since the line is plausible only for "
                         "a mode; give the mode the sources report, or use 'schematic'")

    def _check_place(self, place_id, json_path, route_id, field_parts) -> Place | None:
        if not isinstance(place_id, str) or not place_id:
            return None
        place = self.places.get(place_id)
        if place is None:
            self.add(json_path, route_id, field_parts, f"unknown place {place_id!r}{self._place_hint(place_id)} "
                     "(`arms-routes places QUERY` lists place ids; `arms-routes add-place` adds one)")
        return place

    def _place_hint(self, place_id: str) -> str:
        key = ("place", place_id)
        if key in self._hints:
            return self._hints[key]
        ids = self.places.ids_named(place_id)
        if len(ids) == 1:
            hint = f"; the id of that place is {ids[0]!r}"
        elif ids:
            hint = f"; that name is the name of several places: {', '.join(ids)}"
        elif self._suggest(key):
            try:
                self.places.resolve(place_id)
                hint = ""
            except UsageError as exc:
                hint = f"; did you mean {', '.join(exc.suggestions)}?" if exc.suggestions else ""
        else:
            return ""
        self._hints[key] = hint
        return hint

    def _check_weapons(self, props: dict, pbase: tuple, route_id: str, where: tuple = ()) -> None:
        """The weapon systems of a route (or, `where` ("unplaced", 3) naming it, of an unplaced deal)."""
        weapons = props.get("weapons")
        if not isinstance(weapons, list):
            return
        for i, weapon_id in enumerate(weapons):
            if not isinstance(weapon_id, str) or weapon_id in self.weapons:
                continue
            key = ("weapon", weapon_id)
            hint = self._hints.get(key)
            if hint is None:
                suggest = self._suggest(key)
                try:
                    ids = self.weapons.resolve(weapon_id, suggest=suggest)
                    hint = f"; write the id {ids[0]!r} instead of a name or alias"
                except UsageError as exc:
                    hint = (f"; did you mean {', '.join(exc.suggestions)}?" if exc.suggestions else "") + \
                        " (`arms-routes weapons` lists ids; a dataset may add its own in a \"weapons\" member)"
                if suggest:
                    self._hints[key] = hint
            self.add(pbase + ("weapons", i), route_id, [*where, "weapons", i], f"unknown weapon system {weapon_id!r}{hint}")
        if not weapons and not where and (props.get("kind") or "arms") == "arms":
            self.warn(pbase + ("weapons",), route_id, ["weapons"],
                      "an arms route with no weapon system is never found by --weapon")

    def _check_evidence(self, props: dict, pbase: tuple, route_id: str, cited: set[str]) -> None:
        items = props.get("evidence")
        if not isinstance(items, list):
            return
        legs = props.get("legs")
        waypoints = props.get("waypoints")
        leg_count = len(legs) if isinstance(legs, list) else (len(waypoints) - 1 if isinstance(waypoints, list) else None)
        supporting: list[str] = []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            source_id = item.get("source")
            if isinstance(source_id, str):
                cited.add(source_id)
                if source_id not in self.sources:
                    self.add(pbase + ("evidence", i, "source"), route_id, ["evidence", i, "source"],
                             f"unknown source {source_id!r}{self._did_you_mean(source_id, self.sources)}; "
                             "register it under the collection's \"sources\" (or with `arms-routes add-source`)")
                elif item.get("stance") == "supports":
                    supporting.append(model.item_key(item))
            relays = item.get("relays")
            if isinstance(relays, list):
                for j, relayed in enumerate(relays):
                    if not isinstance(relayed, str):
                        continue
                    cited.add(relayed)
                    if relayed not in self.sources:
                        self.add(pbase + ("evidence", i, "relays", j), route_id, ["evidence", i, "relays", j],
                                 f"unknown source {relayed!r}{self._did_you_mean(relayed, self.sources)}; register "
                                 "the source the item repeats under the collection's \"sources\"")
                    elif relayed == source_id:
                        self.add(pbase + ("evidence", i, "relays", j), route_id, ["evidence", i, "relays", j],
                                 "is the item's own source; relays names the sources whose reporting the item repeats")
            item_weapons = item.get("weapons")
            route_weapons = props.get("weapons") if isinstance(props.get("weapons"), list) else []
            if isinstance(item_weapons, list):
                for j, weapon_id in enumerate(item_weapons):
                    if isinstance(weapon_id, str) and weapon_id not in route_weapons:
                        self.add(pbase + ("evidence", i, "weapons", j), route_id, ["evidence", i, "weapons", j],
                                 f"{weapon_id!r} is not one of the route's weapon systems "
                                 f"({', '.join(map(str, route_weapons)) or 'none'}); an item speaks only to the route's own")
            if "dispute" in item and item.get("stance") != "disputes":
                self.add(pbase + ("evidence", i, "dispute"), route_id, ["evidence", i, "dispute"],
                         'says how the item disputes the route, but its stance is not "disputes"; set "stance": '
                         '"disputes" or remove dispute')
            item_legs = item.get("legs")
            if isinstance(item_legs, list) and leg_count is not None:
                for j, leg in enumerate(item_legs):
                    if isinstance(leg, int) and not isinstance(leg, bool) and leg >= leg_count:
                        self.add(pbase + ("evidence", i, "legs", j), route_id, ["evidence", i, "legs", j],
                                 f"leg {leg} does not exist; this route has legs 0 to {leg_count - 1}")
            quote = item.get("quote")
            if self.with_warnings and isinstance(quote, str) and _sentences(quote) > 1:
                self.warn(pbase + ("evidence", i, "quote"), route_id, ["evidence", i, "quote"],
                          "a quote should be one sentence at most; put the rest in the claim, in your own words")
        if not any(isinstance(e, dict) and e.get("stance") == "supports" for e in items):
            self.add(pbase + ("evidence",), route_id, ["evidence"],
                     'has no supporting item; a route needs at least one item with "stance": "supports"')
        status = props.get("status")
        if status == "corroborated" and not self._two_independent(supporting):
            named = list(dict.fromkeys(model.key_sources(k)[0] for k in supporting))
            detail = f"the supporting sources ({', '.join(named)}) share their reporting" \
                if len(set(supporting)) > 1 else "there is only one supporting source"
            self.add(pbase + ("status",), route_id, ["status"],
                     f"'corroborated' needs two independent supporting sources, but {detail}; "
                     "add an independent source or lower the status to 'reported'")
        if status == "confirmed" and self.with_warnings:
            official = any((self.sources.get(s) or {}).get("kind") in model.OFFICIAL_KINDS
                           for key in supporting for s in model.key_sources(key))
            if not official and not any(isinstance(e, dict) and e.get("credibility") == 1 and e.get("stance") == "supports" for e in items):
                self.warn(pbase + ("status",), route_id, ["status"],
                          "'confirmed' without an official, court or UN source or an item of credibility 1")

    def _two_independent(self, supporting: list[str]) -> bool:
        """Whether two of these sources are independent: `len(model.independent_set(...)) >= 2`, found
        without working out the largest independent set (pairs of lineages; see `lineage_roots`)."""
        lineages = list(dict.fromkeys(self._key_roots(key) for key in dict.fromkeys(supporting) if key is not None))
        if len(lineages) < 2 or frozenset.intersection(*lineages):
            return False  # (one lineage, or a root every one shares: no two are independent)
        return any(a.isdisjoint(b) for a, b in combinations(lineages, 2))

    def _key_roots(self, key) -> frozenset:
        """The lineage roots of what an evidence item rests on (`model.item_key`: its source, and what it relays)."""
        found = [self.roots.get(s) or frozenset([s]) for s in model.key_sources(key)]
        return found[0] if len(found) == 1 else frozenset().union(*found)

    def _check_geometry(self, feature: dict, base: tuple, route_id: str, places: list, plain: bool = False) -> None:
        """The ends of the line against the first and last waypoint; `plain` when `_plain_geometry` holds."""
        geometry = feature.get("geometry", "missing")
        if geometry is None:
            self.warn(base + ("geometry",), route_id, ["geometry"],
                      "is null; maps draw great-circle legs between the waypoints until you run `arms-routes fmt --rebuild-geometry FILE`")
            return
        if not isinstance(geometry, dict):
            return
        coords = geometry.get("coordinates")
        lines = [coords] if geometry.get("type") == "LineString" else coords if geometry.get("type") == "MultiLineString" else None
        if not plain and not (isinstance(lines, list) and lines and isinstance(lines[0], list) and isinstance(lines[-1], list)
                and lines[0] and lines[-1] and _is_position(lines[0][0]) and _is_position(lines[-1][-1])):
            return  # the schema has reported what is wrong with the coordinates
        first_place, last_place = (places[0], places[-1]) if places else (None, None)
        for place, position, end in ((first_place, lines[0][0], "start"), (last_place, lines[-1][-1], "end")):
            if place is None:
                continue
            distance = math.hypot(position[0] - place.lon, position[1] - place.lat)
            if distance > ENDPOINT_TOLERANCE_DEG and abs(abs(position[0] - place.lon) - 360) > ENDPOINT_TOLERANCE_DEG:
                which = "first" if end == "start" else "last"
                self.add(base + ("geometry", "coordinates"), route_id, ["geometry"],
                         f"the line {end}s at [{position[0]:g}, {position[1]:g}] but its {which} waypoint "
                         f"{place.id!r} is at [{place.lon:g}, {place.lat:g}]; fix the coordinates ([lon, lat]) or set "
                         "geometry to null and run `arms-routes fmt --rebuild-geometry`")


def _plain_geometry(geometry: object) -> bool:
    """True when a geometry is certainly valid under the schema: a (Multi)LineString of in-range [lon, lat(, z)].

    A fast path for large files; anything else goes to the schema, which says exactly what is wrong.
    """
    if not isinstance(geometry, dict):
        return False
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "LineString":
        lines = [coordinates]
    elif kind == "MultiLineString" and isinstance(coordinates, list) and coordinates:
        lines = coordinates
    else:
        return False
    for line in lines:  # C-level passes over each line: a large file has millions of positions
        if line.__class__ is not list or len(line) < 2 or set(map(type, line)) != _LIST:
            return False
        if not set(map(len, line)) <= _POSITION_LENGTHS:
            return False
        values = list(chain.from_iterable(line))
        if not set(map(type, values)) <= _NUMBERS:
            return False
        if len(values) == 2 * len(line):
            lons, lats = values[0::2], values[1::2]
        else:
            lons, lats = list(map(itemgetter(0), line)), list(map(itemgetter(1), line))
        if min(lons) < -180 or max(lons) > 180 or min(lats) < -90 or max(lats) > 90:
            return False
    return True


_NUMBERS = {int, float}
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _texts(doc: object):
    """(path, text, whether it is a key) for each text and key in `doc`. Coordinates are not looked
    into: a text there is reported by the schema anyway."""
    stack = [(doc, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            yield path, value, False
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str):
                    yield path + (key,), key, True
                if key != "coordinates":
                    stack.append((item, path + (key,)))
        elif isinstance(value, list):
            stack.extend((item, path + (i,)) for i, item in enumerate(value))


# Characters a reader cannot see, or that reorder the text around them (a "Trojan source"): soft
# hyphen, combining grapheme joiner, Arabic letter mark, Hangul fillers, Khmer and Mongolian invisible
# vowels and separator, zero-width space, non-joiner and joiner, left-to-right and right-to-left
# marks, bidirectional embeddings, overrides and isolates, word joiner and invisible operators, the
# byte-order mark. (Zero-width non-joiner and joiner also shape Persian, Arabic and Indic words, so
# they are only counted between two ASCII characters.)
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
                        "\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0]")
_JOINERS = "\u200c\u200d"
_CONFUSABLE = re.compile("[\u0370-\u03ff\u0400-\u052f]")  # Greek and Cyrillic letters, many like Latin ones
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")
_WORD = re.compile(r"\w+")
# What in a file's text may be one of these, so that its texts are looked through (so may an escape, \\u...).
_SUSPECT_TEXT = re.compile(_INVISIBLE.pattern[:-1] + _CONFUSABLE.pattern[1:-1] + "]")


def _invisible(text: str) -> list[str]:
    """The invisible and text-reordering characters in `text`, as `_INVISIBLE` counts them."""
    found = []
    for match in _INVISIBLE.finditer(text):
        char, at = match.group(), match.start()
        if char in _JOINERS and not (0 < at < len(text) - 1 and text[at - 1].isascii() and text[at + 1].isascii()):
            continue
        found.append(char)
    return found


def _mixed_script_words(text: str) -> list[str]:
    """The words of `text` that mix Latin letters with Greek or Cyrillic ones."""
    if not _CONFUSABLE.search(text):
        return []
    return [w for w in _WORD.findall(text) if _CONFUSABLE.search(w) and _LATIN.search(w)]


def _character_name(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'UNNAMED CHARACTER')}"


_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def date_problem(text: str) -> str | None:
    """What is wrong with a date written YYYY, YYYY-MM or YYYY-MM-DD that the schema's pattern lets
    through (year 0000, 2023-02-30), in words; None for a real date (or for text the schema refuses)."""
    match = _DATE.match(text)
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    if year == 0:
        return f"{text!r} is not a date: there is no year 0000; write the year, or null when it is unknown"
    if month is not None and not 1 <= month <= 12:
        return None  # (the schema's pattern reports it)
    if day is not None:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        days = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]
        if not 1 <= day <= days:
            return (f"{text!r} is not a date: {_MONTHS[month - 1]} {year} has {days} days; write the date the "
                    "source gives, or only the year and month")
    return None


def whole_numbers_as_decimals(props: dict):
    """(path inside the route's properties, value) of each whole number written as a decimal (2000.0)
    where the data model has a whole number: a period's years, an evidence item's credibility and legs."""
    period = props.get("period")
    if isinstance(period, dict):
        for bound in ("start", "end"):
            value = period.get(bound)
            if isinstance(value, float) and value.is_integer():
                yield ("period", bound), value
            elif isinstance(value, dict) and isinstance(value.get("year"), float) and value["year"].is_integer():
                yield ("period", bound, "year"), value["year"]
    evidence = props.get("evidence")
    for i, item in enumerate(evidence if isinstance(evidence, list) else []):
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("credibility"), float) and item["credibility"].is_integer():
            yield ("evidence", i, "credibility"), item["credibility"]
        legs = item.get("legs")
        for j, leg in enumerate(legs if isinstance(legs, list) else []):
            if isinstance(leg, float) and leg.is_integer():
                yield ("evidence", i, "legs", j), leg


def as_whole_numbers(props: dict) -> None:
    """Write each of `whole_numbers_as_decimals` as the whole number it is (2000.0 -> 2000), in place."""
    for json_suffix, value in list(whole_numbers_as_decimals(props)):
        parent = props
        for part in json_suffix[:-1]:
            parent = parent[part]
        parent[json_suffix[-1]] = int(value)


def lineage_roots(sources: dict) -> tuple[dict[str, frozenset], set[tuple[str, str]]]:
    """Each source's lineage roots, and the `derived_from` edges (source, parent) that go round in a circle.

    The roots of a source are the sources (or circles of sources) at the far end of its `derived_from`
    chains, those that repeat no other. Two sources share reporting (their `model.lineage`s meet)
    exactly when their roots meet, so the roots can stand in for the lineages in
    `model.independent_set(..., lineages=...)`. Worked out in one walk of the graph (Tarjan's
    strongly connected components), so that a long chain of sources costs time in proportion to its
    length, not to its square.
    """
    def parents(source_id: str) -> list[str]:
        source = sources.get(source_id)
        found = source.get("derived_from") if isinstance(source, dict) else None
        return [p for p in found if isinstance(p, str)] if isinstance(found, list) else []

    index: dict[str, int] = {}
    low: dict[str, int] = {}
    component: dict[str, int] = {}
    component_roots: list[frozenset] = []
    stack: list[str] = []
    on_stack: set[str] = set()
    roots: dict[str, frozenset] = {}
    in_cycle: set[tuple[str, str]] = set()
    for start in sources:
        if start in index:
            continue
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        work = [(start, iter(parents(start)))]
        while work:
            node, pending = work[-1]
            for parent in pending:
                if parent not in index:
                    index[parent] = low[parent] = len(index)
                    stack.append(parent)
                    on_stack.add(parent)
                    work.append((parent, iter(parents(parent))))
                    break
                if parent in on_stack:
                    low[node] = min(low[node], index[parent])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] != index[node]:
                    continue
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = len(component_roots)
                    members.append(member)
                    if member == node:
                        break
                here = component[node]
                outside: dict[int, None] = {}
                for member in members:
                    for parent in parents(member):
                        if component[parent] == here:
                            if parent != member:
                                in_cycle.add((member, parent))
                        else:
                            outside[component[parent]] = None
                if not outside:
                    found = frozenset([min(members)])
                elif len(outside) == 1:
                    found = component_roots[next(iter(outside))]  # (shared, not copied: a chain stays linear)
                else:
                    found = frozenset().union(*(component_roots[c] for c in outside))
                component_roots.append(found)
                for member in members:
                    roots[member] = found
    return roots, in_cycle


def _surrogate_in(text: str) -> str | None:
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
        return None
    except UnicodeEncodeError as exc:
        return text[exc.start]
_LIST = {list}
_POSITION_LENGTHS = {2, 3}


def _is_position(position: object) -> bool:
    return isinstance(position, list) and len(position) >= 2 and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in position[:2])


def _sentences(text: str) -> int:
    return len([s for s in re.split(r"(?<=[.!?])[\"”’)]*\s+(?=[A-Z“\"])", text.strip()) if s])


@dataclass
class Validation:
    """The reports of several files, as `arms-routes validate` prints them."""

    reports: list[Report]

    def problems(self, include_warnings: bool = True) -> list[Problem]:
        return [p for r in self.reports for p in r.problems if include_warnings or p.severity == "error"]

    def ok(self, strict: bool = False) -> bool:
        return all(r.ok and not (strict and r.warnings) for r in self.reports)

    def summary(self) -> str:
        errors = sum(len(r.errors) for r in self.reports)
        warnings = sum(len(r.warnings) for r in self.reports)
        routes = sum(r.routes for r in self.reports)
        unplaced = sum(r.unplaced for r in self.reports)
        files = len(self.reports)
        verdict = "ok" if errors == 0 else "invalid"
        deals = f", {plural(unplaced, 'unplaced deal')}" if unplaced else ""
        return (f"{verdict}: {plural(errors, 'error')}, {plural(warnings, 'warning')} "
                f"in {plural(files, 'file')} ({plural(routes, 'route')}{deals})")


def validate_files(paths: list[Path] | None = None, *, remember: bool = True) -> Validation:
    """Validate each file on its own (the bundled dataset when none is given); `remember` as `validate_file`."""
    from . import paths as data_paths

    files = [Path(p) for p in paths] if paths else [data_paths.bundled_dataset()]
    return Validation([validate_file(p, remember=remember) for p in files])

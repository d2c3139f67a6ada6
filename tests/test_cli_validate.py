"""`arms-routes validate`: every broken file gets PATH:LINE: ROUTE-ID: FIELD: message and exit 1."""

from __future__ import annotations

import json
import re

import pytest

from cli import app
from conftest import make_collection, make_route


def _mutate(change):
    def build():
        collection = make_collection([make_route("fx-route"), make_route("fx-other")])
        change(collection)
        return collection
    return build


def _route(collection, index=0):
    return collection["features"][index]["properties"]


def _set(path, value):
    """A change that sets collection[...path] = value."""
    def change(collection):
        target = collection
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def _delete(path):
    def change(collection):
        target = collection
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return change


P = ["features", 0, "properties"]

# (case id, change, route id expected in the message, field expected, words expected)
BROKEN = [
    ("status-enum", _set(P + ["status"], "rumoured"), "fx-route", "status", "use one of: alleged"),
    ("kind-enum", _set(P + ["kind"], "drones"), "fx-route", "kind", "use one of: arms"),
    ("leg-mode-enum", _set(P + ["legs", 1, "mode"], "ship"), "fx-route", "legs[1].mode", "use one of: sea"),
    ("stance-enum", _set(P + ["evidence", 0, "stance"], "maybe"), "fx-route", "evidence[0].stance", "supports"),
    ("credibility-range", _set(P + ["evidence", 0, "credibility"], 9), "fx-route", "evidence[0].credibility", "out of range"),
    ("credibility-type", _set(P + ["evidence", 0, "credibility"], "B"), "fx-route", "evidence[0].credibility", "whole number"),
    ("missing-name", _delete(P + ["name"]), "fx-route", "name", "is missing"),
    ("missing-status", _delete(P + ["status"]), "fx-route", "status", "is missing"),
    ("missing-evidence", _delete(P + ["evidence"]), "fx-route", "evidence", "is missing"),
    ("empty-evidence", _set(P + ["evidence"], []), "fx-route", "evidence", "at least 1"),
    ("one-waypoint", _set(P + ["waypoints"], ["fx-nampo"]), "fx-route", "waypoints", "at least 2"),
    ("unknown-waypoint", _set(P + ["waypoints", 1], "bandar-abas"), "fx-route", "waypoints[1]", "unknown place 'bandar-abas'"),
    ("waypoint-by-name", _set(P + ["waypoints", 1], "Fixture Bandar Abbas"), "fx-route", "waypoints[1]", "the id of that place is 'fx-bandar-abbas'"),
    ("unknown-weapon", _set(P + ["weapons"], ["fx-rpgg"]), "fx-route", "weapons[0]", "did you mean"),
    ("weapon-by-alias", _set(P + ["weapons"], ["FX-7"]), "fx-route", "weapons[0]", "write the id 'fx-rpg'"),
    ("unknown-source", _set(P + ["evidence", 0, "source"], "fx-newz"), "fx-route", "evidence[0].source", "did you mean 'fx-news'"),
    ("unknown-derived-from", _set(["sources", "fx-analysis", "derived_from"], ["nobody"]), "-", "sources.fx-analysis.derived_from[0]", "unknown source 'nobody'"),
    ("derived-circle", lambda c: (c["sources"]["fx-news"].update(derived_from=["fx-analysis"]),
                                  c["sources"]["fx-analysis"].update(derived_from=["fx-news"])), "-", "sources.fx-news.derived_from[0]", "circle"),
    ("leg-index-range", _set(P + ["evidence", 0, "legs"], [0, 5]), "fx-route", "evidence[0].legs[1]", "leg 5 does not exist"),
    ("legs-count", _set(P + ["legs"], [{"mode": "sea"}]), "fx-route", "legs", "has 1 legs for 3 waypoints"),
    ("no-supporting", _set(P + ["evidence", 0, "stance"], "disputes"), "fx-route", "evidence", "no supporting item"),
    ("corroborated-one-source", _set(P + ["status"], "corroborated"), "fx-route", "status", "two independent supporting sources"),
    ("corroborated-derived", lambda c: (_route(c).update(status="corroborated", evidence=[
        {"source": "fx-news", "claim": "x", "stance": "supports", "credibility": 3},
        {"source": "fx-analysis", "claim": "y", "stance": "supports", "credibility": 3}]),
        c["sources"]["fx-analysis"].update(derived_from=["fx-news"])), "fx-route", "status", "share their reporting"),
    ("duplicate-id", _set(["features", 1, "id"], "fx-route"), "fx-route", "id", "unique"),
    ("bad-slug", _set(["features", 0, "id"], "Bad Id!"), "Bad Id!", "id", "lower-case letters"),
    ("longitude-range", _set(["features", 0, "geometry", "coordinates", 1], [250.0, 27.0]), "fx-route", "geometry", "out of range"),
    ("latitude-range", _set(["features", 0, "geometry", "coordinates", 1], [56.0, -95.0]), "fx-route", "geometry", "out of range"),
    ("geometry-type", _set(["features", 0, "geometry"], {"type": "Point", "coordinates": [1, 2]}), "fx-route", "geometry", "must be one of: null, LineString, MultiLineString (got 'Point')"),
    ("line-one-position", _set(["features", 0, "geometry", "coordinates"], [[125.395, 38.73]]), "fx-route", "geometry.coordinates", "at least 2"),
    ("line-wrong-start", _set(["features", 0, "geometry", "coordinates", 0], [38.73, 125.395]), "fx-route", "geometry", "starts at"),
    ("line-wrong-end", _set(["features", 0, "geometry", "coordinates", 2], [0.0, 0.0]), "fx-route", "geometry", "ends at"),
    ("period-reversed", _set(P + ["period"], {"start": 2015, "end": 2009}), "fx-route", "period", "swap them"),
    ("period-type", _set(P + ["period", "start"], "2009"), "fx-route", "period.start", "whole number or null"),
    ("url-javascript", _set(["sources", "fx-news", "url"], "javascript:alert(1)"), "-", "sources.fx-news.url", "only http:// and https://"),
    ("published-format", _set(["sources", "fx-news", "published"], "17/10/2023"), "-", "sources.fx-news.published", "YYYY"),
    ("reliability-enum", _set(["sources", "fx-news", "reliability"], "Z"), "-", "sources.fx-news.reliability", "use one of: A"),
    ("source-kind-enum", _set(["sources", "fx-news", "kind"], "blog"), "-", "sources.fx-news.kind", "use one of: news"),
    ("interdiction-place", _set(P + ["interdicted"], {"place": "atlantis", "date": "2009-12"}), "fx-route", "interdicted.place", "unknown place 'atlantis'"),
    ("interdiction-date", _set(P + ["interdicted"], {"place": "fx-nampo", "date": "December 2009"}), "fx-route", "interdicted.date", "YYYY"),
    ("intended-waypoint", _set(P + ["intended_waypoints"], ["fx-gaza", "nowhere-land"]), "fx-route", "intended_waypoints[1]", "unknown place"),
    ("feature-type", _set(["features", 0, "type"], "feature"), "fx-route", "type", "must be 'Feature'"),
    ("properties-missing", _delete(["features", 0, "properties"]), "fx-route", "properties", "is missing"),
    ("feature-not-object", _set(["features", 0], "a string"), "features[0]", "feature", "must be an object"),
    ("collection-type", _set(["type"], "GeometryCollection"), "-", "type", "must be 'FeatureCollection'"),
    ("features-not-list", _set(["features"], {"a": 1}), "-", "features", "must be a list"),
]


BA = "fx-bandar-abbas"


def _with_disputing_item(item):
    def change(collection):
        _route(collection)["evidence"].append({"source": "fx-analysis", "claim": "Denied.", "stance": "disputes",
                                               "credibility": 6, **item})
    return change


# The fields of honest uncertainty (waypoint objects, place precision, leg path, period bounds, evidence
# weapons and disputes, notes): each bad value is exactly one error line naming the route and the field.
UNCERTAINTY = [
    ("waypoint-object-unknown-place", _set(P + ["waypoints", 1], {"place": "atlantis"}), "fx-route",
     "waypoints[1].place", "unknown place 'atlantis'"),
    ("waypoint-object-without-place", _set(P + ["waypoints", 1], {"stand_in": True, "stands_for": "Iran"}), "fx-route",
     "waypoints[1].place", "is missing"),
    ("waypoint-not-id-or-object", _set(P + ["waypoints", 1], 5), "fx-route", "waypoints[1]",
     'must be a string or an object, not a number (5); write a place id ("nampo"), or an object'),
    ("stand-in-not-boolean", _set(P + ["waypoints", 1], {"place": BA, "stand_in": "yes", "stands_for": "Iran"}),
     "fx-route", "waypoints[1].stand_in", "must be true or false, not a string ('yes')"),
    ("stand-in-without-stands-for", _set(P + ["waypoints", 1], {"place": BA, "stand_in": True}), "fx-route",
     "waypoints[1].stands_for", 'is missing: a stand-in must say what the sources name instead'),
    ("stands-for-empty", _set(P + ["waypoints", 1], {"place": BA, "stand_in": True, "stands_for": ""}), "fx-route",
     "waypoints[1].stands_for", "must not be empty"),
    ("stands-for-without-stand-in", _set(P + ["waypoints", 1], {"place": BA, "stands_for": "Iran"}), "fx-route",
     "waypoints[1].stands_for", 'but "stand_in" is not true'),
    ("waypoint-precision-enum", _set(P + ["waypoints", 1], {"place": BA, "precision": "exact"}), "fx-route",
     "waypoints[1].precision", "'exact' is not allowed; use one of: site, area, admin1, country, region, water"),
    ("stand-in-at-site-precision", _set(P + ["waypoints", 1], {"place": BA, "stand_in": True, "stands_for": "Iran",
                                                               "precision": "site"}), "fx-route",
     "waypoints[1].precision", "cannot be a stand-in"),
    ("waypoint-note-type", _set(P + ["waypoints", 1], {"place": BA, "note": 3}), "fx-route", "waypoints[1].note",
     "must be a string"),
    ("intended-stand-in-without-stands-for", _set(P + ["intended_waypoints"], [{"place": "fx-gaza", "stand_in": True}]),
     "fx-route", "intended_waypoints[0].stands_for", "is missing"),
    ("interdicted-stand-in-without-stands-for", _set(P + ["interdicted"], {"place": "fx-port-sudan", "date": None,
                                                                          "stand_in": True}),
     "fx-route", "interdicted.stands_for", "is missing"),
    ("place-precision-enum", _set(["places", 0, "properties", "precision"], "town"), "-",
     "places[0].properties.precision", "'town' is not allowed"),
    ("place-within-unknown", _set(["places", 0, "properties", "within"], ["fx-atlantis"]), "-",
     "places[0].properties.within[0]", "unknown place 'fx-atlantis'; `within` lists the ids of the places"),
    ("place-within-itself", _set(["places", 0, "properties", "within"], ["fx-pyongyang"]), "-",
     "places[0].properties.within[0]", "a place cannot lie within itself"),
    ("place-within-not-ids", _set(["places", 0, "properties", "within"], "fx-nampo"), "-",
     "places[0].properties.within", "must be a list"),
    ("leg-path-enum", _set(P + ["legs", 0, "path"], "certain"), "fx-route", "legs[0].path",
     "'certain' is not allowed; use one of: documented, plausible, schematic"),
    ("documented-path-without-evidence-on-the-leg", _set(P + ["legs", 0, "path"], "documented"), "fx-route",
     "legs[0].path", "'documented' needs a supporting evidence item on this leg"),
    ("plausible-path-of-unknown-mode", _set(P + ["legs", 0], {"mode": "unknown", "path": "plausible"}), "fx-route",
     "legs[0].path", "'plausible' needs a known mode"),
    ("bound-year-as-text", _set(P + ["period", "start"], {"year": "2009", "approximate": True}), "fx-route",
     "period.start.year", "must be a whole number, not a string ('2009')"),
    ("bound-approximate-not-boolean", _set(P + ["period", "start"], {"year": 2009, "approximate": "yes"}), "fx-route",
     "period.start.approximate", "must be true or false"),
    ("bound-without-year", _set(P + ["period", "start"], {"approximate": True}), "fx-route", "period.start.year",
     "is missing"),
    ("bound-year-out-of-range", _set(P + ["period", "end"], {"year": 3000, "approximate": True}), "fx-route",
     "period.end.year", "3000 is out of range"),
    ("approximate-bounds-reversed", _set(P + ["period"], {"start": {"year": 2015, "approximate": True}, "end": 2009}),
     "fx-route", "period", "starts in 2015 but ends in 2009; swap them"),
    ("evidence-weapon-not-the-routes", _set(P + ["evidence", 0, "weapons"], ["fx-rocket"]), "fx-route",
     "evidence[0].weapons[0]", "'fx-rocket' is not one of the route's weapon systems (fx-rpg)"),
    ("evidence-weapons-not-a-list", _set(P + ["evidence", 0, "weapons"], "fx-rpg"), "fx-route", "evidence[0].weapons",
     "must be a list"),
    ("dispute-enum", _with_disputing_item({"dispute": "rejection"}), "fx-route", "evidence[1].dispute",
     "'rejection' is not allowed; use one of: denial, non-confirmation, counter-evidence"),
    ("dispute-on-a-supporting-item", _set(P + ["evidence", 0, "dispute"], "denial"), "fx-route", "evidence[0].dispute",
     'its stance is not "disputes"'),
    ("evidence-note-type", _set(P + ["evidence", 0, "note"], 5), "fx-route", "evidence[0].note", "must be a string"),
    ("source-note-type", _set(["sources", "fx-news", "note"], ["a"]), "-", "sources.fx-news.note", "must be a string"),
    ("outcome-enum", _set(P + ["outcome"], "shipped"), "fx-route", "outcome", "'shipped' is not allowed"),
]


@pytest.mark.parametrize("case, change, route_id, field, words", UNCERTAINTY, ids=[c[0] for c in UNCERTAINTY])
def test_a_bad_value_of_a_new_field_is_one_line_naming_route_and_field(runner, write_dataset, case, change, route_id,
                                                                       field, words):
    path = write_dataset(_mutate(change)())
    result = runner.invoke(app, ["validate", "--quiet", str(path)])
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    assert re.match(rf"^{re.escape(str(path))}:\d+: {re.escape(route_id)}: {re.escape(field)}: ", lines[0]), lines[0]
    assert words in lines[0]
    assert "invalid: 1 error" in result.stderr


def test_the_good_forms_of_the_new_fields_validate(runner, write_dataset):
    """Every field above, written right, validates: the cases above fail for their one reason only."""
    route = make_route(
        "fx-route", legs=[{"mode": "sea", "path": "documented"}, {"mode": "unknown", "path": "schematic"}],
        period={"start": {"year": 2009, "approximate": True, "note": "SIPRI: 2009?"}, "end": None},
        outcome="interdicted", interdicted={"place": "fx-port-sudan", "date": None, "stand_in": True,
                                            "stands_for": "Sudan", "precision": "country"},
        intended_waypoints=[{"place": "fx-gaza", "precision": "area"}],
        evidence=[{"source": "fx-news", "claim": "By sea.", "stance": "supports", "credibility": 3, "legs": [0],
                   "weapons": ["fx-rpg"], "note": "the only account of the path"},
                  {"source": "fx-analysis", "claim": "Denied.", "stance": "disputes", "credibility": 6,
                   "said_by": "KCNA", "dispute": "denial"}])
    route["properties"]["waypoints"] = [{"place": "fx-nampo", "stand_in": True, "stands_for": "North Korea",
                                         "precision": "country", "note": "no port is named"},
                                        {"place": BA, "precision": "area"}, "fx-port-sudan"]
    collection = make_collection([route])
    collection["sources"]["fx-news"]["note"] = "the date is the page's display date"
    collection["places"][0]["properties"]["precision"] = "site"
    result = runner.invoke(app, ["validate", str(write_dataset(collection))])
    assert result.exit_code == 0, result.output
    assert "ok: 0 errors, 0 warnings" in result.stdout


@pytest.mark.parametrize("case, change, route_id, field, words", BROKEN, ids=[c[0] for c in BROKEN])
def test_broken_dataset_names_route_field_and_fix(runner, write_dataset, case, change, route_id, field, words):
    path = write_dataset(_mutate(change)())
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stdout.splitlines() if ": warning: " not in line]
    matching = [line for line in lines if re.match(rf"^{re.escape(str(path))}:\d+: {re.escape(route_id)}: ", line)
                and f": {field}" in line and words in line]
    assert matching, f"no line names {route_id} / {field} / {words!r}:\n{result.output}"
    assert "Traceback" not in result.output
    assert "invalid:" in result.stderr


# (case id, raw file content, words expected)
UNREADABLE = [
    ("empty", b"", "file is empty"),
    ("whitespace", b"  \n\n ", "file is empty"),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary content"),
    ("latin1", '{"type": "FeatureCollection", "name": "Caf\xe9", "features": []}'.encode("latin-1"), "is not UTF-8"),
    ("utf16", '{"type": "FeatureCollection"}'.encode("utf-16"), "UTF-16"),
    ("trailing-comma", b'{"type": "FeatureCollection",\n "features": [],\n}', "line 3"),
    ("truncated", b'{"type": "FeatureCollection", "features": [\n {"type": "Feature"', "not valid JSON"),
    ("not-json", b"this is not json\n", "not valid JSON"),
    ("nan", b'{"type": "FeatureCollection", "features": [], "x": NaN}', "finite"),
    ("array", b"[1, 2, 3]", "is a JSON list"),
    ("number", b"42", "FeatureCollection object"),
    ("single-feature", json.dumps(make_route()).encode(), "wrap it in"),
    ("deep-nesting", b"[" * 100000 + b"]" * 100000, "nested too deeply"),
]


@pytest.mark.parametrize("case, content, words", UNREADABLE, ids=[c[0] for c in UNREADABLE])
def test_unreadable_file_gets_one_message(runner, write_dataset, case, content, words):
    path = write_dataset(content)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert words in result.stdout
    assert result.stdout.startswith(f"{path}:")
    assert "Traceback" not in result.output


def test_repeated_key_is_an_error_with_its_line(runner, write_dataset):
    text = json.dumps(make_collection(), indent=2).replace('"status": "reported"', '"status": "reported",\n "status": "confirmed"')
    path = write_dataset(text)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    line_no = next(i for i, line in enumerate(text.splitlines(), 1) if '"status": "confirmed"' in line)
    assert f"{path}:{line_no}: fx-route: status: key 'status' appears twice" in result.stdout


def test_line_numbers_point_at_the_bad_value(runner, write_dataset):
    collection = make_collection([make_route("fx-route"), make_route("fx-second", status="rumoured")])
    path = write_dataset(collection)
    result = runner.invoke(app, ["validate", str(path)])
    text = path.read_text().splitlines()
    line_no = next(i for i, line in enumerate(text, 1) if '"rumoured"' in line)
    assert f"{path}:{line_no}: fx-second: status:" in result.stdout


def test_file_too_large_is_refused_without_reading_it(runner, write_dataset, monkeypatch):
    import routes.jsonfile

    monkeypatch.setattr(routes.jsonfile, "MAX_FILE_BYTES", 1000)
    path = write_dataset(make_collection([make_route(f"fx-{i}") for i in range(20)]))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "split it into several files" in result.stdout


def test_hundred_megabyte_junk_file(runner, tmp_path):
    path = tmp_path / "huge.geojson"
    with path.open("wb") as handle:
        handle.write(b'{"type": "FeatureCollection", "features": [' + b" " * (100 * 2**20) + b"oops")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "not valid JSON" in result.stdout


def test_every_problem_is_reported_in_one_pass(runner, write_dataset):
    collection = make_collection([make_route("fx-a", status="rumoured"), make_route("fx-b", weapons=["nope"]),
                                  make_route("fx-c", waypoints=["fx-nampo", "nowhere"])])
    result = runner.invoke(app, ["validate", str(write_dataset(collection))])
    assert result.exit_code == 1
    assert all(f": {rid}: " in result.stdout for rid in ("fx-a", "fx-b", "fx-c"))
    assert "invalid: 3 errors" in result.stderr


def test_clean_file_exits_zero_with_summary(runner, write_dataset):
    result = runner.invoke(app, ["validate", str(write_dataset())])
    assert result.exit_code == 0, result.output
    assert "ok: 0 errors" in result.stdout
    assert "(1 route)" in result.stdout


def test_warnings_do_not_fail_unless_strict(runner, write_dataset):
    collection = make_collection()
    collection["sources"]["fx-news"]["published"] = None
    path = write_dataset(collection)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0
    assert "sources.fx-news.published: warning: no publication date" in result.stdout
    assert runner.invoke(app, ["validate", "--strict", str(path)]).exit_code == 1
    quiet = runner.invoke(app, ["validate", "--quiet", str(path)])
    assert ": warning:" not in quiet.stdout


def test_several_files_each_checked(runner, write_dataset):
    good = write_dataset(name="good.geojson")
    bad = write_dataset(b"[]", name="bad.geojson")
    result = runner.invoke(app, ["validate", str(good), str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:1: -: file: is a JSON list" in result.stdout
    assert "in 2 files" in result.stderr


def test_missing_file(runner, tmp_path):
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.geojson")])
    assert result.exit_code == 1
    assert "file not found" in result.stdout


def test_bundled_dataset_is_valid(runner):
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output


def test_a_key_repeated_deep_inside_a_route_is_found(runner, write_dataset):
    route = make_route(extra={"a": {"b": {"c": {"d": {"e": {"f": {"g": 1}}}}}}})
    text = json.dumps(make_collection([route]), indent=1).replace('"g": 1', '"g": 1, "g": 2')
    path = write_dataset(text)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "fx-route: extra.a.b.c.d.e.f.g: key 'g' appears twice in one object" in result.stdout


def test_a_key_repeated_where_no_line_can_be_found_still_fails(runner, write_dataset):
    text = json.dumps(make_collection(), indent=1).replace('"coordinates": [', '"coordinates": [{"x": 1, "x": 2}, ', 1)
    path = write_dataset(text)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert f"{path}:1: -: file: an object repeats a key" in result.stdout


def test_an_unpaired_surrogate_escape_is_an_error_and_a_pair_is_a_character(runner, write_dataset, tmp_path):
    text = json.dumps(make_collection([make_route(notes="PAIR and LONE")]), indent=1)
    path = write_dataset(text.replace("PAIR", "\\ud83d\\ude00").replace("LONE", "\\ud800"))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "fx-route: notes: holds an unpaired surrogate escape (\\ud800), which is not a character" in result.stdout
    assert result.stdout.count("holds an unpaired") == 1
    result = runner.invoke(app, ["render", "--data", str(path), "-o", str(tmp_path / "map.html")])
    assert result.exit_code == 1
    assert "notes: holds an unpaired surrogate escape" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "map.html").exists()
    write_dataset(text.replace("PAIR", "\\ud83d\\ude00").replace("LONE", "fine"))
    result = runner.invoke(app, ["render", "--data", str(path), "-o", str(tmp_path / "map.html")])
    assert result.exit_code == 0, result.output
    assert "\U0001F600" in (tmp_path / "map.html").read_text(encoding="utf-8")


def test_places_that_lie_within_each_other_are_refused_on_both_lines(runner, write_dataset):
    collection = make_collection()
    collection["places"][0]["properties"]["within"] = ["fx-nampo"]  # (Pyongyang inside Nampo, Nampo inside it)
    collection["places"][1]["properties"]["within"] = ["fx-pyongyang"]
    path = write_dataset(collection)
    result = runner.invoke(app, ["validate", "--quiet", str(path)])
    assert result.exit_code == 1
    cycle = "(through `within`), so it cannot also contain it; remove one of the two"
    assert [re.sub(r"^.*?:\d+: ", "", line) for line in result.stdout.splitlines()] == [
        f"-: places[0].properties.within[0]: 'fx-nampo' lies within 'fx-pyongyang' {cycle}",
        f"-: places[1].properties.within[0]: 'fx-pyongyang' lies within 'fx-nampo' {cycle}"]


def test_a_place_within_a_region_of_the_file_validates(runner, write_dataset):
    collection = make_collection()
    collection["places"].append({"type": "Feature", "id": "fx-strip", "properties": {
        "name": "Fixture Strip", "aliases": [], "country": "PSE", "kind": "region"},
        "geometry": {"type": "Point", "coordinates": [34.35, 31.42]}})
    gaza = next(p for p in collection["places"] if p["id"] == "fx-gaza")
    gaza["properties"]["within"] = ["fx-strip"]
    result = runner.invoke(app, ["validate", str(write_dataset(collection))])
    assert result.exit_code == 0, result.output

"""Adding routes, sources and places: what is written, what is refused, and that a refusal writes nothing."""

from __future__ import annotations

import json
import os
import re

import pytest

from conftest import make_collection, make_route, place_feature
from routes import edit, fmt
from routes.dataset import load_dataset
from routes.errors import InvalidDataset, RoutesError, UnknownPlace, UnknownWeapon, UsageError, WriteConflict
from routes.gazetteer import Place


def new_route(**changes) -> edit.NewRoute:
    fields = dict(id="fx-new", via="Fixture Nampo > fx bandar abbas > FIXTURE PORT SUDAN > Fx Pyongyang",
                  modes="sea,sea,air", supplier="North Korea", recipient="Iran", source="fx-news",
                  claim="A new fixture claim.", weapons=["FX-7"], since=2015, status="reported")
    fields.update(changes)
    return edit.NewRoute(**fields)


def read(path):
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def data(write_dataset):
    return write_dataset()


# -- add a route ----------------------------------------------------------------------------------------
def test_add_a_multi_leg_route_from_names(data):
    result = edit.add_route(data, new_route())
    assert result.summary == f"added route fx-new to {data}"
    assert result.details[0].startswith("leg 0: Fixture Nampo → Fixture Bandar Abbas, sea (plausible): sea-lane through")
    assert result.details[2] == "leg 2: Fixture Port Sudan → Fixture Pyongyang, air (plausible): great-circle"

    route = load_dataset([data]).route("fx-new")  # it loads, so it validates
    props = route["properties"]
    assert props["waypoints"] == ["fx-nampo", "fx-bandar-abbas", "fx-port-sudan", "fx-pyongyang"]
    assert [leg["geometry"] for leg in props["legs"]] == ["sea-lane", "sea-lane", "great-circle"]
    assert props["legs"][1]["passages"] == ["Strait of Hormuz", "Bab-el-Mandeb"]
    assert props["weapons"] == ["fx-rpg"]
    assert props["name"] == "Fixture Nampo → Fixture Bandar Abbas → Fixture Port Sudan → Fixture Pyongyang"
    assert props["period"] == {"start": 2015, "end": None}
    assert props["evidence"] == [{"source": "fx-news", "claim": "A new fixture claim.", "stance": "supports",
                                  "credibility": 6}]
    assert route["geometry"]["coordinates"][0] == [125.395, 38.73]
    assert route["geometry"]["coordinates"][-1] == [125.7625, 39.0392]
    assert [f["id"] for f in read(data)["features"]] == ["fx-route", "fx-new"]  # appended, order kept
    assert fmt.format_file(data, check=True).changed is False  # written in the canonical format


def test_an_unknown_place_lists_the_closest_matches_and_writes_nothing(data):
    before = data.read_bytes()
    with pytest.raises(UnknownPlace) as info:
        edit.add_route(data, new_route(via="Fixture Nampo > Fixture Bandar Abas"))
    assert info.value.field == "--via"
    assert "unknown place 'Fixture Bandar Abas'; did you mean: fx-bandar-abbas" in str(info.value)
    assert data.read_bytes() == before


def test_an_ambiguous_place_lists_the_ids_to_choose_from(write_dataset):
    collection = make_collection()
    collection["places"].append(place_feature("fx-other-nampo", "Fixture Nampo", "KOR", "city", 127.0, 37.0, []))
    path = write_dataset(collection)
    with pytest.raises(UnknownPlace, match="ambiguous; use one of the ids: fx-nampo .*fx-other-nampo"):
        edit.add_route(path, new_route())


def test_a_raw_lat_lon_becomes_a_place_of_the_dataset(data):
    edit.add_route(data, new_route(via="fx-bandar-abbas > 15.35,44.2", modes="land"))
    doc = read(data)
    added = doc["places"][-1]
    assert added["geometry"]["coordinates"] == [44.2, 15.35]
    assert added["properties"]["country"] == "YEM"
    assert doc["features"][-1]["properties"]["waypoints"] == ["fx-bandar-abbas", added["id"]]


def test_a_source_can_be_registered_in_the_same_command(data):
    source = edit.NewSource("fx-new-source", "A new report", "news", "B", url="https://example.org/new")
    edit.add_route(data, new_route(source="fx-new-source", new_source=source))
    doc = read(data)
    assert doc["sources"]["fx-new-source"] == {"title": "A new report", "author": None, "publisher": None,
                                               "published": None, "url": "https://example.org/new",
                                               "kind": "news", "reliability": "B", "derived_from": []}


def test_a_missing_file_becomes_a_new_dataset(tmp_path):
    path = tmp_path / "new.geojson"
    source = edit.NewSource("src-1", "A report", "news", "C", published="2024")
    edit.add_route(path, new_route(via="Bandar Abbas > Port Sudan", modes="sea", weapons=[], source="src-1",
                                   new_source=source, kind="training"))
    assert [f["id"] for f in read(path)["features"]] == ["fx-new"]


@pytest.mark.parametrize(("changes", "error", "message"), [
    ({"id": "Not A Slug"}, UsageError, "not a valid route id"),
    ({"modes": "sea,boat,air"}, UsageError, "'boat' is not a mode"),
    ({"modes": "sea,land"}, UsageError, "gives 2 modes for 3 legs"),
    ({"via": "Fixture Nampo"}, UsageError, "needs two or more places"),
    ({"weapons": ["Fixture Bazooka"]}, UnknownWeapon, "unknown weapon system 'Fixture Bazooka'"),
    ({"source": "fx-nwes"}, UsageError, "unknown source 'fx-nwes'.*did you mean: fx-news"),
    ({"supplier": " "}, UsageError, "--supplier: must not be empty"),
    ({"id": "fx-route"}, RoutesError, "route 'fx-route' already exists"),
    ({"new_source": edit.NewSource("fx-news", "Again", "news", "B")}, RoutesError, "'fx-news' is already registered"),
    ({"source": "fx-x", "new_source": edit.NewSource("fx-x", "X", "news", "B", url="ftp://x")}, UsageError, "http"),
])
def test_bad_values_are_refused_and_nothing_is_written(data, changes, error, message):
    before = data.read_bytes()
    with pytest.raises(error, match=message):
        edit.add_route(data, new_route(**changes))
    assert data.read_bytes() == before


def test_a_route_that_would_not_validate_is_not_written(data):
    before = data.read_bytes()
    with pytest.raises(InvalidDataset) as info:
        edit.add_route(data, new_route(status="corroborated", since=2020, until=2010))
    lines = edit.problem_lines(info.value)
    assert "fx-new: period: starts in 2020 but ends in 2010; swap them" in lines
    assert any(line.startswith("fx-new: status: 'corroborated' needs two independent") for line in lines)
    assert data.read_bytes() == before


def test_an_invalid_file_is_not_edited(write_dataset):
    route = make_route(status="certain")
    path = write_dataset(make_collection([route]))
    before = path.read_bytes()
    with pytest.raises(RoutesError, match="has 1 error already, so nothing was written.*fx-route: status"):
        edit.add_route(path, new_route())
    assert path.read_bytes() == before


def test_a_failure_in_the_middle_of_the_write_leaves_the_original_intact(data, monkeypatch):
    before = data.read_bytes()

    def broken_replace(src, dst):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(RoutesError, match="Input/output error"):
        edit.add_route(data, new_route())
    assert data.read_bytes() == before
    assert [p.name for p in data.parent.iterdir()] == [data.name]


def test_a_file_changed_meanwhile_is_not_overwritten(data, monkeypatch):
    real_dumps = edit.geojson_text
    theirs = data.read_text(encoding="utf-8") + "\n"

    def dumps_while_someone_edits(doc):
        data.write_text(theirs, encoding="utf-8")
        return real_dumps(doc)

    monkeypatch.setattr(edit, "geojson_text", dumps_while_someone_edits)
    with pytest.raises(WriteConflict, match="changed on disk since it was read; nothing was written"):
        edit.add_route(data, new_route())
    assert data.read_text(encoding="utf-8") == theirs


def test_parse_via_and_modes():
    assert edit.parse_via("A > B → C -> D") == ["A", "B", "C", "D"]
    assert edit.parse_modes(None, 2) == ["unknown", "unknown"]
    assert edit.parse_modes("Sea", 3) == ["sea", "sea", "sea"]
    assert edit.parse_modes("sea, land", 2) == ["sea", "land"]


# -- add a source -------------------------------------------------------------------------------------
def test_add_source(data):
    source = edit.NewSource("fx-un", "Panel report", "un_report", "A", published="2024-03",
                            derived_from=["fx-news"])
    result = edit.add_source(data, source)
    assert result.summary == f"added source fx-un to {data}"
    assert read(data)["sources"]["fx-un"]["derived_from"] == ["fx-news"]
    assert list(read(data)["sources"]) == ["fx-news", "fx-analysis", "fx-un"]


def test_add_source_keeps_the_address_a_link_is_made_of(data):
    # the one rule of links (routes.encode.link_url): spaces around it go, the scheme is written in lower case
    edit.add_source(data, edit.NewSource("fx-o", "O", url=" HTTPS://example.org/o'brien "))
    assert read(data)["sources"]["fx-o"]["url"] == "https://example.org/o'brien"


@pytest.mark.parametrize(("source", "message"), [
    (edit.NewSource("fx-news", "Again"), "already registered"),
    (edit.NewSource("fx-x", "X", derived_from=["fx-nwes"]), "unknown source 'fx-nwes'; did you mean: fx-news"),
    (edit.NewSource("fx-x", "X", published="March 2024"), "not a date"),
    (edit.NewSource("fx-x", "X", url="javascript:alert(1)"), "not an http"),
    (edit.NewSource("fx-x", "X", url="https://example.org\\@evil.example"), "not an http"),  # not a link anywhere
    (edit.NewSource("fx x", "X"), "not a valid source id"),
])
def test_add_source_refuses_bad_values(data, source, message):
    before = data.read_bytes()
    with pytest.raises(RoutesError, match=message):
        edit.add_source(data, source)
    assert data.read_bytes() == before


# -- add a place ----------------------------------------------------------------------------------------
MUKALLA = Place("fx-mukalla", "Fixture Mukalla", "yem", "port", 49.12424, 14.54251, ("Al Mukalla",))


def test_add_place_to_the_dataset_then_route_through_it(data):
    result = edit.add_place(data, MUKALLA)
    assert result.summary == f"added place fx-mukalla (Fixture Mukalla, YEM) to the places of {data}"
    assert result.notes == []
    added = read(data)["places"][-1]
    assert added == {"type": "Feature", "id": "fx-mukalla",
                     "properties": {"name": "Fixture Mukalla", "aliases": ["Al Mukalla"], "country": "YEM",
                                    "kind": "port"},
                     "geometry": {"type": "Point", "coordinates": [49.1242, 14.5425]}}
    edit.add_route(data, new_route(via="fx-bandar-abbas > al mukalla", modes="sea"))
    assert read(data)["features"][-1]["properties"]["waypoints"] == ["fx-bandar-abbas", "fx-mukalla"]


def test_add_place_to_a_gazetteer_file(write_dataset):
    path = write_dataset({"type": "FeatureCollection", "features": [place_feature(
        "fx-aden", "Fixture Aden", "YEM", "port", 45.0, 12.8, [])]}, name="places.geojson")
    edit.add_place(path, MUKALLA, gazetteer=True)
    assert [f["id"] for f in read(path)["features"]] == ["fx-aden", "fx-mukalla"]
    with pytest.raises(RoutesError, match="'fx-aden' already exists"):
        edit.add_place(path, Place("fx-aden", "Aden", "YEM", "port", 45.0, 12.8), gazetteer=True)


def test_add_place_notes_swapped_coordinates_and_shared_names(data):
    swapped = Place("fx-swapped", "Fixture Nampo", "IRN", "port", 27.18, 56.28)
    notes = edit.add_place(data, swapped).notes
    assert any("'Fixture Nampo' also names fx-nampo" in n for n in notes)
    assert any("outside IRN" in n and "swapped" in n for n in notes)


@pytest.mark.parametrize(("place", "message"), [
    (Place("fx-nampo", "Again", "PRK", "port", 125.0, 38.0), "'fx-nampo' already exists"),
    (Place("fx-new", "New", "Iran", "port", 56.0, 27.0), "not an ISO 3166-1 alpha-3 code"),
    (Place("fx-new", "New", "IRN", "harbour", 56.0, 27.0), "kind 'harbour' is not allowed"),
    (Place("fx-new", "New", "IRN", "port", 56.0, 127.0), "not a position"),
    (Place("fx-new", "New", "IRN", "port", 56.0, 27.0, precision="exact"), "precision 'exact' is not allowed"),
])
def test_add_place_refuses_bad_values(data, place, message):
    before = data.read_bytes()
    with pytest.raises(RoutesError, match=message):
        edit.add_place(data, place)
    assert data.read_bytes() == before


def test_add_place_with_a_precision(data):
    edit.add_place(data, Place("fx-litani", "Fixture Litani", "LBN", "region", 35.4, 33.3, precision="area"))
    assert read(data)["places"][-1]["properties"]["precision"] == "area"
    assert load_dataset([data]).places.get("fx-litani").precision == "area"


# -- stand-ins, leg paths, approximate years ---------------------------------------------------------------
# Fixture places in fictional countries, so these tests do not depend on the bundled gazetteer's countries.
FICTION = [("fx-harbour", "Fixture Harbour", "XFA", "port", 50.0, 20.0, []),
           ("fx-fixland", "Fixland", "XFA", "country", 51.0, 21.0, ["Fixture Land"]),
           ("fx-outpost", "Fixture Outpost", "XFB", "city", 52.0, 22.0, [])]


@pytest.fixture
def fiction(write_dataset):
    collection = make_collection()
    collection["places"] += [place_feature(*p) for p in FICTION]
    return write_dataset(collection)


@pytest.mark.parametrize(("via", "waypoint", "title"), [
    ("Fixture Harbour~Fixture Land", {"place": "fx-harbour", "stand_in": True, "stands_for": "Fixture Land",
                                      "precision": "country"}, "Fixture Land"),
    ("fixture harbour ~ XFA", {"place": "fx-harbour", "stand_in": True, "stands_for": "Fixland",
                               "precision": "country"}, "Fixland"),
    ("Fixture Harbour~", {"place": "fx-harbour", "stand_in": True, "stands_for": "Fixland", "precision": "country"},
     "Fixland"),
    ("Fixture Harbour~the Fixture Militia", {"place": "fx-harbour", "stand_in": True,
                                             "stands_for": "the Fixture Militia"}, "the Fixture Militia"),
    ("fx-harbour", "fx-harbour", "Fixture Harbour"),
])
def test_via_marks_a_stand_in_with_a_tilde(fiction, via, waypoint, title):
    result = edit.add_route(fiction, new_route(via=f"{via} > Fixture Outpost", modes="land"))
    props = load_dataset([fiction]).route("fx-new")["properties"]
    assert props["waypoints"] == [waypoint, "fx-outpost"]
    assert props["name"] == f"{title} → Fixture Outpost"
    described = [line for line in result.details if line.startswith("stand-in for ")]
    if isinstance(waypoint, dict):
        assert described == [f"stand-in for {waypoint['stands_for']}: "
                             + ("the sources name only the country" if "precision" in waypoint
                                else "the sources do not name this place") + " (drawn at Fixture Harbour)"]
    else:
        assert described == []


@pytest.mark.parametrize(("via", "message"), [
    ("Fixture Outpost~ > Fixture Harbour", "'Fixture Outpost~': the gazetteer has no country-level place of XFB, so "
                                           "'~' alone cannot say what Fixture Outpost stands for"),
    ("Fixland~ > Fixture Harbour", "'Fixland~': Fixland is the country-level place of XFA itself; drop the '~'"),
    ("Fixland~Fixture Land > Fixture Harbour", "Fixland is the country-level place of XFA itself"),
])
def test_a_tilde_that_cannot_say_what_a_place_stands_for_is_refused(fiction, via, message):
    before = fiction.read_bytes()
    with pytest.raises(UsageError, match=re.escape(message)) as info:
        edit.add_route(fiction, new_route(via=via, modes="land"))
    assert info.value.field == "--via"
    assert fiction.read_bytes() == before


def test_paths_per_leg_and_the_legs_a_claim_speaks_to(data):
    edit.add_route(data, new_route(paths="schematic,plausible,documented", evidence_legs="2,0", modes="unknown,sea,air",
                                   evidence_weapons=["Fixture RPG"]))
    props = load_dataset([data]).route("fx-new")["properties"]
    assert [(leg["mode"], leg.get("path")) for leg in props["legs"]] == [
        ("unknown", "schematic"), ("sea", "plausible"), ("air", "documented")]
    assert props["evidence"][0]["legs"] == [2, 0] and props["evidence"][0]["weapons"] == ["fx-rpg"]


def test_one_path_for_all_legs_and_none_by_default(data):
    edit.add_route(data, new_route(paths="schematic"))
    assert [leg["path"] for leg in read(data)["features"][-1]["properties"]["legs"]] == ["schematic"] * 3
    edit.add_route(data, new_route(id="fx-newer"))
    assert all("path" not in leg for leg in read(data)["features"][-1]["properties"]["legs"])


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"paths": "certain"}, "--path", "--path 'certain' is not a path; use one of: documented, plausible, schematic"),
    ({"paths": "plausible,schematic"}, "--path", "--path gives 2 paths for 3 legs"),
    ({"paths": "documented"}, "--path", "leg 0 is 'documented', so the supporting claim must speak to it: add "
                                        "--evidence-legs 0 when"),
    ({"paths": "schematic,documented,schematic", "evidence_legs": "0"}, "--path", "add --evidence-legs 0,1 when"),
    ({"paths": "documented", "evidence_legs": "0,1,2", "stance": "disputes"}, "--path",
     "leg 0 is 'documented', so the supporting claim"),
    ({"paths": "plausible", "modes": "unknown"}, "--path", "leg 0 is 'plausible' but its --mode is unknown"),
    ({"evidence_legs": "3"}, "--evidence-legs", "'3' is not a leg of this route; its legs are 0 to 2"),
    ({"evidence_legs": "first"}, "--evidence-legs", "'first' is not a leg"),
    ({"evidence_weapons": ["FX-122"]}, "--evidence-weapon", "'fx-rocket' is not one of the route's weapon systems "
                                                            "(fx-rpg); give it with --weapon too"),
    ({"since": "soon"}, "--since", "'soon' is not a year; write 2014, or 2014? (also c2014) for an approximate year"),
    ({"until": "1700?"}, "--until", "1700 is out of range"),
])
def test_bad_paths_legs_and_years_are_usage_errors_and_nothing_is_written(data, changes, field, message):
    before = data.read_bytes()
    with pytest.raises(UsageError, match=re.escape(message)) as info:
        edit.add_route(data, new_route(**changes))
    assert info.value.field == field
    assert data.read_bytes() == before


@pytest.mark.parametrize(("text", "bound"), [
    ("2014", 2014), (2014, 2014), (" 2014 ", 2014), ("2014?", {"year": 2014, "approximate": True}),
    ("c2014", {"year": 2014, "approximate": True}), ("c. 2014", {"year": 2014, "approximate": True}),
    ("C.2014", {"year": 2014, "approximate": True}), ("ca. 2014", {"year": 2014, "approximate": True}),
    ("~2014", {"year": 2014, "approximate": True}), (None, None), ("", None),
])
def test_parse_year_takes_exact_and_approximate_years(text, bound):
    assert edit.parse_year(text, "--since") == bound


def test_approximate_years_are_written_as_approximate_bounds(data):
    edit.add_route(data, new_route(since="c2014", until="2016?"))
    props = load_dataset([data]).route("fx-new")["properties"]
    assert props["period"] == {"start": {"year": 2014, "approximate": True}, "end": {"year": 2016, "approximate": True}}
    assert fmt.format_file(data, check=True).changed is False

"""routes.gazetteer: places by id, name or alias, and which places lie inside which."""

import json

import pytest

from routes.errors import DataFileError, UnknownPlace
from routes.gazetteer import Gazetteer, Place
from routes.schema import errors as schema_errors


def place(pid, kind="city", country="PSE", within=(), name=None, aliases=()):
    return Place(pid, name or pid.replace("-", " ").title(), country, kind, 34.3, 31.4, tuple(aliases),
                 within=tuple(within))


@pytest.fixture
def gazetteer():
    return Gazetteer([
        place("fx-palestine", "country", name="Fixture Palestine"),
        place("fx-strip", "region", name="Fixture Strip", aliases=["Fixture Gaza"]),
        place("fx-south", "region", within=["fx-strip"]),
        place("fx-rafah", within=["fx-south"], aliases=["Fixture Rafah"]),
        place("fx-gaza-city", within=["fx-strip"]),
        place("fx-crossing", "border crossing", country="EGY"),
        place("fx-egypt", "country", country="EGY"),
    ])


def test_a_place_contains_itself_and_what_lies_within_it_transitively(gazetteer):
    assert gazetteer.inside("fx-strip") == {"fx-strip", "fx-south", "fx-rafah", "fx-gaza-city"}
    assert gazetteer.inside("fx-south") == {"fx-south", "fx-rafah"}


def test_containment_goes_one_way(gazetteer):
    assert gazetteer.inside("fx-rafah") == {"fx-rafah"}  # (a route through the area is not known to pass Rafah)
    assert gazetteer.inside("atlantis") == set()


def test_a_country_contains_every_place_with_its_code(gazetteer):
    assert gazetteer.inside("fx-palestine") == {"fx-palestine", "fx-strip", "fx-south", "fx-rafah", "fx-gaza-city"}
    assert gazetteer.inside_country("EGY") == {"fx-crossing", "fx-egypt"}
    assert gazetteer.country_place("EGY").id == "fx-egypt" and gazetteer.country_place("IRQ") is None


def test_a_place_outside_the_country_that_lies_within_one_of_its_regions_is_inside_it():
    g = Gazetteer([place("fx-palestine", "country"), place("fx-strip", "region"),
                   place("fx-tunnel", "border crossing", country="EGY", within=["fx-strip"])])
    assert g.inside("fx-palestine") == {"fx-palestine", "fx-strip", "fx-tunnel"}
    assert g.inside_country("PSE") == {"fx-palestine", "fx-strip", "fx-tunnel"}


def test_extending_a_gazetteer_updates_what_lies_inside(gazetteer):
    assert "fx-new" not in gazetteer.inside("fx-strip")
    gazetteer.extend([place("fx-new", within=["fx-rafah"])])
    assert "fx-new" in gazetteer.inside("fx-strip")


@pytest.mark.parametrize(("places", "expected"), [
    ([place("fx-a", within=["fx-nowhere"])], [("fx-a", 0, "unknown place 'fx-nowhere'")]),
    ([place("fx-a", within=["fx-a"])], [("fx-a", 0, "a place cannot lie within itself")]),
    ([place("fx-a", "region", within=["fx-b"]), place("fx-b", "region", within=["fx-c"]),
      place("fx-c", "region", within=["fx-a"])],
     [("fx-a", 0, "'fx-b' lies within 'fx-a'"), ("fx-b", 0, "'fx-c' lies within 'fx-b'"),
      ("fx-c", 0, "'fx-a' lies within 'fx-c'")]),
    ([place("fx-egypt", "country", country="EGY"), place("fx-a", within=["fx-egypt"])],
     [("fx-a", 0, "'fx-egypt' is the country-level place of EGY, but this place is in PSE")]),
])
def test_within_problems(places, expected):
    found = Gazetteer(places).within_problems()
    assert [(pid, i) for pid, i, _ in found] == [(pid, i) for pid, i, _ in expected]
    for (_, _, message), (_, _, start) in zip(found, expected):
        assert message.startswith(start), message


def test_a_good_within_has_no_problems(gazetteer):
    assert gazetteer.within_problems() == []
    assert Gazetteer([place("fx-palestine", "country"), place("fx-a", within=["fx-palestine"])]).within_problems() == []


def test_a_gazetteer_file_whose_within_makes_a_cycle_is_refused_with_where(tmp_path):
    path = tmp_path / "places.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        place("fx-a", "region", within=["fx-b"]).to_feature(),
        place("fx-b", "region", within=["fx-a"]).to_feature()]}), encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        Gazetteer.load(path)
    assert str(info.value) == (f"{path}: place 'fx-a': within[0]: 'fx-b' lies within 'fx-a' (through `within`), so "
                               "it cannot also contain it; remove one of the two")


def test_within_travels_through_a_feature_and_says_so_in_the_definition():
    rafah = place("fx-rafah", within=["fx-strip"], name="Fixture Rafah")
    feature = rafah.to_feature()
    assert feature["properties"]["within"] == ["fx-strip"]
    assert schema_errors("place", feature) == []
    assert Place.from_feature(feature) == rafah
    assert rafah.definition() == "Fixture Rafah, PSE, at 31.4, 34.3, within fx-strip"
    assert "within" not in place("fx-plain").to_feature()["properties"]
    assert schema_errors("place", {**feature, "properties": {**feature["properties"], "within": ["Not A Slug"]}})


def test_one_lookup_for_ids_names_and_aliases(gazetteer):
    assert gazetteer.resolve("fixture gaza").id == "fx-strip"
    assert gazetteer.ids_named("FX-RAFAH") == ["fx-rafah"] == gazetteer.ids_named("Fixture Rafah")
    assert gazetteer.country_of("EGY") == "EGY" and gazetteer.country_of("Fixture Palestine") == "PSE"
    with pytest.raises(UnknownPlace) as info:
        gazetteer.resolve("Fixture Rafha")
    assert info.value.suggestions[0] == "fx-rafah"

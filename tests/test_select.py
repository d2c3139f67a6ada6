import pytest

from conftest import make_collection, make_route
from routes.dataset import load_dataset
from routes.errors import UnknownPlace, UnknownWeapon, UsageError
from routes.select import Filters, select


@pytest.fixture
def dataset(write_dataset):
    routes = [
        make_route("fx-gaza", waypoints=["fx-nampo", "fx-bandar-abbas", "fx-port-sudan", "fx-rafah", "fx-gaza"],
                   weapons=["fx-rpg"], period={"start": 2009, "end": 2014}, status="reported"),
        make_route("fx-lebanon", waypoints=["fx-bandar-abbas", "fx-damascus", "fx-beirut"], weapons=["fx-rocket"],
                   recipient="Hezbollah", intermediaries=["Iran", "Syria"], period={"start": 2000, "end": 2006},
                   status="alleged"),
        make_route("fx-undated", weapons=["fx-rocket", "fx-rpg"], period={"start": None, "end": None},
                   status="alleged"),
    ]
    return load_dataset([write_dataset(make_collection(routes))])


def ids(dataset, **kwargs):
    return [r["id"] for r in select(dataset, Filters(**kwargs)).routes]


def test_no_filter_keeps_every_route_in_file_order(dataset):
    assert ids(dataset) == ["fx-gaza", "fx-lebanon", "fx-undated"]


@pytest.mark.parametrize("name", ["fx-rpg", "FX-7", "fx7", "fixture rocket-grenade", "Fixture RPG"])
def test_weapon_matches_id_name_or_alias_ignoring_case_and_punctuation(dataset, name):
    assert ids(dataset, weapons=(name,)) == ["fx-gaza", "fx-undated"]


def test_unknown_weapon_suggests_close_names(dataset):
    with pytest.raises(UnknownWeapon) as info:
        select(dataset, Filters(weapons=("Fixture RPGG",)))
    assert info.value.suggestions[0] == "Fixture RPG"
    with pytest.raises(UnknownWeapon) as info:
        select(dataset, Filters(weapons=("FX-8",)))
    assert info.value.suggestions == []  # (FX-7 is another number: another system)


def test_category(dataset):
    assert ids(dataset, categories=("artillery-rockets",)) == ["fx-lebanon", "fx-undated"]
    with pytest.raises(UsageError):
        select(dataset, Filters(categories=("lasers",)))


def test_actor_matches_supplier_recipient_or_intermediary(dataset):
    assert ids(dataset, actors=("hezbollah",)) == ["fx-lebanon"]
    assert ids(dataset, actors=("Syria",)) == ["fx-lebanon"]


def test_place_by_name_or_country_code(dataset):
    assert ids(dataset, places=("Fixture Damascus",)) == ["fx-lebanon"]
    assert ids(dataset, places=("SDN",)) == ["fx-gaza", "fx-undated"]
    with pytest.raises(UnknownPlace):
        select(dataset, Filters(places=("Atlantis",)))


def test_period_overlap_keeps_undated_routes(dataset):
    assert ids(dataset, since=2010) == ["fx-gaza", "fx-undated"]
    assert ids(dataset, until=2005) == ["fx-lebanon", "fx-undated"]
    assert ids(dataset, since=2012, until=2013) == ["fx-gaza", "fx-undated"]
    assert ids(dataset, since=2007, until=2008) == ["fx-undated"]


def test_min_status_uses_the_order(dataset):
    assert ids(dataset, min_status="reported") == ["fx-gaza"]
    assert ids(dataset, min_status="confirmed") == []


def test_route_ids(dataset):
    assert ids(dataset, route_ids=("fx-lebanon",)) == ["fx-lebanon"]
    with pytest.raises(UsageError) as info:
        select(dataset, Filters(route_ids=("fx-lebanom",)))
    assert "fx-lebanon" in info.value.suggestions


def test_empty_selection_is_an_empty_dataset_not_none(dataset):
    chosen = select(dataset, Filters(weapons=("fx-rpg",), actors=("Hezbollah",)))
    assert chosen.routes == [] and chosen.sources == dataset.sources


def test_describe():
    text = Filters(weapons=("F-7",), since=2010, min_status="reported").describe()
    assert text == "weapon F-7, since 2010, status reported or stronger"
    assert Filters().describe() == "all routes"


@pytest.fixture
def approximate(write_dataset):
    routes = [make_route("fx-about", period={"start": {"year": 2009, "approximate": True},
                                             "end": {"year": 2011, "approximate": True}}),
              make_route("fx-open-end", period={"start": {"year": 2015, "approximate": True}, "end": None}),
              make_route("fx-exact", period={"start": 2009, "end": 2011})]
    return load_dataset([write_dataset(make_collection(routes))])


@pytest.mark.parametrize(("filters", "found"), [
    ({"since": 2011}, ["fx-about", "fx-open-end", "fx-exact"]),   # c. 2011 counts as 2011
    ({"since": 2012}, ["fx-open-end"]),                           # not as 2012; an unknown end is open
    ({"until": 2009}, ["fx-about", "fx-exact"]),                  # c. 2009 counts as 2009
    ({"until": 2008}, []),
    ({"until": 2014}, ["fx-about", "fx-exact"]),                  # c. 2015 counts as 2015, not earlier
])
def test_an_approximate_year_counts_as_the_year_it_gives_like_an_exact_one(approximate, filters, found):
    assert ids(approximate, **filters) == found


# -- places inside places (Gazetteer.inside) ---------------------------------------------------------------
@pytest.fixture
def strip(write_dataset):
    collection = make_collection([
        make_route("fx-to-rafah", waypoints=["fx-nampo", "fx-port-sudan", "fx-rafah-strip"]),
        make_route("fx-to-city", waypoints=["fx-nampo", "fx-gaza"]),
        make_route("fx-to-the-area", waypoints=["fx-nampo", "fx-strip"]),
        make_route("fx-stand-in", waypoints=["fx-nampo", {"place": "fx-rafah-strip", "stand_in": True,
                                                          "stands_for": "Hamas", "precision": "area"}]),
        make_route("fx-to-the-crossing", waypoints=["fx-nampo", "fx-rafah"]),
    ])
    collection["places"] += [
        {"type": "Feature", "id": "fx-strip", "properties": {"name": "Fixture Strip", "aliases": [], "country": "PSE",
                                                             "kind": "region"},
         "geometry": {"type": "Point", "coordinates": [34.35, 31.42]}},
        {"type": "Feature", "id": "fx-rafah-strip",
         "properties": {"name": "Fixture Rafah (Strip)", "aliases": [], "country": "PSE", "kind": "city",
                        "within": ["fx-strip"]},
         "geometry": {"type": "Point", "coordinates": [34.24, 31.3]}}]
    gaza = next(p for p in collection["places"] if p["id"] == "fx-gaza")
    gaza["properties"]["within"] = ["fx-strip"]
    for route in collection["features"]:
        route["geometry"] = None  # (built from the waypoints)
    return load_dataset([write_dataset(collection)])


def test_a_region_matches_the_routes_through_the_places_inside_it(strip):
    assert ids(strip, places=("Fixture Strip",)) == ["fx-to-rafah", "fx-to-city", "fx-to-the-area"]
    # a stand-in does not count, inside or not; the crossing on the Egyptian side is not inside


def test_a_place_inside_a_region_does_not_match_a_route_drawn_at_the_region(strip):
    assert ids(strip, places=("Fixture Rafah (Strip)",)) == ["fx-to-rafah"]
    assert ids(strip, places=("fx-gaza",)) == ["fx-to-city"]


def test_a_country_matches_the_routes_through_its_places(strip):
    assert ids(strip, places=("PSE",)) == ["fx-to-rafah", "fx-to-city", "fx-to-the-area"]
    assert ids(strip, places=("EGY",)) == ["fx-to-the-crossing"]


# -- actors ------------------------------------------------------------------------------------------------
def test_an_actor_no_route_names_is_bad_usage_with_the_closest_names(dataset):
    with pytest.raises(UsageError) as info:
        select(dataset, Filters(actors=("Hizbollah",)))
    assert info.value.suggestions == ["Hezbollah"]
    assert str(info.value) == ("unknown actor 'Hizbollah': no route names it as supplier, recipient or intermediary; "
                               "did you mean: Hezbollah?")
    with pytest.raises(UsageError, match="actor ' ' names no one"):
        select(dataset, Filters(actors=(" ",)))


def test_an_actor_that_other_filters_leave_out_is_an_empty_selection_not_an_error(dataset):
    assert ids(dataset, actors=("Hezbollah",), weapons=("fx-rpg",)) == []
    with pytest.raises(UsageError, match="unknown actor 'Nobody Known'"):  # (as an unknown weapon among several)
        select(dataset, Filters(actors=("North Korea", "Nobody Known")))


def test_an_unknown_actor_in_a_selection_says_it_is_the_selection(dataset):
    chosen = select(dataset, weapon="fx-rpg")
    with pytest.raises(UsageError, match=r"^unknown actor 'Hezbollah': no route of the selection \(weapon Fixture "
                                         r"RPG\) names it"):
        select(chosen, actor="Hezbollah")

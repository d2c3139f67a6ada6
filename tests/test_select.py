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
        select(dataset, Filters(weapons=("FX-8",)))
    assert "FX-7" in info.value.suggestions


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

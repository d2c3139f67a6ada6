"""The shared rules behind every drawing: what a route is coloured by, which routes a category shows,
how time filters count unknown years. The map, the images and the reports all call these."""

from __future__ import annotations

import json

from conftest import make_collection, make_route
from routes import model, style
from routes.dataset import load_dataset
from routes.select import Filters, matched_weapons, overlaps, select, undated
from routes.weapons import Taxonomy

WEAPONS = Taxonomy([{"id": "rpg", "name": "RPG", "category": "anti-tank"},
                    {"id": "mrl", "name": "MRL", "category": "artillery-rockets"},
                    {"id": "kornet", "name": "Kornet", "aliases": ["9M133"], "category": "anti-tank"},
                    {"id": "scud", "name": "Scud", "category": "ballistic-missiles"}])


def route(weapons, kind="arms", **props):
    return {"properties": {"weapons": weapons, "kind": kind, **props}}


def test_a_route_belongs_to_every_category_of_its_weapons():
    assert style.route_categories(route(["mrl", "rpg", "kornet", "scud"]), WEAPONS) == \
        ["artillery-rockets", "anti-tank", "ballistic-missiles"]
    assert style.route_categories(route([]), WEAPONS) == []


def test_colour_follows_the_matched_weapon_then_the_matched_category_then_the_first():
    r = route(["mrl", "scud", "kornet"])
    assert style.route_category(r, WEAPONS) == "artillery-rockets"
    assert style.route_category(r, WEAPONS, matched_weapons={"kornet"}) == "anti-tank"
    assert style.route_category(r, WEAPONS, matched_categories={"ballistic-missiles"}) == "ballistic-missiles"
    assert style.route_category(r, WEAPONS, {"kornet"}, {"ballistic-missiles"}) == "anti-tank"
    assert style.route_category(route([]), WEAPONS) == "other"


def test_payment_training_and_technology_are_never_a_weapon_category_colour():
    category_colours = set(style.CATEGORY_COLOURS.values()) | set(style.FALLBACK_PALETTE)
    for kind in ("payment", "training", "technology"):
        r = route(["mrl"], kind=kind)
        assert style.colour_group(r, WEAPONS) == kind
        assert style.route_colour(r, WEAPONS) == style.KIND_COLOURS[kind]
        assert style.route_colour(r, WEAPONS) not in category_colours
        assert kind in style.KIND_LABELS
    assert style.colour_group(route(["mrl"]), WEAPONS) == "artillery-rockets"


def test_arrows_are_filled_only_for_a_reported_delivery():
    assert style.arrow_filled(route([], outcome="delivered"))
    for outcome in ("attempted", "interdicted", "unknown", None):
        assert not style.arrow_filled(route([], outcome=outcome))
    assert not style.arrow_filled({"properties": {}})


def test_the_matched_weapons_of_a_filter_use_the_cli_name_rules(write_dataset):
    dataset = load_dataset([write_dataset()])
    assert matched_weapons(dataset, Filters(weapons=("FX-7", "fixture rocket"))) == ({"fx-rpg", "fx-rocket"}, set())
    assert matched_weapons(dataset, Filters(categories=("Anti Tank",))) == (set(), {"anti-tank"})
    assert matched_weapons(dataset, None) == (set(), set())


def period(start, end):
    return {"properties": {"period": {"start": start, "end": end}}}


def test_time_overlap_counts_approximate_years_as_given_and_unknown_ones_as_open():
    approx = {"year": 1999, "approximate": True}
    assert overlaps(period(approx, 2004), 2004, None)
    assert not overlaps(period(approx, 2004), 2005, None)
    assert overlaps(period(approx, None), None, 1999) and not overlaps(period(approx, None), None, 1998)
    assert overlaps(period(None, None), 1900, 1901)
    assert overlaps(period(2001, 2001), 2001, 2001) and not overlaps(period(2001, 2001), 2002, None)


def test_the_routes_a_time_filter_let_through_unknown_are_counted(write_dataset):
    routes = [make_route("dated", period={"start": 2010, "end": 2012}),
              make_route("no-end", period={"start": 2001, "end": None}),
              make_route("no-start", period={"start": None, "end": {"year": 2015, "approximate": True}}),
              make_route("unknown", period={"start": None, "end": None})]
    dataset = load_dataset([write_dataset(make_collection(routes))])
    since = Filters(since=2011)
    chosen = select(dataset, since)
    assert [r["id"] for r in chosen.routes] == ["dated", "no-end", "no-start", "unknown"]
    assert undated(chosen, since) == 2  # no-end and unknown passed only because their end is unknown
    until = Filters(until=2009)
    chosen = select(dataset, until)
    assert [r["id"] for r in chosen.routes] == ["no-end", "no-start", "unknown"]
    assert undated(chosen, until) == 2
    assert undated(dataset, Filters()) == 0 and undated(dataset, None) == 0
    assert model.period_text(chosen.routes[1]) == "?–c. 2015"


def test_a_category_filter_finds_a_route_by_any_of_its_weapons(write_dataset, runner):
    from cli import app

    routes = [make_route("both", weapons=["fx-rocket", "fx-rpg"]), make_route("rockets", weapons=["fx-rocket"]),
              make_route("none", kind="training", weapons=[])]
    path = write_dataset(make_collection(routes))
    result = runner.invoke(app, ["list", "-d", str(path), "--category", "anti-tank", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.stdout)] == ["both"]
    dataset = load_dataset([path])
    for r in dataset.routes:
        categories = style.route_categories(r, dataset.weapons)
        assert ("anti-tank" in categories) == (r["id"] == "both")


def test_unknown_date_count_leaves_out_routes_whose_known_years_overlap(write_dataset):
    routes = [make_route("starts-after", period={"start": 2016, "end": None}),
              make_route("starts-before", period={"start": 2001, "end": None}),
              make_route("ends-before", period={"start": None, "end": 2005}),
              make_route("ends-after", period={"start": None, "end": 2015})]
    dataset = load_dataset([write_dataset(make_collection(routes))])
    # since 2010: starts-after overlaps by its start; starts-before and ends-after only for want of a year
    assert undated(select(dataset, Filters(since=2010)), Filters(since=2010)) == 1
    assert [r["id"] for r in select(dataset, Filters(since=2010)).routes] == ["starts-after", "starts-before",
                                                                             "ends-after"]
    # until 2008: starts-before and ends-before overlap by their known years; ends-after for want of a start
    assert undated(select(dataset, Filters(until=2008)), Filters(until=2008)) == 1
    assert [r["id"] for r in select(dataset, Filters(until=2008)).routes] == ["starts-before", "ends-before",
                                                                             "ends-after"]


def test_a_place_filter_does_not_match_a_stand_in(write_dataset):
    stand_in = {"place": "fx-gaza", "stand_in": True, "stands_for": "Hamas"}
    routes = [make_route("named", waypoints=["fx-nampo", "fx-gaza"], legs=[{"mode": "unknown"}]),
              make_route("standing-in", waypoints=["fx-nampo", stand_in], legs=[{"mode": "unknown"}])]
    dataset = load_dataset([write_dataset(make_collection(routes))])
    assert [r["id"] for r in select(dataset, Filters(places=("fx-gaza",))).routes] == ["named"]
    assert [r["id"] for r in select(dataset, Filters(places=("fx-nampo",))).routes] == ["named", "standing-in"]


def test_a_kml_export_for_a_weapon_colours_routes_by_that_weapon(write_dataset, runner, tmp_path):
    from cli import app

    path = write_dataset(make_collection([make_route("both", weapons=["fx-rocket", "fx-rpg"])]))
    out = tmp_path / "rpg.kml"

    result = runner.invoke(app, ["export", "-d", str(path), "-w", "FX-7", "-o", str(out)])

    assert result.exit_code == 0, result.output
    anti_tank = style.CATEGORY_COLOURS["anti-tank"].lstrip("#")
    assert f'id="route-{anti_tank}-reported-plausible"' in out.read_text()
